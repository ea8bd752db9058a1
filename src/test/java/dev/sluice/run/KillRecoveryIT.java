package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs killed with kill -9 in a separate JVM at several points, on a table of 2.5 M rows: while
 * reading the source and while writing files (when the run's log says it reached the stage), and
 * at exact points of publishing where the child stops itself ({@link PausingRun}): between two
 * uploads (before the decision point: rolled back), between two moves to final names and after the
 * manifest is published but before the success is recorded (after the decision point: rolled
 * forward). Then: the next run succeeds, the runs killed before their decision are recorded as
 * failed with nothing left behind, the ones killed after it are completed and recorded as
 * succeeded with a complete set, and the files of all successful runs rebuild the table exactly
 * (checked in SQL with a DuckDB connection of the test's own).
 */
class KillRecoveryIT {
    private static final String ACTIVATION = "big_changes";
    private static final String COLUMNS = "CAST(id AS VARCHAR) AS id, name, CAST(score AS VARCHAR) AS score, "
            + "CAST(born AS VARCHAR) AS born, note";

    @TempDir
    Path dir;

    private Fixture fx;
    private Connection check;
    private final List<String> dead = new ArrayList<>();

    @BeforeEach
    void setUp() throws SQLException {
        fx = new Fixture(dir);
        fx.sql("CREATE TABLE big AS SELECT i AS id, 'name ' || i AS name, CAST(i % 1000 AS INTEGER) AS score, "
                + "DATE '2020-01-01' + CAST(i % 3000 AS INTEGER) AS born, "
                + "CASE WHEN i % 97 = 0 THEN NULL ELSE 'a note, with \"quotes\" ' || (i * 7) END AS note FROM range(0, 2500000) t(i)");
        fx.workspace("""
                sources:
                  warehouse: {type: duckdb, path: warehouse.duckdb}
                models:
                  big:
                    source: warehouse
                    sql: SELECT id, name, score, born, note FROM big
                    primary_key: [id]
                destinations:
                  out: {type: local, path: out}
                activations:
                  big_changes:
                    model: big
                    destination: out
                    folder: changes
                    file_name: "big_{run}"
                    format: csv
                    run_type: full_then_delta
                    sync_mode: difference
                    max_rows_per_file: 1000000
                    manifest: true
                """);
        check = DriverManager.getConnection("jdbc:duckdb:");
        execute("CREATE TABLE replica (id VARCHAR, name VARCHAR, score VARCHAR, born VARCHAR, note VARCHAR)");
    }

    @AfterEach
    void tearDown() throws SQLException {
        check.close();
    }

    @Test
    void killedRunsLeaveAUsableStateAndLoseNoChange() throws SQLException {
        // Three first runs killed before their decision point (the snapshot commit): rolled back.
        killAt("reading big");
        killAt("writing big_");
        // (A kill mid-upload leaves a .sluice-upload- temporary file; local uploads hard-link the
        // written file, so that window is too short to hit from here. deleteAll removes such files.)
        killBetweenUploads(2);
        Path truth1 = saveTruth("truth1");
        // Killed after its decision, with two of its files at their final names: the next run
        // completes its publish before its own (rolled forward), so nothing it published is withdrawn.
        String full = decided(killBetweenPublishes(2));
        JsonNode first = fx.run(ACTIVATION).json();
        assertThat(first.path("kind").asText()).isEqualTo("delta");
        verifyRun(completed(full), null, truth1);
        verifyRun(first, truth1, truth1);
        verifyDeadRuns();

        // Changes, then a delta run killed while writing (rolled back) and one killed between publishes (rolled forward).
        fx.sql("UPDATE big SET score = score + 1 WHERE id % 10 = 0",
                "DELETE FROM big WHERE id % 20 = 1",
                "INSERT INTO big SELECT i, 'new ' || i, 7, NULL, 'new' FROM range(2500000, 2600000) t(i)",
                "UPDATE big SET note = NULL WHERE id % 1000 = 3");
        killAt("writing big_");
        Path truthA = saveTruth("truthA");
        String deltaA = decided(killBetweenPublishes(3));
        // More changes; a run killed after publishing its manifest, before its success is recorded:
        // its set is complete and stays; the next run records it.
        fx.sql("UPDATE big SET note = 'back' WHERE id % 1000 = 3",
                "DELETE FROM big WHERE id % 50 = 7",
                "INSERT INTO big SELECT i, 're-added ' || i, 1, DATE '2024-02-29', NULL FROM range(1, 200000, 20) t(i)");
        Path truthB = saveTruth("truthB");
        String deltaB = decided(kill(ChildRun.testMain(fx, PausingRun.class, fx.yaml.toString(), fx.state.toString(), ACTIVATION,
                "manifest", "0"), PausingRun.MARKER, () -> true, true));
        fx.sql("UPDATE big SET name = 'renamed' WHERE id % 300 = 11");
        Path truthC = saveTruth("truthC");
        JsonNode second = fx.run(ACTIVATION).json();
        assertThat(second.path("kind").asText()).isEqualTo("delta");
        verifyRun(completed(deltaA), truth1, truthA);
        verifyRun(completed(deltaB), truthA, truthB);
        verifyRun(second, truthB, truthC);
        verifyDeadRuns();

        assertThat(fx.runs(ACTIVATION)).extracting(r -> r.path("status").asText())
                .containsExactly("succeeded", "succeeded", "succeeded", "failed", "succeeded", "succeeded", "failed", "failed", "failed");
        assertThat(fx.stagingLeftovers()).isEmpty();
        assertThat(fx.workLeftovers()).isEmpty();
    }

    /** A killed run that had passed its decision point: not one of the dead runs to roll back. */
    private String decided(String id) {
        dead.remove(id);
        return id;
    }

    /** The record of a decided run, once a later run completed it: succeeded, late, with a complete set of files. */
    private JsonNode completed(String id) {
        JsonNode record = fx.runs(ACTIVATION).stream().filter(r -> r.path("id").asText().equals(id)).findFirst().orElseThrow();
        assertThat(record.path("status").asText()).as("status of the decided run %s", id).isEqualTo("succeeded");
        assertThat(record.path("warnings").toString()).contains("completed its publish");
        assertCompleteSet(id);
        return record;
    }

    /** Starts a run in its own JVM, kills it when its log reaches {@code marker}, and checks what it left. */
    private void killAt(String marker) {
        killAt(marker, null);
    }


    /** As above; after the marker it also waits until a path in the staging folder matches {@code staged}. */
    private void killAt(String marker, Predicate<String> staged) {
        killWhen(marker, staged == null ? () -> true : () -> fx.stagingLeftovers().stream().anyMatch(staged), false);
    }

    /** Kills a run that has staged {@code uploads} complete objects and stopped before the next (see {@link PausingRun}). */
    private void killBetweenUploads(int uploads) {
        kill(ChildRun.testMain(fx, PausingRun.class, fx.yaml.toString(), fx.state.toString(), ACTIVATION, "upload",
                Integer.toString(uploads)), PausingRun.MARKER, () -> true, false);
        assertThat(fx.stagingLeftovers()).as("objects staged by the killed run").filteredOn(n -> n.endsWith(".csv")).hasSize(uploads);
    }

    /**
     * Kills a run that has moved {@code publishes} staged objects to their final names and stopped
     * before the next: an incomplete final set of a decided run, which the next run completes.
     */
    private String killBetweenPublishes(int publishes) {
        String id = kill(ChildRun.testMain(fx, PausingRun.class, fx.yaml.toString(), fx.state.toString(), ACTIVATION, "publish",
                Integer.toString(publishes)), PausingRun.MARKER, () -> true, false);
        assertThat(fx.objects().keySet()).as("final files of the killed run %s", id)
                .filteredOn(n -> n.contains(id) && !n.contains(".sluice-staging/")).hasSize(publishes)
                .noneMatch(n -> n.endsWith(".manifest.json"));
        return id;
    }

    /** After the marker, waits for {@code condition}, then kills; {@code published}: the run got past publishing. */
    private void killWhen(String marker, BooleanSupplier condition, boolean published) {
        kill(new ChildRun(fx, "run", ACTIVATION), marker, condition, published);
    }

    /** Returns the id of the killed run. */
    private String kill(ChildRun child, String marker, BooleanSupplier condition, boolean published) {
        List<String> before = ids();
        child.await(marker);
        while (!condition.getAsBoolean()) {
            assertThat(child.process.isAlive()).as("the run is still going; its log:%n%s", child.err()).isTrue();
            Thread.onSpinWait();
        }
        int exit = child.kill();
        assertThat(exit).as("the run was killed before it ended; its log:%n%s", child.err()).isEqualTo(137);
        List<String> after = ids();
        after.removeAll(before);
        assertThat(after).as("runs recorded by the killed process").hasSize(1);
        String id = after.get(0);
        JsonNode record = fx.runs(ACTIVATION).get(0);
        assertThat(record.path("id").asText()).isEqualTo(id);
        assertThat(record.path("status").asText()).as("a killed run stays recorded as running until the next run").isEqualTo("running");
        System.out.printf("killed run %s at '%s'; it left in the destination: %s; in the state's work folder: %s%n", id, marker,
                fx.stagingLeftovers(), fx.workLeftovers());
        if (published) {
            // Every file is at its final name, the manifest last; the run had committed before publishing.
            assertCompleteSet(id);
        } else {
            // Killed before publishing ended: no complete set (the manifest comes last).
            assertThat(fx.objects().keySet()).as("final files of the killed run %s", id)
                    .noneMatch(n -> n.contains(id) && n.endsWith(".manifest.json") && !n.contains(".sluice-staging/"));
        }
        dead.add(id);
        return id;
    }

    /** The final files of a run that published everything: exactly those its manifest lists, with their sizes. */
    private void assertCompleteSet(String id) {
        String manifestName = "changes/big_" + id + ".manifest.json";
        JsonNode manifest;
        try {
            manifest = Fixture.JSON.readTree(fx.out.resolve(manifestName).toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Long> listed = new java.util.TreeMap<>();
        manifest.path("files").forEach(f -> listed.put(f.path("object").asText(), f.path("bytes").asLong()));
        Map<String, Long> present = new java.util.TreeMap<>(fx.objects());
        present.keySet().removeIf(n -> !n.contains(id) || n.equals(manifestName));
        assertThat(present).as("final files of %s, which was killed after publishing", id).isEqualTo(listed);
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        fx.runs(ACTIVATION).forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }

    /** Every killed run so far: recorded failed by a later run, which removed its leftovers. */
    private void verifyDeadRuns() {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        fx.runs(ACTIVATION).forEach(r -> byId.put(r.path("id").asText(), r));
        for (String id : dead) {
            JsonNode record = byId.get(id);
            assertThat(record.path("status").asText()).as("status of the killed run %s", id).isEqualTo("failed");
            assertThat(record.path("error").asText()).contains("stopped before its decision point (killed or crashed)");
            assertThat(record.path("endedAt").isNull()).isFalse();
            assertThat(record.path("files")).isEmpty();
            assertThat(fx.objects().keySet()).as("files of the killed run %s", id).noneMatch(n -> n.contains(id));
        }
        // A later commit removed what the killed commit had begun to write.
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(fx.state.resolve("activations").resolve(ACTIVATION))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("the activation's state folder").hasSize(2).contains("current.json").allMatch(n -> !n.endsWith(".partial"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(fx.stagingLeftovers()).as("staging leftovers").isEmpty();
        assertThat(fx.workLeftovers()).as("work folders of killed runs").isEmpty();
    }

    private Path saveTruth(String name) {
        Path file = dir.resolve(name + ".parquet");
        fx.sql("COPY (SELECT " + COLUMNS + " FROM big) TO '" + file + "' (FORMAT parquet)");
        return file;
    }

    /**
     * The run's files hold exactly the rows they must (against the truth before and after), the
     * counts agree, the manifest lists the data files, and the consumer's copy rebuilt from the
     * files of the successful runs equals the table.
     */
    private void verifyRun(JsonNode record, Path before, Path after) throws SQLException {
        Map<String, List<String>> files = new LinkedHashMap<>();
        List<String> manifests = new ArrayList<>();
        for (JsonNode file : record.path("files")) {
            String path = fx.out.resolve(file.path("object").asText()).toString();
            assertThat(file.path("crc32c").asText()).isEqualTo(Fixture.crc32c(Path.of(path)));
            if (file.path("output").asText().equals("manifest")) {
                manifests.add(path);
            } else {
                files.computeIfAbsent(file.path("output").asText(), k -> new ArrayList<>()).add(path);
            }
        }
        assertThat(manifests).hasSize(1);
        String now = "(SELECT * FROM read_parquet('" + after + "'))";
        execute("CREATE OR REPLACE TEMP VIEW now_rows AS " + now);
        if (before == null) {
            assertThat(files.keySet()).containsExactly("all", "nothing");
            execute("CREATE OR REPLACE TEMP VIEW added AS " + read(files.get("all")));
            assertThat(files.get("all")).hasSize(3);
            assertSame("added", "now_rows");
            execute("DELETE FROM replica");
            execute("INSERT INTO replica SELECT * FROM added");
        } else {
            assertThat(files.keySet()).containsExactly("added", "updated", "removed");
            String prev = "(SELECT * FROM read_parquet('" + before + "'))";
            execute("CREATE OR REPLACE TEMP VIEW prev_rows AS " + prev);
            execute("CREATE OR REPLACE TEMP VIEW added AS " + read(files.get("added")));
            execute("CREATE OR REPLACE TEMP VIEW updated AS " + read(files.get("updated")));
            execute("CREATE OR REPLACE TEMP VIEW removed AS " + read(files.get("removed")));
            execute("CREATE OR REPLACE TEMP VIEW expected_added AS SELECT n.* FROM now_rows n ANTI JOIN prev_rows p ON n.id = p.id");
            execute("CREATE OR REPLACE TEMP VIEW expected_removed AS SELECT p.* FROM prev_rows p ANTI JOIN now_rows n ON n.id = p.id");
            execute("CREATE OR REPLACE TEMP VIEW expected_updated AS SELECT n.* FROM now_rows n JOIN prev_rows p ON n.id = p.id "
                    + "WHERE (n.name, n.score, n.born, n.note) IS DISTINCT FROM (p.name, p.score, p.born, p.note)");
            assertSame("added", "expected_added");
            assertSame("updated", "expected_updated");
            assertSame("removed", "expected_removed");
            JsonNode counts = record.path("counts");
            assertThat(List.of(counts.path("read").asLong(), counts.path("added").asLong(), counts.path("updated").asLong(),
                    counts.path("removed").asLong(), counts.path("written").asLong()))
                    .containsExactly(count("now_rows"), count("added"), count("updated"), count("removed"),
                            count("added") + count("updated") + count("removed"));
            // Removed rows carry the values the consumer holds; updated keys are held; added keys are not.
            assertThat(query("SELECT count(*) FROM (SELECT * FROM removed EXCEPT ALL SELECT * FROM replica)")).isZero();
            assertThat(query("SELECT count(*) FROM updated ANTI JOIN replica r USING (id)")).isZero();
            assertThat(query("SELECT count(*) FROM added SEMI JOIN replica r USING (id)")).isZero();
            execute("DELETE FROM replica WHERE id IN (SELECT id FROM removed UNION ALL SELECT id FROM updated)");
            execute("INSERT INTO replica SELECT * FROM updated UNION ALL SELECT * FROM added");
        }
        assertSame("replica", "now_rows");
        JsonNode manifest;
        try {
            manifest = Fixture.JSON.readTree(Path.of(manifests.get(0)).toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(manifest.path("files")).hasSize(record.path("files").size() - 1);
    }

    private static String read(List<String> files) {
        String list = files.stream().map(f -> "'" + f + "'").reduce((a, b) -> a + ", " + b).orElseThrow();
        return "SELECT * FROM read_csv([" + list + "], all_varchar = true, header = true, quote = '\"', escape = '\"')";
    }

    private void assertSame(String a, String b) throws SQLException {
        assertThat(query("SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b + ")"))
                .as("rows of %s missing from %s", a, b).isZero();
        assertThat(query("SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + a + ")"))
                .as("rows of %s missing from %s", b, a).isZero();
    }

    private long count(String table) throws SQLException {
        return query("SELECT count(*) FROM " + table);
    }

    private long query(String sql) throws SQLException {
        try (Statement s = check.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = check.createStatement()) {
            s.execute(sql);
        }
    }
}
