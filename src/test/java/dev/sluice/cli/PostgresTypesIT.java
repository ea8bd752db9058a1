package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PostgreSQL type of the table in docs/workspace.md ("PostgreSQL types"), through a real
 * run into each format, read back by an independent reader: the value and its type (JSON number
 * or string, Parquet column type). Row 1 holds the values, row 2 nulls everywhere.
 */
class PostgresTypesIT {
    /**
     * One PostgreSQL type: its column type and a value as SQL, then what each format holds: the CSV
     * field, the JSON value (as JSON text: 7.5 is a number, "7.5" a string), the XML element's
     * text, the Parquet column type as DuckDB reads it and the value as DuckDB's text.
     */
    record Case(String type, String value, String csv, String json, String xml, String parquetType, String parquet) {
        String column() {
            return "t_" + type.replace("[]", " array").replaceAll("[^a-z0-9]+", "_").replaceAll("_+$", "");
        }

        @Override
        public String toString() {
            return type;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("smallint", "-32768", "-32768", "-32768", "-32768", "BIGINT", "-32768"),
                new Case("integer", "2147483647", "2147483647", "2147483647", "2147483647", "BIGINT", "2147483647"),
                new Case("bigint", "9223372036854775807", "9223372036854775807", "9223372036854775807", "9223372036854775807", "BIGINT",
                        "9223372036854775807"),
                new Case("numeric(12,2)", "1234.5", "1234.50", "1234.50", "1234.50", "DECIMAL(12,2)", "1234.50"),
                new Case("numeric", "7.5", "7.5", "7.5", "7.5", "DECIMAL(38,1)", "7.5"),
                new Case("numeric(50,4)", "-12.5", "-12.5000", "-12.5000", "-12.5000", "DECIMAL(38,4)", "-12.5000"),
                new Case("real", "1.1", "1.1", "1.1", "1.1", "DOUBLE", "1.1"),
                new Case("double precision", "3.141592653589793", "3.141592653589793", "3.141592653589793", "3.141592653589793", "DOUBLE",
                        "3.141592653589793"),
                new Case("boolean", "true", "true", "true", "true", "BOOLEAN", "true"),
                new Case("text", "'say \"hi\", <b> & é'", "say \"hi\", <b> & é", "\"say \\\"hi\\\", <b> & é\"", "say \"hi\", <b> & é",
                        "VARCHAR", "say \"hi\", <b> & é"),
                new Case("varchar(20)", "'hello'", "hello", "\"hello\"", "hello", "VARCHAR", "hello"),
                new Case("char(5)", "'ab'", "ab   ", "\"ab   \"", "ab   ", "VARCHAR", "ab   "),
                new Case("date", "'2025-04-14'", "2025-04-14", "\"2025-04-14\"", "2025-04-14", "DATE", "2025-04-14"),
                new Case("timestamp", "'2025-04-14 10:00:00.5'", "2025-04-14T10:00:00.5", "\"2025-04-14T10:00:00.5\"", "2025-04-14T10:00:00.5",
                        "TIMESTAMP", "2025-04-14 10:00:00.5"),
                new Case("timestamptz", "'2025-04-14 12:00:00+02'", "2025-04-14T10:00:00Z", "\"2025-04-14T10:00:00Z\"", "2025-04-14T10:00:00Z",
                        "TIMESTAMP WITH TIME ZONE", "2025-04-14 10:00:00+00"),
                new Case("time", "'10:11:12.5'", "10:11:12.5", "\"10:11:12.5\"", "10:11:12.5", "TIME", "10:11:12.5"),
                new Case("timetz", "'10:11:12+02'", "10:11:12+02", "\"10:11:12+02\"", "10:11:12+02", "VARCHAR", "10:11:12+02"),
                new Case("interval", "'1 day 02:03:04'", "1 day 02:03:04", "\"1 day 02:03:04\"", "1 day 02:03:04", "VARCHAR", "1 day 02:03:04"),
                new Case("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                        "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "VARCHAR",
                        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                new Case("json", "'{\"a\": 1, \"b\": [true, null]}'", "{\"a\": 1, \"b\": [true, null]}", "{\"a\": 1, \"b\": [true, null]}",
                        "{\"a\": 1, \"b\": [true, null]}", "JSON", "{\"a\": 1, \"b\": [true, null]}"),
                new Case("jsonb", "'{\"b\": [true, null], \"a\": 1}'", "{\"a\": 1, \"b\": [true, null]}", "{\"a\": 1, \"b\": [true, null]}",
                        "{\"a\": 1, \"b\": [true, null]}", "JSON", "{\"a\": 1, \"b\": [true, null]}"),
                new Case("bytea", "'\\x616263'", "YWJj", "\"YWJj\"", "YWJj", "BLOB", "abc"),
                new Case("integer[]", "'{1,2,3}'", "[1,2,3]", "[1,2,3]", "[1,2,3]", "JSON", "[1,2,3]"),
                new Case("text[]", "'{\"a\",\"b c\"}'", "[\"a\",\"b c\"]", "[\"a\",\"b c\"]", "[\"a\",\"b c\"]", "JSON", "[\"a\",\"b c\"]"),
                new Case("mood", "'happy'", "happy", "\"happy\"", "happy", "VARCHAR", "happy"),
                new Case("inet", "'192.168.0.1'", "192.168.0.1", "\"192.168.0.1\"", "192.168.0.1", "VARCHAR", "192.168.0.1"));
    }

    @TempDir
    static Path dir;
    private static EmbeddedPostgres postgres;
    private static Map<String, Map<String, TypedReadBack.Field>> csv;
    private static Map<String, JsonNode> json;
    private static Map<String, JsonNode> jsonLines;
    private static Map<String, Map<String, String>> xml;
    private static Map<String, TypedReadBack.ParquetColumn> parquet;
    private static final Map<String, String> RUNS = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void runEveryFormat() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')");
            s.execute("CREATE TABLE everything (id integer, " + cases().stream().map(t -> t.column() + " " + t.type())
                    .collect(Collectors.joining(", ")) + ")");
            s.execute("INSERT INTO everything VALUES (1, " + cases().stream().map(Case::value).collect(Collectors.joining(", ")) + ")");
            s.execute("INSERT INTO everything (id) VALUES (2)");
        }
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: postgres, user: postgres}
                models:
                  everything: {sql: "SELECT * FROM everything", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  to_csv: {model: everything, destination: out, file_name: everything, format: csv}
                  to_json: {model: everything, destination: out, file_name: everything, format: json}
                  to_jsonl: {model: everything, destination: out, file_name: everything, format: {type: json, layout: lines}}
                  to_xml: {model: everything, destination: out, file_name: everything, format: xml}
                  to_parquet: {model: everything, destination: out, file_name: everything, format: parquet}
                """.formatted(postgres.getPort()));
        for (String activation : List.of("to_csv", "to_json", "to_jsonl", "to_xml", "to_parquet")) {
            CliRun run = CliRun.of("run", activation, "-c", file.toString(), "--state-dir", dir.resolve("state").toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            RUNS.put(activation, run.out() + run.err());
        }
        Path out = dir.resolve("out");
        csv = TypedReadBack.csv(out.resolve("everything.csv"), "id");
        json = TypedReadBack.json(out.resolve("everything.json"), "id", false);
        jsonLines = TypedReadBack.json(out.resolve("everything.jsonl"), "id", true);
        xml = TypedReadBack.xml(out.resolve("everything.xml"), "id");
        parquet = TypedReadBack.parquet(out.resolve("everything.parquet"), "id");
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void csv(Case c) {
        assertThat(csv.get("1").get(c.column()).text()).isEqualTo(c.csv());
        assertThat(csv.get("2").get(c.column()).text()).as("null").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void json(Case c) throws Exception {
        JsonNode expected = TypedReadBack.JSON.readTree(c.json());
        for (Map<String, JsonNode> records : List.of(json, jsonLines)) {
            JsonNode actual = records.get("1").get(c.column());
            assertThat(actual.getNodeType()).as(actual.toString()).isEqualTo(expected.getNodeType());
            assertThat(actual).isEqualTo(expected);
            assertThat(records.get("2").get(c.column()).isNull()).as("null").isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void xml(Case c) {
        assertThat(xml.get("1").get(c.column())).isEqualTo(c.xml());
        assertThat(xml.get("2")).containsEntry(c.column(), null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parquet(Case c) {
        TypedReadBack.ParquetColumn column = parquet.get(c.column());
        assertThat(column.type()).isEqualTo(c.parquetType());
        assertThat(column.values().get("1")).isEqualTo(c.parquet());
        assertThat(column.values()).containsEntry("2", null);
    }
}
