package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.postgres.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state: source} on a real PostgreSQL: every run type × sync mode runs twice side by side on
 * the same model, once with the snapshot in the engine (the default) and once with it in the
 * source, through adds, updates, deletes, re-adds, updates to and from NULL, changes to unexported
 * columns, a change of mapping, a reset and rows with invalid keys; both must write byte-identical
 * files with the same counts, and the source-side one must keep nothing under the state folder.
 */
class SourceStateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    @TempDir
    Path dir;

    /** Each pair: run type, sync mode, format. */
    private static final List<String[]> PAIRS = List.of(
            new String[] {"full_only", "snapshot", "csv"},
            new String[] {"full_only", "upsert", "{type: json, layout: lines}"},
            new String[] {"full_then_delta", "upsert", "csv"},
            new String[] {"full_then_delta", "insert", "csv"},
            new String[] {"full_then_delta", "difference", "csv"},
            new String[] {"full_then_delta", "difference", "parquet"});

    private void sql(String database, String... statements) throws Exception {
        try (Connection c = POSTGRES.connect(database); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private void createDatabase(String name) throws Exception {
        POSTGRES.recreate(name);
        sql(name, "CREATE TABLE people (region text, id integer, name text, city text, score integer, born date, amount numeric(10,2), "
                + "active boolean, seen timestamptz, photo bytea, note text)",
                "INSERT INTO people VALUES "
                        + "('EU', 1, 'Ann', 'Paris', 10, '1990-01-02', 12.50, true, '2025-04-14 10:00:00+00', '\\x0001', 'a'), "
                        + "('EU', 2, 'Bob', NULL, 20, '1985-05-06', 0.00, false, NULL, NULL, 'b'), "
                        + "('EU', 3, 'Chloé, \"the\" first; ok', 'Lyon', 30, NULL, -3.25, NULL, '2025-01-01 05:30:00.123+00', '\\x', 'c'), "
                        + "('EU', 4, 'Dan', 'Nice', NULL, '2000-12-31', NULL, true, NULL, NULL, 'd'), "
                        + "('US', 1, 'Abe', 'NYC', 11, '1991-01-01', 1.10, true, NULL, NULL, 'x')");
    }

    private Path workspace(String database, String mapping, String extra) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: %s, user: postgres}
                models:
                  people:
                    source: pg
                    sql: SELECT region, id, name, city, score, born, amount, active, seen, photo, note FROM people
                    primary_key: [region, id]
                destinations:
                  out: {type: local, path: out}
                activations:
                """.formatted(POSTGRES.port(), database));
        for (int i = 0; i < PAIRS.size(); i++) {
            String[] pair = PAIRS.get(i);
            for (String state : List.of("engine", "source")) {
                yaml.append("  p").append(i).append('_').append(state).append(":\n")
                        .append("    model: people\n    destination: out\n")
                        .append("    folder: p").append(i).append('_').append(state).append('\n')
                        .append("    file_name: \"out_{run}\"\n")
                        .append("    run_type: ").append(pair[0]).append('\n')
                        .append("    sync_mode: ").append(pair[1]).append('\n')
                        .append("    format: ").append(pair[2]).append('\n')
                        .append(mapping == null ? "" : "    mapping: " + mapping + "\n")
                        .append(extra == null ? "" : extra)
                        .append(state.equals("source") ? "    state: source\n" : "");
            }
        }
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, yaml.toString());
        return file;
    }

    private JsonNode run(Path yaml, String activation, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", activation, "-c", yaml.toString(), "--json"));
        args.addAll(List.of(flags));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as("%s: %s", activation, run.err()).isZero();
        return JSON.readTree(run.out());
    }

    /** Runs every pair once and compares: counts, kind, reason, and each output file's bytes. */
    private void round(Path yaml, String... flags) throws Exception {
        for (int i = 0; i < PAIRS.size(); i++) {
            JsonNode engine = run(yaml, "p" + i + "_engine", flags);
            JsonNode source = run(yaml, "p" + i + "_source", flags);
            String what = String.join(" × ", PAIRS.get(i)) + " " + String.join(" ", flags);
            assertThat(source.path("counts")).as("counts of %s", what).isEqualTo(engine.path("counts"));
            assertThat(source.path("kind").asText()).as("kind of %s", what).isEqualTo(engine.path("kind").asText());
            assertThat(source.path("fullReason").asText()).as("full reason of %s", what).isEqualTo(engine.path("fullReason").asText());
            Map<String, byte[]> engineFiles = files(engine, "p" + i + "_engine");
            Map<String, byte[]> sourceFiles = files(source, "p" + i + "_source");
            assertThat(sourceFiles.keySet()).as("outputs of %s", what).isEqualTo(engineFiles.keySet());
            for (String output : engineFiles.keySet()) {
                byte[] expected = engineFiles.get(output);
                byte[] actual = sourceFiles.get(output);
                if (output.startsWith("removed") && !java.util.Arrays.equals(expected, actual)) {
                    // Removed rows come in the order each snapshot keeps them; the same rows, byte for byte per row.
                    assertThat(rowsOf(output, actual)).as("%s output %s (any order)", what, output).isEqualTo(rowsOf(output, expected));
                    continue;
                }
                assertThat(new String(actual, java.nio.charset.StandardCharsets.ISO_8859_1)).as("%s output %s", what, output)
                        .isEqualTo(new String(expected, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** The rows of a file in a canonical order, read back independently: text lines (header first), or Parquet through DuckDB. */
    private List<String> rowsOf(String output, byte[] content) throws Exception {
        if (output.endsWith(".parquet")) {
            Path file = Files.createTempFile(dir, "rows", ".parquet");
            Files.write(file, content);
            List<String> rows = new ArrayList<>();
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM read_parquet('" + file + "') ORDER BY ALL")) {
                rows.add(String.valueOf(rs.getMetaData().getColumnCount()));
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.append(rs.getMetaData().getColumnTypeName(i)).append('=').append(rs.getString(i)).append('|');
                    }
                    rows.add(row.toString());
                }
            }
            return rows;
        }
        List<String> lines = new ArrayList<>(new String(content, java.nio.charset.StandardCharsets.UTF_8).lines().toList());
        String header = lines.isEmpty() ? "" : lines.remove(0);
        java.util.Collections.sort(lines);
        lines.add(0, header);
        return lines;
    }

    private Map<String, byte[]> files(JsonNode record, String folder) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (JsonNode file : record.path("files")) {
            String object = file.path("object").asText();
            files.put(file.path("output").asText() + object.substring(object.lastIndexOf('.')),
                    Files.readAllBytes(dir.resolve("out").resolve(object)));
        }
        return files;
    }

    @Test
    void everyModeExportsTheSameFilesWithTheStateInTheSource() throws Exception {
        createDatabase("same_files");
        Path yaml = workspace("same_files", null, null);
        round(yaml);
        sql("same_files", "INSERT INTO people VALUES ('EU', 6, 'Fay', 'Oslo', 60, '1999-09-09', 6.60, true, now(), '\\xff', 'f')",
                "UPDATE people SET name = 'Bobby', seen = '2024-02-29 23:59:59.5+00' WHERE region = 'EU' AND id = 2",
                "DELETE FROM people WHERE region = 'EU' AND id = 4",
                "UPDATE people SET city = NULL, amount = NULL, photo = NULL WHERE region = 'EU' AND id = 1");
        round(yaml);
        round(yaml); // nothing changed
        sql("same_files", "INSERT INTO people VALUES ('EU', 4, 'Dana', 'Nice', 44, '2000-12-31', 4.40, false, NULL, NULL, 'd2')",
                "UPDATE people SET city = 'Paris', amount = 12.5 WHERE region = 'EU' AND id = 1",
                "UPDATE people SET note = 'unexported after the remap' WHERE region = 'EU' AND id = 3",
                "DELETE FROM people WHERE region = 'US'");
        round(yaml);
        round(yaml, "--full-resync");

        // A new mapping: the next runs are full, and difference tells what went away with renamed key attributes.
        yaml = workspace("same_files", "[{from: region, to: Region}, {from: id, to: Id}, {from: name, to: Name}, {from: score, to: Score}]",
                null);
        sql("same_files", "DELETE FROM people WHERE region = 'EU' AND id = 3");
        round(yaml);
        sql("same_files", "UPDATE people SET note = 'only the note' WHERE region = 'EU' AND id = 1",
                "UPDATE people SET score = 99 WHERE region = 'EU' AND id = 2");
        round(yaml);

        // Nothing of the source-side activations under the state folder; their state is in the source.
        assertThat(dir.resolve(".sluice").resolve("activations").resolve("p4_source")).doesNotExist();
        assertThat(dir.resolve(".sluice").resolve("activations").resolve("p4_engine")).exists();
        try (Connection c = POSTGRES.connect("same_files"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT activation FROM sluice_state.sluice_meta ORDER BY activation")) {
            List<String> activations = new ArrayList<>();
            while (rs.next()) {
                activations.add(rs.getString(1));
            }
            assertThat(activations).containsExactly("p0_source", "p1_source", "p2_source", "p3_source", "p4_source", "p5_source");
        }

        // After a reset both are first runs again.
        for (int i = 0; i < PAIRS.size(); i++) {
            for (String state : List.of("engine", "source")) {
                CliRun reset = CliRun.of("reset", "p" + i + "_" + state, "-c", yaml.toString());
                assertThat(reset.exitCode()).as(reset.err()).isZero();
            }
        }
        round(yaml);
    }

    @Test
    void invalidKeysAreCheckedInTheSource() throws Exception {
        createDatabase("bad_keys");
        sql("bad_keys", "INSERT INTO people VALUES ('EU', 1, 'twin', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'dup'), "
                + "(NULL, 9, 'no region', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'null')");
        Path yaml = workspace("bad_keys", null, null);
        CliRun failed = CliRun.of("run", "p2_source", "-c", yaml.toString());
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains("has rows with an invalid primary key (region, id)").contains("1 row has a null key")
                .contains("region=EU, id=1 (2 rows)");
        yaml = workspace("bad_keys", null, "    invalid_rows: skip\n");
        round(yaml);
        sql("bad_keys", "DELETE FROM people WHERE note = 'dup'");
        round(yaml);
    }

    @Test
    void aUserWhoMayNotCreateTheSchemaIsToldWhichGrantIsMissing() throws Exception {
        createDatabase("no_create");
        // roles are the server's: one left by an earlier run of this class goes first
        sql("no_create", "DROP ROLE IF EXISTS reader", "CREATE ROLE reader LOGIN", "GRANT SELECT ON people TO reader", "REVOKE CREATE ON DATABASE no_create FROM PUBLIC");
        Path yaml = workspace("no_create", null, null);
        Files.writeString(yaml, Files.readString(yaml).replace("user: postgres", "user: reader"));
        CliRun run = CliRun.of("run", "p0_source", "-c", yaml.toString());
        assertThat(run.exitCode()).isIn(1, 2);
        assertThat(run.err()).contains("sources.pg: state: source keeps snapshots in the schema sluice_state")
                .contains("GRANT CREATE ON DATABASE").contains("reader").doesNotContain("\tat ");
        // The engine-side twin runs as usual.
        assertThat(CliRun.of("run", "p0_engine", "-c", yaml.toString()).exitCode()).isZero();
        // `sluice check SOURCE` says it before a run needs it, and creates nothing.
        CliRun check = CliRun.of("check", "pg", "-c", yaml.toString());
        assertThat(check.exitCode()).as(check.err()).isEqualTo(2);
        assertThat(check.err()).contains("GRANT CREATE ON DATABASE").contains("state_schema").doesNotContain("\tat ");
        Files.writeString(yaml, Files.readString(yaml).replace("user: reader", "user: postgres"));
        CliRun ok = CliRun.of("check", "pg", "-c", yaml.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("may create the schema sluice_state");
        try (Connection c = POSTGRES.connect("no_create"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'sluice_state'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the probe was rolled back").isZero();
        }
    }

    @Test
    void aDryRunWritesNothingInTheSource() throws Exception {
        createDatabase("dry");
        Path yaml = workspace("dry", null, null);
        CliRun dry = CliRun.of("run", "p4_source", "-c", yaml.toString(), "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("a full run would export from 5 rows read");
        try (Connection c = POSTGRES.connect("dry"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'sluice_state'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the state schema after a dry run").isZero();
        }
        run(yaml, "p4_source");
        sql("dry", "DELETE FROM people WHERE id = 1");
        CliRun second = CliRun.of("run", "p4_source", "-c", yaml.toString(), "--dry-run");
        assertThat(second.out()).contains("a delta run would export from 3 rows read (0 added, 0 updated, 2 removed");
    }

    @Test
    void aSourceThatCannotKeepStateIsAValidationError() throws Exception {
        Path yaml = dir.resolve("sluice.yaml");
        Files.writeString(yaml, """
                models:
                  m: {sql: SELECT 1 AS id, primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  a: {model: m, destination: out, state: source}
                """);
        CliRun validate = CliRun.of("validate", "-c", yaml.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("activations.a.state: the source").contains("(duckdb) cannot keep state: state: source needs a postgres source");
    }

    @Test
    void movingTheStateBetweenEngineAndSourceStartsAgainWithAFirstRun() throws Exception {
        createDatabase("moving");
        Path yaml = workspace("moving", null, null);
        String engine = Files.readString(yaml);
        assertThat(run(yaml, "p4_engine").path("fullReason").asText()).startsWith("first run");
        sql("moving", "DELETE FROM people WHERE id = 2");
        assertThat(run(yaml, "p4_engine").path("kind").asText()).isEqualTo("delta");
        // Now in the source: nothing there yet, a first run.
        Files.writeString(yaml, engine.replace("folder: p4_engine\n", "folder: p4_engine\n    state: source\n"));
        assertThat(run(yaml, "p4_engine").path("fullReason").asText()).startsWith("first run");
        sql("moving", "DELETE FROM people WHERE id = 3");
        JsonNode delta = run(yaml, "p4_engine");
        assertThat(delta.path("kind").asText()).isEqualTo("delta");
        assertThat(delta.path("counts").path("removed").asLong()).isEqualTo(1);
        assertThat(dir.resolve(".sluice").resolve("activations").resolve("p4_engine").resolve("current.json"))
                .as("the engine's older snapshot is forgotten").doesNotExist();
        // Back in the engine: its old snapshot is gone, a first run; then back in the source: the
        // source's snapshot is older than the last success, not compared with.
        Files.writeString(yaml, engine);
        assertThat(run(yaml, "p4_engine").path("fullReason").asText()).startsWith("first run");
        sql("moving", "DELETE FROM people WHERE id = 4");
        Files.writeString(yaml, engine.replace("folder: p4_engine\n", "folder: p4_engine\n    state: source\n"));
        assertThat(run(yaml, "p4_engine").path("fullReason").asText()).startsWith("first run");
    }

    @Test
    void aSegmentIsFilteredInTheSourceWithBoundValues() throws Exception {
        createDatabase("segments");
        Path yaml = dir.resolve("sluice.yaml");
        String text = """
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: segments, user: postgres}
                models:
                  people: {source: pg, sql: "SELECT region, id, name, score, amount FROM people", primary_key: [region, id]}
                segments:
                  eu_scored:
                    model: people
                    filter:
                      all:
                        - {attribute: region, op: eq, value: EU}
                        - {attribute: score, op: gte, value: 15}
                        - {attribute: name, op: not_contains, value: "%%'; DROP TABLE people; --"}
                destinations:
                  out: {type: local, path: out}
                activations:
                """.formatted(POSTGRES.port());
        for (String state : List.of("engine", "source")) {
            text += "  s_" + state + ": {segment: eu_scored, destination: out, folder: s_" + state
                    + ", file_name: \"out_{run}\", sync_mode: difference" + (state.equals("source") ? ", state: source" : "") + "}\n";
        }
        Files.writeString(yaml, text);
        JsonNode first = run(yaml, "s_source");
        assertThat(first.path("counts").path("read").asLong()).as("EU rows with a score of 15 or more").isEqualTo(2);
        assertThat(run(yaml, "s_engine").path("counts")).isEqualTo(first.path("counts"));
        sql("segments", "UPDATE people SET score = 5 WHERE region = 'EU' AND id = 2", "UPDATE people SET score = 50 WHERE region = 'EU' AND id = 1");
        JsonNode source = run(yaml, "s_source");
        JsonNode engine = run(yaml, "s_engine");
        assertThat(source.path("counts")).isEqualTo(engine.path("counts"));
        assertThat(source.path("counts").path("removed").asLong()).isEqualTo(1);
        assertThat(source.path("counts").path("added").asLong()).isEqualTo(1);
        assertThat(files(source, "s_source").keySet()).isEqualTo(files(engine, "s_engine").keySet());
        for (String output : files(engine, "s_engine").keySet()) {
            assertThat(rowsOf(output, files(source, "s_source").get(output))).as(output).isEqualTo(rowsOf(output, files(engine, "s_engine").get(output)));
        }
    }
}
