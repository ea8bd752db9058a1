package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL's numeric without precision: a decimal whose scale the data choose (no value rounded),
 * text with a warning when a value needs more than 38 digits, null with a warning for NaN and
 * infinities. Read back with Jackson (exact number tokens) and DuckDB's read_parquet.
 */
class PostgresNumericIT {
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id integer, mrr numeric, seats bigint)");
            s.execute("INSERT INTO accounts VALUES (1, 7.5, 3), (2, 10.25, 4), (3, 12345678901234567890123456789.123456789, 5), "
                    + "(4, -0.001, 6), (5, 0, 7), (6, NULL, 8)");
            s.execute("CREATE TABLE prices (id integer, price numeric)");
            s.execute("INSERT INTO prices VALUES (1, 7.5), (2, 10.25)");
            s.execute("CREATE TABLE measures (id integer, huge numeric, ratio numeric)");
            s.execute("INSERT INTO measures VALUES (1, 1234567890123456789012345678901234567890.5, 'NaN'), (2, 1, 1.5), "
                    + "(3, NULL, 'Infinity'), (4, 2, '-Infinity')");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private record Run(JsonNode record, Path out) {}

    private Run run(String sql, String format) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: postgres, user: postgres}
                models:
                  m: {sql: "%s", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  a: {model: m, destination: out, file_name: m, format: %s}
                """.formatted(postgres.getPort(), sql, format));
        CliRun run = CliRun.of("run", "a", "-c", file.toString(), "--state-dir", dir.resolve("state").toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return new Run(new ObjectMapper().readTree(run.out()), dir.resolve("out"));
    }

    private static List<String> warnings(Run run) {
        List<String> warnings = new ArrayList<>();
        run.record().path("warnings").forEach(w -> warnings.add(w.asText()));
        return warnings;
    }

    /** The case: "mrr": 7.5, a JSON number, not "7.5". */
    @Test
    void aNumericWithoutPrecisionIsAJsonNumber() throws Exception {
        Run run = run("SELECT 1 AS id, 7.5::numeric AS mrr", "json");
        JsonNode mrr = TypedReadBack.json(run.out().resolve("m.json"), "id", false).get("1").get("mrr");
        assertThat(mrr.isNumber()).as(mrr.toString()).isTrue();
        assertThat(mrr.toString()).isEqualTo("7.5");
        assertThat(warnings(run)).isEmpty();
    }

    /** The largest scale among the values is the column's: every value exact, 38 digits in all; sum(bigint) is numeric too. */
    @Test
    void theScaleComesFromTheDataAndNoValueIsRounded() throws Exception {
        Run json = run("SELECT id, mrr, sum(seats) OVER () AS total FROM accounts", "json");
        Map<String, JsonNode> rows = TypedReadBack.json(json.out().resolve("m.json"), "id", false);
        List<String> mrr = new ArrayList<>();
        for (String id : List.of("1", "2", "3", "4", "5", "6")) {
            JsonNode value = rows.get(id).get("mrr");
            assertThat(value.isNumber() || value.isNull()).as(value.toString()).isTrue();
            mrr.add(value.isNull() ? "null" : value.decimalValue().toPlainString());
        }
        assertThat(mrr).containsExactly("7.500000000", "10.250000000", "12345678901234567890123456789.123456789", "-0.001000000",
                "0.000000000", "null");
        assertThat(rows.get("1").get("total").isIntegralNumber()).as(rows.get("1").get("total").toString()).isTrue();
        assertThat(rows.get("1").get("total").toString()).isEqualTo("33");
        assertThat(warnings(json)).isEmpty();

        Run parquet = run("SELECT id, mrr, sum(seats) OVER () AS total FROM accounts", "parquet");
        Map<String, TypedReadBack.ParquetColumn> columns = TypedReadBack.parquet(parquet.out().resolve("m.parquet"), "id");
        assertThat(columns.get("mrr").type()).isEqualTo("DECIMAL(38,9)");
        assertThat(columns.get("mrr").values().get("3")).isEqualTo("12345678901234567890123456789.123456789");
        assertThat(columns.get("total").type()).isEqualTo("DECIMAL(38,0)");
    }

    /** More than 38 digits: no rounding behind the user's back; the column stays text, and the run says so. */
    @Test
    void aValueBeyondThirtyEightDigitsKeepsTheColumnAsTextAndWarns() throws Exception {
        Run run = run("SELECT id, huge FROM measures", "json");
        Map<String, JsonNode> rows = TypedReadBack.json(run.out().resolve("m.json"), "id", false);
        assertThat(rows.get("1").get("huge").isTextual()).isTrue();
        assertThat(rows.get("1").get("huge").asText()).isEqualTo("1234567890123456789012345678901234567890.5");
        assertThat(warnings(run)).containsExactly("column 'huge' (numeric) holds a value of 41 digits or more "
                + "(1234567890123456789012345678901234567890.5), more than the 38 a decimal holds: the column is written as text, "
                + "every digit kept; to write numbers, cast it in the model's SQL to a decimal of at most 38 digits (which rounds) "
                + "or to a floating-point type");
    }

    /** NaN and ±Infinity (valid in PostgreSQL's numeric) have no decimal: null in every format, and a warning. */
    @Test
    void nanAndInfinitiesAreNullWithAWarning() throws Exception {
        Run run = run("SELECT id, ratio FROM measures", "csv");
        Map<String, Map<String, TypedReadBack.Field>> rows = TypedReadBack.csv(run.out().resolve("m.csv"), "id");
        assertThat(rows.get("1").get("ratio").text()).isNull();
        assertThat(rows.get("2").get("ratio").text()).isEqualTo("1.5");
        assertThat(rows.get("3").get("ratio").text()).isNull();
        assertThat(rows.get("4").get("ratio").text()).isNull();
        assertThat(warnings(run)).containsExactly(
                "column 'ratio' (numeric): 3 values are NaN or an infinity, which a decimal cannot hold: written as null");
    }

    /** The scale follows the data: a value with more decimals changes the column's type and every kept row's text, so they count as updated. */
    @Test
    void aLargerScaleIsATypeChangeAndTheRunSaysSo() throws Exception {
        Run first = run("SELECT id, price FROM prices", "{type: json, layout: lines}");
        assertThat(TypedReadBack.json(first.out().resolve("m.jsonl"), "id", true).get("1").get("price").toString()).isEqualTo("7.50");
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO prices VALUES (3, 0.125)");
        }
        Run second = run("SELECT id, price FROM prices", "{type: json, layout: lines}");
        // 1 and 2 did not change in PostgreSQL, but their text did (7.50 -> 7.500): both count as updated
        assertThat(second.record().path("counts").path("updated").asLong()).isEqualTo(2);
        assertThat(second.record().path("counts").path("added").asLong()).isEqualTo(1);
        assertThat(TypedReadBack.json(second.out().resolve("m.jsonl"), "id", true).get("1").get("price").toString()).isEqualTo("7.500");
    }
}
