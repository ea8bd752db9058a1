package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bigquery.FakeBigQuery;
import dev.sluice.gcs.FakeGcs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every BigQuery type of the table in docs/workspace.md ("BigQuery types"), served by
 * {@link FakeBigQuery} in BigQuery's REST encoding, through a real run into each format and read
 * back by an independent reader: the value and its type. Row 1 holds the values, row 2 nulls.
 */
class BigQueryTypesIT {
    /**
     * One BigQuery type: the fake's column (DuckDB SQL; the types DuckDB lacks are reported with
     * their BigQuery name and sent as text, as BigQuery's REST API sends every value), then the CSV
     * field, the JSON value as JSON text, the XML text, the Parquet type and value as DuckDB reads them.
     */
    record Case(String type, String value, String csv, String json, String xml, String parquetType, String parquet) {
        String column() {
            return "t_" + type.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("_+$", "");
        }

        /** The BigQuery type the fake reports when DuckDB has no such type. */
        String reported() {
            return type.equals("BIGNUMERIC") || type.equals("JSON") || type.equals("GEOGRAPHY") || type.equals("INTERVAL") ? type : null;
        }

        @Override
        public String toString() {
            return type;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("INT64", "CAST(9223372036854775807 AS BIGINT)", "9223372036854775807", "9223372036854775807", "9223372036854775807",
                        "BIGINT", "9223372036854775807"),
                new Case("FLOAT64", "CAST(0.1 AS DOUBLE)", "0.1", "0.1", "0.1", "DOUBLE", "0.1"),
                new Case("NUMERIC", "CAST(1234.5 AS DECIMAL(38,9))", "1234.500000000", "1234.500000000", "1234.500000000", "DECIMAL(38,9)",
                        "1234.500000000"),
                new Case("BIGNUMERIC(20, 4)", "CAST(-12.5 AS DECIMAL(20,4))", "-12.5000", "-12.5000", "-12.5000", "DECIMAL(20,4)", "-12.5000"),
                new Case("BIGNUMERIC", "'7.5'", "7.5", "7.5", "7.5", "DECIMAL(38,1)", "7.5"),
                new Case("BOOL", "true", "true", "true", "true", "BOOLEAN", "true"),
                new Case("STRING", "'say \"hi\", <b> & é'", "say \"hi\", <b> & é", "\"say \\\"hi\\\", <b> & é\"", "say \"hi\", <b> & é",
                        "VARCHAR", "say \"hi\", <b> & é"),
                new Case("BYTES", "CAST('abc' AS BLOB)", "YWJj", "\"YWJj\"", "YWJj", "BLOB", "abc"),
                new Case("DATE", "DATE '2025-04-14'", "2025-04-14", "\"2025-04-14\"", "2025-04-14", "DATE", "2025-04-14"),
                new Case("DATETIME", "TIMESTAMP '2025-04-14 10:00:00.5'", "2025-04-14T10:00:00.5", "\"2025-04-14T10:00:00.5\"",
                        "2025-04-14T10:00:00.5", "TIMESTAMP", "2025-04-14 10:00:00.5"),
                new Case("TIME", "TIME '10:11:12.5'", "10:11:12.5", "\"10:11:12.5\"", "10:11:12.5", "TIME", "10:11:12.5"),
                new Case("TIMESTAMP", "TIMESTAMPTZ '2025-04-14 12:00:00+02'", "2025-04-14T10:00:00Z", "\"2025-04-14T10:00:00Z\"",
                        "2025-04-14T10:00:00Z", "TIMESTAMP WITH TIME ZONE", "2025-04-14 10:00:00+00"),
                new Case("JSON", "'{\"a\":1,\"b\":[true,null]}'", "{\"a\":1,\"b\":[true,null]}", "{\"a\":1,\"b\":[true,null]}",
                        "{\"a\":1,\"b\":[true,null]}", "JSON", "{\"a\":1,\"b\":[true,null]}"),
                new Case("GEOGRAPHY", "'POINT(1 2)'", "POINT(1 2)", "\"POINT(1 2)\"", "POINT(1 2)", "VARCHAR", "POINT(1 2)"),
                new Case("INTERVAL", "'1-2 3 4:5:6'", "1-2 3 4:5:6", "\"1-2 3 4:5:6\"", "1-2 3 4:5:6", "VARCHAR", "1-2 3 4:5:6"));
    }

    @TempDir
    static Path dir;
    private static FakeGcs gcs;
    private static FakeBigQuery bq;
    private static Map<String, Map<String, TypedReadBack.Field>> csv;
    private static Map<String, JsonNode> json;
    private static Map<String, JsonNode> jsonLines;
    private static Map<String, Map<String, String>> xml;
    private static Map<String, TypedReadBack.ParquetColumn> parquet;

    @BeforeAll
    static void runEveryFormat() throws Exception {
        gcs = new FakeGcs(dir.resolve("gcs"));
        bq = new FakeBigQuery(dir.resolve("bq"), gcs);
        bq.execute("CREATE SCHEMA shop");
        bq.execute("CREATE TABLE shop.everything AS SELECT 1 AS id, " + cases().stream().map(c -> c.value() + " AS " + c.column())
                .collect(Collectors.joining(", ")));
        bq.execute("INSERT INTO shop.everything (id) VALUES (2)");
        cases().stream().filter(c -> c.reported() != null).forEach(c -> bq.typeOf(c.column(), c.reported()));
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                sources:
                  bq: {type: bigquery, project: test-project, endpoint: '%s', max_attempts: 2}
                models:
                  everything: {sql: "SELECT * FROM `test-project.shop.everything`", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  to_csv: {model: everything, destination: out, file_name: everything, format: csv}
                  to_json: {model: everything, destination: out, file_name: everything, format: json}
                  to_jsonl: {model: everything, destination: out, file_name: everything, format: {type: json, layout: lines}}
                  to_xml: {model: everything, destination: out, file_name: everything, format: xml}
                  to_parquet: {model: everything, destination: out, file_name: everything, format: parquet}
                """.formatted(bq.endpoint()));
        for (String activation : List.of("to_csv", "to_json", "to_jsonl", "to_xml", "to_parquet")) {
            CliRun run = CliRun.of("run", activation, "-c", file.toString(), "--state-dir", dir.resolve("state").toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        Path out = dir.resolve("out");
        csv = TypedReadBack.csv(out.resolve("everything.csv"), "id");
        json = TypedReadBack.json(out.resolve("everything.json"), "id", false);
        jsonLines = TypedReadBack.json(out.resolve("everything.jsonl"), "id", true);
        xml = TypedReadBack.xml(out.resolve("everything.xml"), "id");
        parquet = TypedReadBack.parquet(out.resolve("everything.parquet"), "id");
    }

    @AfterAll
    static void stop() {
        bq.close();
        gcs.close();
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
