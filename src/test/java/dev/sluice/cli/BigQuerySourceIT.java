package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.bigquery.FakeBigQuery;
import dev.sluice.gcs.FakeGcs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bigquery source against {@link FakeBigQuery}: the official client's real HTTP traffic (jobs.query,
 * jobs.get, tabledata.list paging, dry runs, EXPORT DATA into {@link FakeGcs}), every type read end
 * to end by {@code sluice run} and read back from the written Parquet by DuckDB, and each error as
 * one line naming the source and what to do.
 */
class BigQuerySourceIT {
    /** The fixture, in DuckDB's SQL: the fake serves it, and the test's own DuckDB holds the same rows as the expectation. */
    private static final String ITEMS = """
            CREATE TABLE shop.items AS
            SELECT i AS id,
                   CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i * 1000 + 0.123456789 AS DECIMAL(38,9)) END AS amount,
                   CASE WHEN i % 7 = 1 THEN NULL ELSE i / 8.0 END AS ratio,
                   CASE WHEN i % 7 = 2 THEN NULL ELSE i % 2 = 0 END AS flag,
                   CASE WHEN i % 7 = 3 THEN NULL ELSE 'name "' || i || '", é,' || chr(10) || 'x' END AS name,
                   CASE WHEN i % 7 = 4 THEN NULL ELSE CAST(('\\x00\\xFF' || i) AS BLOB) END AS raw,
                   CASE WHEN i % 7 = 5 THEN NULL ELSE DATE '2024-02-29' + CAST(i AS INTEGER) END AS day,
                   CASE WHEN i % 7 = 6 THEN NULL ELSE TIMESTAMP '2024-03-01 10:11:12.123456' + INTERVAL (i) HOUR END AS at_local,
                   CASE WHEN i % 5 = 0 THEN NULL ELSE TIME '01:02:03.000456' + INTERVAL (i) MINUTE END AS at_time,
                   CASE WHEN i % 5 = 1 THEN NULL ELSE TIMESTAMPTZ '2024-03-01 10:11:12.654321+00' + INTERVAL (i) DAY END AS at,
                   CASE WHEN i % 5 = 2 THEN NULL ELSE '{"k": ' || i || ', "t": "a\\"b"}' END AS doc,
                   CASE WHEN i % 5 = 3 THEN NULL ELSE '12345678901234567890123456789012345678.' || lpad(CAST(i AS VARCHAR), 38, '0') END AS big,
                   CASE WHEN i % 5 = 4 THEN NULL ELSE CAST(i * 1.5 AS DECIMAL(20,4)) END AS bn
            FROM range(1, 51) t(i)
            """;

    @TempDir
    Path dir;
    private FakeGcs gcs;
    private FakeBigQuery bq;

    @BeforeEach
    void start() {
        gcs = new FakeGcs(dir.resolve("gcs"));
        gcs.createBucket("staging");
        bq = new FakeBigQuery(dir.resolve("bq"), gcs);
        bq.execute("CREATE SCHEMA shop").execute(ITEMS).typeOf("doc", "JSON").typeOf("big", "BIGNUMERIC").pageRows(7);
    }

    @AfterEach
    void stop() {
        bq.close();
        gcs.close();
    }

    private Path workspace(String sql, String key, String extra) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                sources:
                  bq:
                    type: bigquery
                    project: test-project
                    location: EU
                    endpoint: %s
                    max_attempts: 2
                %s
                models:
                  items: {sql: "%s", primary_key: [%s]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  everything: {model: items, destination: out, format: parquet}
                """.formatted(bq.endpoint(), extra.indent(4).stripTrailing(), sql, key));
        return file;
    }

    private CliRun run(Path file) {
        return CliRun.of("run", "everything", "-c", file.toString(), "--state-dir", dir.resolve("state").toString());
    }

    @Test
    void everyTypeAndNullArrivesThroughManyPages() throws Exception {
        Path file = workspace("SELECT * FROM `test-project.shop.items`", "id", "");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertOutputEqualsFixture();
        List<String> requests = bq.requests();
        assertThat(requests).anyMatch(r -> r.equals("POST /bigquery/v2/projects/test-project/queries"));
        assertThat(requests.stream().filter(r -> r.matches("GET .*/datasets/.*/tables/job_\\d+/data"))).hasSize(7);
        assertThat(bq.authorizations()).allMatch(String::isEmpty);
        assertEveryStatementRanOnZetaSql();
    }

    /** Every statement the source sent was accepted by ZetaSQL's analyzer and run by its evaluator. */
    private void assertEveryStatementRanOnZetaSql() {
        assertThat(bq.statements()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.rejection()).as(s.sql()).isNull();
            assertThat(s.engine()).as(s.sql()).isIn("zetasql", "none");
        });
    }

    @Test
    void aDefaultDatasetResolvesUnqualifiedNames() throws Exception {
        Path file = workspace("SELECT id, name FROM items WHERE id <= 3", "id", "dataset: shop");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(rows("SELECT id, name FROM read_parquet(" + outputFiles() + ") ORDER BY id"))
                .containsExactly("1|name \"1\", é,\nx", "2|name \"2\", é,\nx", "3|NULL");
    }

    @Test
    void aLargeResultLeavesThroughExportDataAndTheStagedFilesAreDeleted() throws Exception {
        bq.exportFileRows(15);
        List<String> uploads = new ArrayList<>();
        gcs.onRequest(r -> true, r -> uploads.add(r.method() + " " + r.path()));
        Path file = workspace("SELECT * FROM `test-project.shop.items`", "id",
                "export: {bucket: staging, prefix: tmp/sluice/, above_rows: 10, endpoint: '" + gcs.endpoint() + "'}");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertOutputEqualsFixture();
        assertThat(bq.requests().stream().filter(r -> r.endsWith("/queries"))).hasSize(2);
        assertThat(uploads).anyMatch(r -> r.startsWith("GET") && r.contains("/b/staging/o"));
        assertThat(uploads.stream().filter(r -> r.startsWith("DELETE"))).hasSize(4);
        assertThat(gcs.objects("staging")).isEmpty();
        assertThat(bq.statements()).anyMatch(s -> s.sql().startsWith("EXPORT DATA OPTIONS"));
        assertEveryStatementRanOnZetaSql();
    }

    @Test
    void theStagedExportIsDeletedWhenReadingItFails() throws Exception {
        bq.exportFileRows(15).corruptExport(true);
        Path file = workspace("SELECT * FROM `test-project.shop.items`", "id",
                "export: {bucket: staging, above_rows: 10, endpoint: '" + gcs.endpoint() + "'}");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).doesNotContain("\tat ");
        assertThat(gcs.objects("staging")).isEmpty();
    }

    @Test
    void aSmallResultStaysOnTheQueryApiEvenWithAnExportBucket() throws Exception {
        Path file = workspace("SELECT * FROM `test-project.shop.items`", "id",
                "export: {bucket: staging, above_rows: 50, endpoint: '" + gcs.endpoint() + "'}");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(bq.requests().stream().filter(r -> r.endsWith("/queries"))).hasSize(1);
        assertOutputEqualsFixture();
    }

    @Test
    void previewShowsTheFirstRowsAndTheCount() throws Exception {
        Path file = workspace("SELECT id, name, amount FROM shop.items", "id", "");
        CliRun preview = CliRun.of("preview", "items", "--limit", "3", "-c", file.toString());
        assertThat(preview.exitCode()).as(preview.err()).isZero();
        assertThat(preview.out()).contains("model items: 50 rows (first 3 shown)").contains("1000.123456789");
        assertEveryStatementRanOnZetaSql();
    }

    @Test
    void validateDescribesColumnsByDryRunAndReportsAnUnknownKey() throws Exception {
        Path file = workspace("SELECT * FROM shop.items", "item_id", "");
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err().lines().toList()).containsExactly(
                "error: " + file + ": models.items.primary_key: column 'item_id' is not in the query's result; the query returned 13 columns: "
                        + "id, amount, ratio, flag, name, raw, day, at_local, at_time, at, doc, big, bn",
                "1 problem in " + file);
        assertThat(bq.requests()).noneMatch(r -> r.contains("/queries") || r.endsWith("/data"));
        assertThat(bq.statements()).isNotEmpty().allMatch(s -> s.dryRun() && s.rejection() == null);
    }

    @Test
    void anArrayColumnIsRefusedWithTheWayOut() throws Exception {
        bq.execute("CREATE TABLE shop.tagged AS SELECT 1 AS id, ['a', 'b'] AS tags");
        Path file = workspace("SELECT * FROM shop.tagged", "id", "");
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("models.items.sql: the query fails on source 'bq': column 'tags' is an ARRAY (REPEATED STRING), "
                + "which Sluice does not read from BigQuery; select it as JSON text, e.g. TO_JSON_STRING(tags) AS tags");
        CliRun run = run(file);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("models.items.sql: column 'tags' is an ARRAY").doesNotContain("\tat ");
    }

    @Test
    void aMissingDatasetIsAProblemOfTheModel() throws Exception {
        Path file = workspace("SELECT * FROM nope.items", "id", "");
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("models.items.sql: the query fails on source 'bq': Not found: Dataset test-project:nope");
        Path withDefault = workspace("SELECT * FROM items", "id", "dataset: nope");
        CliRun preview = CliRun.of("preview", "items", "-c", withDefault.toString());
        assertThat(preview.exitCode()).isEqualTo(2);
        assertThat(preview.err()).contains("Not found: Dataset test-project:nope");
        CliRun run = run(withDefault);
        assertThat(run.err()).contains("models.items.sql: a dataset the query names does not exist in BigQuery project test-project")
                .contains("check the names in the SQL, sources.bq.dataset and sources.bq.location (EU)").doesNotContain("\tat ");
    }

    @Test
    void badSqlCarriesBigQuerysMessage() throws Exception {
        Path file = workspace("SELEC id FROM shop.items", "id", "");
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("models.items.sql: the query fails on source 'bq': Syntax error: ");
        CliRun run = run(file);
        assertThat(run.err()).contains("models.items.sql: BigQuery rejected the query on source 'bq': Syntax error: ")
                .contains("fix the model's SQL").doesNotContain("\tat ");
    }

    @Test
    void aMissingPermissionNamesTheRole() throws Exception {
        bq.deny("bigquery.jobs.create");
        Path file = workspace("SELECT * FROM shop.items", "id", "");
        CliRun preview = CliRun.of("preview", "items", "-c", file.toString());
        assertThat(preview.exitCode()).isEqualTo(2);
        assertThat(preview.err().lines().toList()).singleElement().asString()
                .startsWith("error: sources.bq: permission denied (403) while planning the query of model items (dry run): ")
                .contains("bigquery.jobs.create").contains("roles/bigquery.jobUser on the project");
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("roles/bigquery.jobUser");
    }

    @Test
    void aQuotaErrorIsExternalAndSaysToTryLater() throws Exception {
        bq.quota("quotaExceeded", 100);
        Path file = workspace("SELECT * FROM shop.items", "id", "");
        CliRun preview = CliRun.of("preview", "items", "-c", file.toString());
        assertThat(preview.exitCode()).isEqualTo(1);
        assertThat(preview.err().lines().toList()).singleElement().asString()
                .contains("sources.bq: BigQuery quota exceeded (quotaExceeded)").contains("run again later");
    }

    @Test
    void aRateLimitIsRetriedByTheClient() throws Exception {
        bq.quota("rateLimitExceeded", 1);
        Path file = workspace("SELECT * FROM `test-project.shop.items`", "id", "");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertOutputEqualsFixture();
    }

    @Test
    void aServiceAccountKeyIsUsedAndNeverPrinted() throws Exception {
        String key = dev.sluice.gcs.TestKeys.serviceAccountKey(gcs);
        Files.writeString(dir.resolve("key.json"), key);
        bq.deny("bigquery.tables.getData");
        Path file = workspace("SELECT * FROM `test-project.shop.items`", "id", "credentials_file: key.json");
        CliRun run = run(file);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("bigquery.tables.getData").contains("roles/bigquery.dataViewer on the dataset")
                .contains("sources.bq.credentials_file").doesNotContain(dev.sluice.gcs.TestKeys.privateKeyBody(key).substring(0, 40));
        assertThat(bq.authorizations()).isNotEmpty().allMatch(a -> a.equals("Bearer fake-access-token"));
        bq.deny(null);
        CliRun ok = run(file);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out() + ok.err()).doesNotContain(dev.sluice.gcs.TestKeys.privateKeyBody(key).substring(0, 40));
        assertOutputEqualsFixture();
    }

    /** A token request that never reached Google is a network failure, not a verdict on the key. */
    @Test
    void anUnreachableTokenEndpointIsNotAVerdictOnTheKey() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String key = dev.sluice.gcs.TestKeys.serviceAccountKey(gcs).replace(gcs.endpoint() + "/token", "http://127.0.0.1:" + closed + "/token");
        Files.writeString(dir.resolve("key.json"), key);
        Path file = workspace("SELECT * FROM `test-project.shop.items`", "id", "credentials_file: key.json");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("sources.bq: cannot reach Google's token endpoint http://127.0.0.1:" + closed + "/token")
                .doesNotContain("revoked").doesNotContain("\tat ");
    }

    // ---------------------------------------------------------------- reading back

    private String outputFiles() throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            List<String> parquet = files.filter(p -> p.toString().endsWith(".parquet")).map(p -> "'" + p + "'").toList();
            assertThat(parquet).isNotEmpty();
            return "[" + String.join(", ", parquet) + "]";
        }
    }

    /** The written Parquet, read by DuckDB, equals the fixture built in a separate DuckDB: same types, same values, same nulls. */
    private void assertOutputEqualsFixture() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("CREATE SCHEMA shop");
            s.execute(ITEMS);
            s.execute("CREATE TABLE out AS SELECT * FROM read_parquet(" + outputFiles() + ")");
            assertThat(rows(s, "SELECT column_name || ' ' || column_type FROM (DESCRIBE out)")).containsExactly(
                    "id BIGINT", "amount DECIMAL(38,9)", "ratio DOUBLE", "flag BOOLEAN", "name VARCHAR", "raw BLOB", "day DATE",
                    "at_local TIMESTAMP", "at_time TIME", "at TIMESTAMP WITH TIME ZONE", "doc JSON", "big VARCHAR", "bn DECIMAL(20,4)");
            assertThat(rows(s, "SELECT count(*) FROM out")).containsExactly("50");
            String differences = "SELECT count(*) FROM (SELECT * FROM shop.items EXCEPT SELECT * FROM out)";
            assertThat(rows(s, differences)).containsExactly("0");
            assertThat(rows(s, "SELECT count(*) FROM (SELECT * FROM out EXCEPT SELECT * FROM shop.items)")).containsExactly("0");
            assertThat(rows(s, "SELECT count(*) FROM out WHERE amount IS NULL")).containsExactly("7");
            assertThat(rows(s, "SELECT big FROM out WHERE id = 1")).containsExactly("12345678901234567890123456789012345678.00000000000000000000000000000000000001");
        }
    }

    private List<String> rows(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            return rows(s, sql);
        }
    }

    private static List<String> rows(Statement s, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    cells.add(rs.getString(i) == null ? "NULL" : rs.getString(i));
                }
                rows.add(String.join("|", cells));
            }
        }
        return rows;
    }
}
