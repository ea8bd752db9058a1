package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.bigquery.FakeBigQuery;
import dev.sluice.gcs.FakeGcs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
 * What a run on a bigquery source bills, known before it is billed: every run dry-runs its query
 * first and records the estimate; {@code maximum_bytes_billed} rides on every job; the guard
 * {@code max_bytes_billed} holds a run before any billed job reaches BigQuery (counted by the fake
 * by kind). Also text matches of segments whose values hold LIKE's special characters, and
 * {@code sluice check} naming the missing permission and its role. All against {@link FakeBigQuery}
 * over HTTP with the official client.
 */
class BigQueryCostIT {
    /** Names with LIKE's special characters (%, _, \) and decoys that a pattern without escaping would also match. */
    private static final String[] NAMES = {"a%b", "a_b", "axb", "a\\b", "a\\\\%", "%start", "_start", "xstart", "end%", "end_", "endx",
            "back\\", "plain", null, "\\%", "x\\_y", "x_y", "100%", "50_50", "%", "_", "\\"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private FakeGcs gcs;
    private FakeBigQuery bq;
    /** The test's own DuckDB with the same rows: the independent expectation. */
    private Connection expected;

    @BeforeEach
    void start() throws Exception {
        gcs = new FakeGcs(dir.resolve("gcs"));
        gcs.createBucket("staging");
        bq = new FakeBigQuery(dir.resolve("bq"), gcs);
        expected = DriverManager.getConnection("jdbc:duckdb:");
        String create = "CREATE TABLE shop.people (id BIGINT, name VARCHAR, score DOUBLE, active BOOLEAN)";
        bq.execute("CREATE SCHEMA shop").execute(create);
        try (Statement s = expected.createStatement()) {
            s.execute("CREATE SCHEMA shop");
            s.execute(create);
        }
        for (int i = 0; i < NAMES.length; i++) {
            String name = NAMES[i] == null ? "NULL" : "'" + NAMES[i].replace("'", "''") + "'";
            String insert = "INSERT INTO shop.people VALUES (" + (i + 1) + ", " + name + ", " + (i % 3 == 0 ? "NULL" : i * 1.5) + ", "
                    + (i % 2 == 0) + ")";
            bq.execute(insert);
            try (Statement s = expected.createStatement()) {
                s.execute(insert);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        bq.close();
        gcs.close();
        expected.close();
    }

    private Path workspace(String sourceExtra, String activationExtra) throws Exception {
        return workspace(sourceExtra, activationExtra, "");
    }

    private Path workspace(String sourceExtra, String activationExtra, String segments) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                sources:
                  bq:
                    type: bigquery
                    project: test-project
                    location: EU
                    endpoint: %s
                    max_attempts: 1
                %s
                models:
                  people: {sql: "SELECT id, name FROM `test-project.shop.people`", primary_key: [id]}
                %s
                destinations:
                  out: {type: local, path: out}
                activations:
                  everyone:
                    model: people
                    destination: out
                    format: csv
                %s
                """.formatted(bq.endpoint(), sourceExtra.indent(4).stripTrailing(), segments, activationExtra.indent(4).stripTrailing()));
        return file;
    }

    private CliRun run(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "everyone", "-c", file.toString(), "--state-dir", dir.resolve("state").toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** The bytes BigQuery bills for the model's columns id (INT64: 8) and name (STRING: 2 + UTF-8 bytes), NULL 0: counted here. */
    private long expectedBytes() throws Exception {
        try (Statement s = expected.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT (SELECT 8 * count(id) FROM shop.people) + (SELECT sum(2 + strlen(name)) FROM shop.people WHERE name IS NOT NULL)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private JsonNode lastRun(Path file) throws Exception {
        CliRun runs = CliRun.of("runs", "--json", "--limit", "1", "-c", file.toString(), "--state-dir", dir.resolve("state").toString());
        assertThat(runs.exitCode()).as(runs.err()).isZero();
        return JSON.readTree(runs.out()).get(0);
    }

    private long outputFiles() throws Exception {
        Path out = dir.resolve("out");
        if (!Files.exists(out)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(f -> f.toString().endsWith(".csv")).count();
        }
    }

    @Test
    void eachRunRecordsWhatItsDryRunEstimatedBeforeTheQueryRan() throws Exception {
        Path file = workspace("", "");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.err()).isZero();
        long bytes = expectedBytes();
        assertThat(bytes).isGreaterThan(100);
        JsonNode record = lastRun(file);
        assertThat(record.path("billing").path("estimatedBytes").asLong()).isEqualTo(bytes);
        assertThat(record.path("billing").path("statements").get(0).path("statement").asText()).isEqualTo("query of model people");
        assertThat(record.path("billing").path("statements").get(0).path("bytes").asLong()).isEqualTo(bytes);
        assertThat(run.out()).contains(String.format(java.util.Locale.ROOT, "billed: dry runs estimate %,d bytes billed", bytes));
        // The dry run came first: one dry run and one billed query.
        assertThat(bq.jobs("dry_run")).isEqualTo(1);
        assertThat(bq.jobs("query")).isEqualTo(1);
        List<String> jobs = bq.requests().stream().filter(r -> r.startsWith("POST")).toList();
        assertThat(jobs.get(0)).endsWith("/jobs");
        assertThat(jobs.get(1)).endsWith("/queries");
        CliRun runs = CliRun.of("runs", "-c", file.toString(), "--state-dir", dir.resolve("state").toString());
        assertThat(runs.out()).contains(String.format(java.util.Locale.ROOT, "billed: dry runs estimate %,d bytes billed", bytes));
    }

    @Test
    void maxBytesBilledHoldsTheRunBeforeAnyBilledJobAndAcceptHeldLiftsItOnce() throws Exception {
        long bytes = expectedBytes();
        Path file = workspace("", "guards: {max_bytes_billed: " + (bytes - 1) + "}");
        CliRun held = run(file);
        assertThat(held.exitCode()).as(held.out() + held.err()).isEqualTo(3);
        String estimate = String.format(java.util.Locale.ROOT, "%,d", bytes);
        assertThat(held.err()).contains("held by a guard before reading: max_bytes_billed " + (bytes - 1) + ": " + estimate
                + " bytes billed").contains("sluice run everyone --accept-held").doesNotContain("\tat ");
        assertThat(bq.jobs("dry_run")).isEqualTo(1);
        assertThat(bq.jobs("query")).isZero();
        assertThat(bq.jobs("export")).isZero();
        assertThat(outputFiles()).isZero();
        JsonNode record = lastRun(file);
        assertThat(record.path("status").asText()).isEqualTo("held");
        assertThat(record.path("billing").path("estimatedBytes").asLong()).isEqualTo(bytes);
        assertThat(record.path("guards").get(0).path("guard").asText()).isEqualTo("max_bytes_billed");
        assertThat(record.path("guards").get(0).path("outcome").asText()).isEqualTo("broken");
        assertThat(record.path("guards").get(0).path("limitRows").asLong()).isEqualTo(bytes - 1);

        // --dry-run shows the estimate and says it would be held, without a billed query.
        CliRun dry = run(file, "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("billed: dry runs estimate " + estimate + " bytes billed")
                .contains("guard max_bytes_billed " + (bytes - 1) + ": " + estimate + " bytes billed")
                .contains("the run would be held before reading anything");
        assertThat(bq.jobs("query")).isZero();

        CliRun accepted = run(file, "--accept-held");
        assertThat(accepted.exitCode()).as(accepted.err()).isZero();
        assertThat(bq.jobs("query")).isEqualTo(1);
        assertThat(outputFiles()).isEqualTo(1);
        record = lastRun(file);
        assertThat(record.path("status").asText()).isEqualTo("succeeded");
        assertThat(record.path("guards").get(0).path("outcome").asText()).isEqualTo("lifted");

        CliRun again = run(file);
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(bq.jobs("query")).isEqualTo(1);

        Path roomy = workspace("", "guards: {max_bytes_billed: 1KB}");
        assertThat(run(roomy).exitCode()).isZero();
        assertThat(lastRun(roomy).path("guards").get(0).path("outcome").asText()).isEqualTo("passed");
        assertThat(lastRun(roomy).path("guards").get(0).path("limitRows").asLong()).isEqualTo(1000);
    }

    @Test
    void maximumBytesBilledRidesOnEveryJobAndItsRefusalNamesTheSetting() throws Exception {
        long bytes = expectedBytes();
        Path file = workspace("maximum_bytes_billed: " + (bytes - 1), "");
        CliRun run = run(file);
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("sources.bq.maximum_bytes_billed: BigQuery refused running the query of model people: "
                + "Query exceeded limit for bytes billed: " + (bytes - 1) + ". " + bytes + " or higher required.")
                .contains("raise sources.bq.maximum_bytes_billed").doesNotContain("\tat ");
        // The dry run is never refused for the limit; the billed query was.
        assertThat(bq.jobs("dry_run")).isEqualTo(1);
        assertThat(bq.jobs("query")).isEqualTo(1);
        assertThat(lastRun(file).path("billing").path("maximumBytesBilled").asLong()).isEqualTo(bytes - 1);

        // Through EXPORT DATA too: the export job carries the limit (its SELECT reads the result table, which the fake does not bill).
        Path exported = workspace("maximum_bytes_billed: " + bytes + "\nexport: {bucket: staging, above_rows: 1, endpoint: '"
                + gcs.endpoint() + "'}", "");
        CliRun ok = run(exported);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(bq.jobs("export")).isEqualTo(1);
    }

    @Test
    void theGuardOnASourceThatDoesNotBillBytesIsAWorkspaceError() throws Exception {
        Path file = dir.resolve("duck.yaml");
        Files.writeString(file, """
                sources:
                  local: {type: duckdb}
                models:
                  people: {source: local, sql: "SELECT 1 AS id", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  everyone: {model: people, destination: out, guards: {max_bytes_billed: 10GB}}
                """);
        CliRun validate = CliRun.of("validate", "-c", file.toString());
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("activations.everyone.guards.max_bytes_billed: applies to sources that bill by bytes "
                + "processed (bigquery); the source 'local' (duckdb) bills nothing per run: remove the line");
        Path bad = workspace("", "guards: {max_bytes_billed: lots}");
        CliRun badSize = CliRun.of("validate", "-c", bad.toString());
        assertThat(badSize.exitCode()).isEqualTo(2);
        assertThat(badSize.err()).contains("activations.everyone.guards.max_bytes_billed: must be a size such as 64MB");
    }

    @Test
    void segmentTextMatchesTakePercentUnderscoreAndBackslashAsWritten() throws Exception {
        String[][] filters = {{"contains", "%"}, {"contains", "_"}, {"contains", "\\"}, {"contains", "a%b"}, {"contains", "a_b"},
                {"contains", "\\%"}, {"contains", "x\\_y"}, {"starts_with", "%"}, {"starts_with", "_"}, {"starts_with", "\\"},
                {"starts_with", "a\\"}, {"ends_with", "%"}, {"ends_with", "_"}, {"ends_with", "\\"}, {"not_contains", "%"},
                {"not_contains", "_"}, {"contains", "b"}, {"starts_with", "end"}};
        StringBuilder segments = new StringBuilder("segments:\n");
        for (int i = 0; i < filters.length; i++) {
            segments.append("  s").append(i).append(": {model: people, filter: {attribute: name, op: ").append(filters[i][0])
                    .append(", value: '").append(filters[i][1].replace("'", "''")).append("'}}\n");
        }
        Path file = workspace("", "", segments.toString());
        for (int i = 0; i < filters.length; i++) {
            CliRun preview = CliRun.of("preview", "s" + i, "--json", "--limit", "100", "-c", file.toString());
            assertThat(preview.exitCode()).as(filters[i][0] + " " + filters[i][1] + ": " + preview.err()).isZero();
            List<Long> ids = new ArrayList<>();
            JSON.readTree(preview.out()).path("rows").forEach(row -> ids.add(row.get(0).asLong()));
            assertThat(ids).as(filters[i][0] + " '" + filters[i][1] + "'").containsExactlyInAnyOrderElementsOf(independently(filters[i]));
        }
    }

    /** The ids DuckDB selects with position/left/right (no pattern at all) on the test's copy of the rows. */
    private List<Long> independently(String[] filter) throws Exception {
        String where = switch (filter[0]) {
            case "contains" -> "position(? IN name) > 0";
            case "not_contains" -> "(position(? IN name) = 0 OR name IS NULL)";
            case "starts_with" -> "left(name, length(?)) = ?";
            default -> "right(name, length(?)) = ?";
        };
        try (PreparedStatement s = expected.prepareStatement("SELECT id FROM shop.people WHERE " + where)) {
            s.setString(1, filter[1]);
            if (where.contains("= ?")) {
                s.setString(2, filter[1]);
            }
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            assertThat(ids).as("the fixture must select some rows for " + filter[0] + " " + filter[1]).isNotEmpty();
            return ids;
        }
    }

    @Test
    void checkNamesTheMissingPermissionAndTheRole() throws Exception {
        Path file = workspace("export: {bucket: staging, endpoint: '" + gcs.endpoint() + "'}", "");
        CliRun ok = CliRun.of("check", "bq", "-c", file.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("may create jobs in project test-project (bigquery.jobs.create)")
                .contains("may read the tables of model people").contains("may write, read and delete in the export bucket staging");
        assertThat(bq.jobs("query")).isZero();

        bq.denyTable("shop.people");
        CliRun table = CliRun.of("check", "bq", "-c", file.toString());
        assertThat(table.exitCode()).isEqualTo(2);
        assertThat(table.err()).contains("bigquery.tables.getData").contains("roles/bigquery.dataViewer on the dataset")
                .contains("model people").doesNotContain("\tat ");

        bq.deny("bigquery.jobs.create");
        CliRun jobs = CliRun.of("check", "bq", "-c", file.toString());
        assertThat(jobs.exitCode()).isEqualTo(2);
        assertThat(jobs.err()).contains("grant a role with bigquery.jobs.create, e.g. roles/bigquery.jobUser on the project");
        bq.deny(null);

        Path readable = workspace("export: {bucket: staging, endpoint: '" + gcs.endpoint() + "'}", "");
        Files.writeString(readable, Files.readString(readable).replace("shop.people", "shop.others"));
        bq.execute("CREATE TABLE shop.others AS SELECT * FROM shop.people");
        gcs.revoke("storage.objects.delete");
        CliRun bucket = CliRun.of("check", "bq", "-c", readable.toString());
        assertThat(bucket.exitCode()).isEqualTo(2);
        assertThat(bucket.err()).contains("sources.bq.export: the source's account lacks storage.objects.delete on bucket staging")
                .contains("grant roles/storage.objectAdmin on the bucket staging");
    }
}
