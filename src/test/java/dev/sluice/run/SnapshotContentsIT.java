package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import java.nio.file.Files;
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
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a snapshot keeps, read back with DuckDB itself: keys and row hashes for every mode but
 * full_then_delta × difference, which also keeps the values its {@code _removed} files need; and
 * what a change of mode does with a snapshot of the other kind. full_only runs write straight from
 * the model's query (a segment's values read from a one-row table): the Scenario oracle checks
 * every file against the source.
 */
class SnapshotContentsIT {
    private static final String KEYS_ONLY = "the previous snapshot keeps only keys and row hashes (the activation was not"
            + " full_then_delta × difference then), so the last values of removed rows are unknown";

    @TempDir
    Path dir;

    private static Scenario scenario(Fixture fx, RunType type, SyncMode mode, Format format) {
        return new Scenario(fx, "people", type, mode, format, "people", People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
    }

    /** The column names of the activation's committed snapshot table and current.json's "values". */
    private static List<String> snapshotColumns(Fixture fx) throws Exception {
        Path folder = fx.state.resolve("activations").resolve("people");
        JsonNode current = Fixture.JSON.readTree(Files.readString(folder.resolve("current.json")));
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        List<String> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + folder.resolve(current.path("snapshot").asText()), readOnly);
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT column_name FROM (DESCRIBE snapshot)")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        columns.add("values=" + current.path("values").asText());
        return columns;
    }

    /** The people table, the activation over all_people, and its first run (checked by the oracle). */
    private static Scenario firstRun(Fixture fx, RunType type, SyncMode mode, Format format) {
        People.create(fx);
        Scenario s = scenario(fx, type, mode, format);
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        s.sync();
        return s;
    }

    /** Rewrites the activation's current.json as an older version or another engine would have left it; returns the text. */
    private static String editCurrent(Fixture fx, String regex, String replacement) throws java.io.IOException {
        Path current = fx.state.resolve("activations").resolve("people").resolve("current.json");
        String text = Files.readString(current).replaceFirst(regex, replacement);
        Files.writeString(current, text);
        return text;
    }

    private static void carryOver(Scenario from, Scenario to) {
        to.previous = from.previous;
        to.committed = from.committed;
        to.replica.putAll(from.replica);
        to.published.putAll(from.published);
    }

    @Test
    void fullOnlyKeepsKeysAndHashesThenDifferenceStartsWithAFullRunThenUpsertKeepsComparing() throws Exception {
        Fixture fx = new Fixture(dir);
        Scenario snapshot = firstRun(fx, RunType.FULL_ONLY, SyncMode.SNAPSHOT, Format.CSV);
        People.step(fx, 0);
        JsonNode second = snapshot.sync(); // the counts come from comparing keys and hashes
        assertThat(second.path("counts").path("updated").asLong() + second.path("counts").path("added").asLong()
                + second.path("counts").path("removed").asLong()).isPositive();
        assertThat(snapshotColumns(fx)).containsExactly("sluice_k0", "sluice_k1", "sluice_hash", "values=false");

        // To difference: the snapshot has no values for _removed, so the run is full, says why, and
        // names the removed rows by their key attributes only.
        Scenario difference = scenario(fx, RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV);
        carryOver(snapshot, difference);
        difference.previous = null;
        Map<List<String>, List<String>> keysOnly = new LinkedHashMap<>();
        snapshot.committed.rows().keySet().forEach(k -> keysOnly.put(k, List.of()));
        difference.committed = new Scenario.State(List.of(), keysOnly);
        fx.workspace(People.WORKSPACE + difference.yaml("all_people", "out"));
        People.step(fx, 1);
        difference.syncExpecting(KEYS_ONLY);
        assertThat(difference.lastCli.err()).contains("this is a full run: " + KEYS_ONLY);
        assertThat(snapshotColumns(fx)).containsExactly("sluice_k0", "sluice_k1", "region", "id", "name", "city", "score", "born",
                "amount", "active", "note", "sluice_hash", "values=true");
        People.step(fx, 2);
        JsonNode delta = difference.sync();
        assertThat(delta.path("kind").asText()).isEqualTo("delta");

        // To upsert: the snapshot with values is compared (a delta run), then rewritten without them.
        Scenario upsert = scenario(fx, RunType.FULL_THEN_DELTA, SyncMode.UPSERT, Format.JSON_ARRAY);
        upsert.jsonNumbers = java.util.Set.of("id", "score", "amount");
        carryOver(difference, upsert);
        fx.workspace(People.WORKSPACE + upsert.yaml("all_people", "out"));
        People.step(fx, 3);
        assertThat(upsert.sync().path("kind").asText()).isEqualTo("delta");
        assertThat(snapshotColumns(fx)).containsExactly("sluice_k0", "sluice_k1", "sluice_hash", "values=false");
        People.step(fx, 4);
        assertThat(upsert.sync().path("kind").asText()).isEqualTo("delta");
    }

    @Test
    void aSnapshotOfAnOlderVersionWithoutTheValuesFlagIsReadAsKeepingValues() throws Exception {
        Fixture fx = new Fixture(dir);
        Scenario difference = firstRun(fx, RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV);
        assertThat(editCurrent(fx, ",\\s*\"values\" : true", "")).doesNotContain("values");
        People.step(fx, 0);
        JsonNode delta = difference.sync(); // _removed rows carry their last values: the oracle checks them
        assertThat(delta.path("kind").asText()).isEqualTo("delta");
    }

    @Test
    void aKeysOnlySnapshotHashedByAnotherEngineVersionIsNotComparedAndIsRewritten() throws Exception {
        Fixture fx = new Fixture(dir);
        Scenario snapshot = firstRun(fx, RunType.FULL_ONLY, SyncMode.SNAPSHOT, Format.CSV);
        editCurrent(fx, "\"engine\" : \"[^\"]*\"", "\"engine\" : \"v0.0.1\"");
        People.step(fx, 0);
        Fixture.Cli run = fx.run("people");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("values not compared with the last snapshot (every kept key counts as updated): the previous snapshot's row hashes were computed by another engine"
                + " version (v0.0.1) and it keeps no values to compute them again");
        JsonNode counts = run.json().path("counts");
        assertThat(counts.path("removed").asLong()).as("keys are still compared: the two rows step 0 deletes").isEqualTo(2);
        assertThat(Files.readString(fx.state.resolve("activations").resolve("people").resolve("current.json"))).doesNotContain("v0.0.1");
        Fixture.Cli next = fx.run("people");
        assertThat(next.err()).doesNotContain("values not compared");
        assertThat(next.json().path("counts").path("unchanged").asLong()).isEqualTo(next.json().path("counts").path("read").asLong());
    }

    @Test
    void aDeltaRunWhoseModelGivesOtherRowsWhenReadAgainPublishesNothingThenReadsEveryValueOnce() throws Exception {
        Fixture fx = new Fixture(dir);
        fx.sql("CREATE TABLE nums AS SELECT range AS id FROM range(200)");
        fx.workspace("""
                sources:
                  warehouse: {type: duckdb, path: warehouse.duckdb}
                models:
                  dice:
                    source: warehouse
                    sql: SELECT id, random() AS roll FROM nums
                    primary_key: [id]
                destinations:
                  out: {type: local, path: out}
                activations:
                  dice: {model: dice, destination: out, folder: dice, file_name: "{run}", format: {type: csv}, sync_mode: upsert}
                """);
        fx.run("dice");
        int before = fx.objects().size();
        Fixture.Cli failed = fx.cli("run", "dice", "--json");
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
        assertThat(failed.err()).contains("activations.dice: the model dice gave other rows when its changed rows were read a second"
                + " time in this run").contains("nothing was published").contains("From the next run on, dice reads every value once");
        assertThat(fx.objects()).as("nothing published").hasSize(before);
        assertThat(fx.state.resolve("activations").resolve("dice").resolve("reads-once")).exists();
        JsonNode next = fx.run("dice").json();
        assertThat(next.path("kind").asText()).isEqualTo("delta");
        assertThat(next.path("counts").path("updated").asLong()).isEqualTo(200);
        assertThat(next.path("counts").path("written").asLong()).isEqualTo(200);
    }

    @Test
    void aFullOnlySegmentWritesStraightFromTheFilteredModel() throws Exception {
        Fixture fx = new Fixture(dir);
        People.create(fx);
        Scenario segment = new Scenario(fx, "people", RunType.FULL_ONLY, SyncMode.UPSERT, Format.JSON_LINES, "people",
                People.ALL_SQL + " WHERE region = 'EU' AND score >= 10", List.of("region", "id"), People.COLUMNS, null);
        segment.jsonNumbers = java.util.Set.of("id", "score", "amount");
        String segments = """
                segments:
                  eu_scored:
                    model: all_people
                    filter:
                      all:
                        - {attribute: region, op: eq, value: EU}
                        - {attribute: score, op: gte, value: 10}
                """;
        fx.workspace(People.WORKSPACE.replace("destinations:", segments + "destinations:")
                + segment.yaml("eu_scored", "out").replace("model: eu_scored", "segment: eu_scored"));
        segment.sync();
        for (int step = 0; step < 3; step++) {
            People.step(fx, step);
            segment.sync();
        }
        assertThat(snapshotColumns(fx)).containsExactly("sluice_k0", "sluice_k1", "sluice_hash", "values=false");
        assertThat(count(fx, "SELECT count(*) FROM people WHERE region = 'EU' AND score >= 10"))
                .as("the segment selects some rows, not all").isBetween(1L, count(fx, "SELECT count(*) FROM people") - 1);
    }

    private static long count(Fixture fx, String sql) throws SQLException {
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + fx.db.toAbsolutePath(), readOnly);
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
