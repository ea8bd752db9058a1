package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.Column;
import dev.sluice.workspace.Catalog;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import dev.sluice.postgres.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A postgres source on a real PostgreSQL: columns described without reading rows, and the problems validate reports. */
class PostgresSourceIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    @TempDir
    Path dir;

    @BeforeAll
    static void tables() throws Exception {
        POSTGRES.execute("CREATE TABLE people (person_id bigint, email text, score numeric(8,3), seen timestamptz, born date)",
                "INSERT INTO people VALUES (1, 'a@x.org', 1.5, now(), '1990-01-01')");
    }

    private Path workspace(String database, String model) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: %s, user: postgres}
                models:
                  people: %s
                destinations:
                  out: {type: local, path: out}
                activations:
                  everyone: {model: people, destination: out, format: csv}
                """.formatted(POSTGRES.port(), database, model));
        return file;
    }

    @Test
    void describesColumnsWithTheirTypes() throws Exception {
        Workspace ws = WorkspaceLoader.withSystemEnv().load(workspace(POSTGRES.database(), "{sql: SELECT * FROM people, primary_key: [person_id]}"));
        try (Catalog catalog = new Catalog(ws, Clock.systemUTC())) {
            assertThat(catalog.columns(ws.models().get("people")).stream().map(Column::toString).collect(Collectors.joining(", ")))
                    .isEqualTo("person_id int8, email text, score numeric, seen timestamptz, born date");
        }
        CliRun validate = CliRun.of("validate", "-c", dir.resolve("sluice.yaml").toString());
        assertThat(validate.exitCode()).as(validate.err()).isZero();
    }

    /** A timestamptz keeps its zone in preview (shown as a UTC instant), in the table and in --json. */
    @Test
    void previewShowsTimestampsWithAZoneAsInstants() throws Exception {
        Path file = workspace(POSTGRES.database(), "{sql: \"SELECT 1 AS id, TIMESTAMPTZ '2025-04-14 10:00:00+02' AS seen, "
                + "TIMESTAMP '2025-04-14 10:00:00' AS local_time\", primary_key: [id]}");
        CliRun table = CliRun.of("preview", "people", "-c", file.toString());
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("2025-04-14T08:00:00Z").contains("2025-04-14T10:00").doesNotContain("2025-04-14T10:00Z");
        CliRun json = CliRun.of("preview", "people", "--json", "-c", file.toString());
        com.fasterxml.jackson.databind.JsonNode preview = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(preview.path("columns")).extracting(com.fasterxml.jackson.databind.JsonNode::asText).containsExactly("id", "seen", "local_time");
        assertThat(preview.path("rows").get(0).get(0).isNumber()).isTrue();
        assertThat(preview.path("rows").get(0).get(1).asText()).isEqualTo("2025-04-14T08:00:00Z");
        assertThat(preview.path("count").asLong()).isEqualTo(1);
    }

    @Test
    void aPrimaryKeyColumnMissingFromTheQueryIsAProblemNamingTheKeyPath() throws Exception {
        Path file = workspace(POSTGRES.database(), "{sql: \"SELECT email, score FROM people\", primary_key: [person_id]}");
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err().lines().toList()).containsExactly(
                "error: " + file + ": models.people.primary_key: column 'person_id' is not in the query's result; the query returned 2 columns: email, score",
                "1 problem in " + file);
        CliRun preview = CliRun.of("preview", "people", "-c", file.toString());
        assertThat(preview.exitCode()).isZero();
        CliRun run = CliRun.of("run", "everyone", "-c", file.toString(), "--state-dir", dir.resolve("state").toString());
        // a started run that fails is a failed run (exit 1), recorded with the same message
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("failed: models.people.primary_key: column 'person_id' is not in the query's result").doesNotContain("\tat ");
    }

    @Test
    void aMisspelledKeyColumnGetsASuggestion() throws Exception {
        Path file = workspace(POSTGRES.database(), "{sql: SELECT * FROM people, primary_key: [personid]}");
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("models.people.primary_key: column 'personid' is not in the query's result, did you mean person_id?; the query returned 5 columns: person_id, email, score, seen, born");
    }

    @Test
    void anUnknownDatabaseIsOneLineExitTwo() throws Exception {
        Path file = workspace("no_such_db", "{sql: SELECT * FROM people, primary_key: [person_id]}");
        CliRun preview = CliRun.of("preview", "people", "-c", file.toString());
        assertThat(preview.exitCode()).isEqualTo(2);
        assertThat(preview.err().lines().toList()).singleElement().asString()
                .startsWith("error: sources.pg: cannot connect to PostgreSQL at postgresql://localhost:" + POSTGRES.port() + "/no_such_db as postgres: ")
                .contains("no_such_db").endsWith("(check the database setting)");
    }

    @Test
    void aFailingQueryNamesTheModelsSql() throws Exception {
        Path file = workspace(POSTGRES.database(), "{sql: SELECT nope FROM people, primary_key: [nope]}");
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("models.people.sql: the query fails on source 'pg': ERROR: column \"nope\" does not exist");
    }
}
