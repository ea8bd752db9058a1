package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.bench.FormatBench;
import dev.sluice.gcs.FakeGcs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice bench} end to end at a tiny size: every line is reported with figures, and what the
 * measured writers and runs wrote reads back with the right row count. No timing is asserted.
 */
class BenchCommandIT {
    private static final int ROWS = 2000;
    /** Each format's file in {@code out/FORMAT/{copy,sluice}/}, and the DuckDB query that counts its rows. */
    private static final Map<String, String> READERS = Map.of(
            "csv", "SELECT count(*) FROM read_csv('%s')",
            "csv_gzip", "SELECT count(*) FROM read_csv('%s')",
            "json", "SELECT count(*) FROM read_json('%s', format = 'array')",
            "jsonl", "SELECT count(*) FROM read_json('%s', format = 'newline_delimited')",
            "xml", "SELECT len(regexp_extract_all(content, '<record>')) FROM read_text('%s')",
            "parquet", "SELECT count(*) FROM read_parquet('%s')");
    private static final Map<String, String> EXTENSIONS = Map.of("csv", ".csv", "csv_gzip", ".csv.gz", "json", ".json",
            "jsonl", ".jsonl", "xml", ".xml", "parquet", ".parquet");

    @TempDir
    Path dir;

    @Test
    void formatsReportsEveryFormatAndItsFilesReadBack() throws SQLException {
        CliRun run = CliRun.of("bench", "formats", "--rows", Integer.toString(ROWS), "--dir", dir.toString(), "--keep",
                "--formats", String.join(",", FormatBench.names()));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("Exception");
        String number = "\\d+\\.\\d+";
        for (String format : FormatBench.names()) {
            // name, seconds, CPU seconds, rows/s, peak RSS, ratio with its basis, CPU ratio
            String figures = " +" + number + " +" + number + " +[\\d,]+ +\\d+ MB";
            Pattern sluice = Pattern.compile("(?m)^" + format + " Sluice writer" + figures + " +" + number + " × [^\\d]+" + number);
            assertThat(run.out()).as(format).containsPattern(sluice);
            if (!format.equals("xml")) {
                assertThat(run.out()).as(format).containsPattern("(?m)^" + format + " DuckDB COPY TO" + figures + "$");
            }
            for (String writer : format.equals("xml") ? new String[] {"sluice"} : new String[] {"sluice", "copy"}) {
                Path file = dir.resolve("out").resolve(format).resolve(writer).resolve(format + EXTENSIONS.get(format));
                assertThat(file).as(format + " " + writer).isRegularFile();
                assertThat(count(READERS.get(format).formatted(file))).as(format + " " + writer).isEqualTo(ROWS);
            }
        }
        // The CPU ratio is left blank when the baseline used no measurable CPU (2,000 rows: under 10 ms).
        assertThat(run.out()).containsPattern("(?m)^xml Sluice writer .* × csv rows/s +(\\d+\\.\\d+ +)?≥ 0\\.50× +(PASS|MISS)$")
                .containsPattern("(?m)^csv Sluice writer .* × COPY time +(\\d+\\.\\d+ +)?≤ 1\\.25× +(PASS|MISS)$")
                .containsPattern("(?m)^peak RSS, largest Sluice writer +\\d+ MB +< 1024 MiB +(PASS|MISS)$");
    }

    @Test
    void syncReportsBothRunsOfBothModesAndTheDetection() throws Exception {
        CliRun run = CliRun.of("bench", "sync", "--rows", Integer.toString(ROWS), "--dir", dir.toString(), "--keep", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.path("benchmark").asText()).isEqualTo("sync");
        assertThat(report.path("rows").asLong()).isEqualTo(ROWS);
        Map<String, JsonNode> lines = new java.util.LinkedHashMap<>();
        report.path("lines").forEach(line -> lines.put(line.path("name").asText(), line));
        assertThat(lines).containsOnlyKeys("upsert_csv full run", "difference_parquet full run", "detection: bare FULL OUTER JOIN",
                "detection: join comparing hashes", "detection: Sluice ChangeDetector", "upsert_csv delta run", "difference_parquet delta run", "peak RSS, largest run");
        for (String name : new String[] {"upsert_csv", "difference_parquet"}) {
            assertThat(lines.get(name + " full run").path("seconds").asDouble()).isPositive();
            assertThat(lines.get(name + " full run").path("peak_rss_bytes").asLong()).isPositive();
            assertThat(lines.get(name + " full run").path("cpu_seconds").asDouble()).isPositive();
            JsonNode delta = lines.get(name + " delta run");
            assertThat(delta.path("ratio").asDouble()).isPositive();
            assertThat(delta.path("target").asText()).isEqualTo("≤ 0.35×");
            assertThat(delta.path("result").asText()).isIn("PASS", "MISS");
        }
        JsonNode detection = lines.get("detection: Sluice ChangeDetector");
        assertThat(detection.path("ratio").asDouble()).isPositive();
        assertThat(detection.path("result").asText()).isIn("PASS", "MISS");
        assertThat(report.path("notes").toString()).contains("change detection found 10 added, 20 updated, 10 removed, 1,970 unchanged");

        // The upsert files: everything, then the 20 updated and 10 added rows; difference: its three files per run.
        Path out = dir.resolve("out");
        assertThat(count("SELECT count(*) FROM read_csv('" + out.resolve("upsert") + "/*.csv')")).isEqualTo(ROWS + 30);
        assertThat(count("SELECT count(*) FROM read_parquet('" + out.resolve("difference") + "/*_added.parquet')")).isEqualTo(ROWS + 10);
        assertThat(count("SELECT count(*) FROM read_parquet('" + out.resolve("difference") + "/*_updated.parquet')")).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM read_parquet('" + out.resolve("difference") + "/*_removed.parquet')")).isEqualTo(10);
    }

    @Test
    void runReportsTheFormatsAskedForAndTheDeltaPairsAndRemovesEachFileOnceMeasured() throws Exception {
        CliRun run = CliRun.of("bench", "run", "--rows", Integer.toString(ROWS), "--dir", dir.toString(), "--keep", "--json",
                "--formats", "xml", "--repeat", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.path("benchmark").asText()).isEqualTo("run");
        Map<String, JsonNode> lines = new java.util.LinkedHashMap<>();
        report.path("lines").forEach(line -> lines.put(line.path("name").asText(), line));
        // xml is held against csv's rows/s, so csv comes with it; parquet, jsonl and json were not asked for.
        assertThat(lines).containsOnlyKeys("csv bare COPY process", "csv sluice run",
                "xml sluice run", "upsert_csv full run", "upsert_csv delta run", "difference_parquet full run",
                "difference_parquet delta run", "peak RSS, largest sluice run");
        assertThat(lines.get("csv sluice run").path("target").asText()).isEqualTo("≤ 1.20×");
        assertThat(lines.get("xml sluice run").path("target").asText()).isEqualTo("≥ 0.60×");
        for (String pair : new String[] {"upsert_csv", "difference_parquet"}) {
            JsonNode delta = lines.get(pair + " delta run");
            assertThat(delta.path("ratio").asDouble()).as(pair).isPositive();
            assertThat(delta.path("target").asText()).isEqualTo("≤ 0.35×");
        }
        // Each round of a pair starts from the same table: every delta run wrote the same day's changes.
        String notes = report.path("notes").toString();
        assertThat(Pattern.compile("upsert_csv delta run [^:]+: [0-9.]+ s, 30 written").matcher(notes).results().count()).isEqualTo(2);
        assertThat(Pattern.compile("difference_parquet delta run [^:]+: [0-9.]+ s, 40 written").matcher(notes).results().count()).isEqualTo(2);
        assertThat(notes).contains("memory_limit (512MB)");
        // Files are removed once measured; the table is back as generated.
        try (var files = Files.walk(dir.resolve("out"))) {
            assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("ATTACH '" + dir.resolve("bench.duckdb") + "' AS b (READ_ONLY)");
            ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE id >= " + ROWS + ") FROM b.customers");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(ROWS);
            assertThat(rs.getLong(2)).as("rows added by the last day's changes").isZero();
        }

        assertUserError(CliRun.of("bench", "run", "--rows", "10", "--formats", "csv,avro"),
                "error: --formats: unknown format 'avro'; one of csv, parquet, jsonl, json, xml");
    }

    @Test
    void withoutKeepTheBenchmarkRemovesWhatItCreated() throws Exception {
        Path work = dir.resolve("work");
        Files.createDirectories(work);
        Files.writeString(work.resolve("notes.txt"), "mine");

        CliRun run = CliRun.of("bench", "formats", "--rows", "100", "--formats", "parquet", "--dir", work.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("parquet Sluice writer").doesNotContain("csv Sluice writer");
        try (var files = Files.list(work)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    @Test
    void uploadDeliversBothActivationsToTheNamedEndpointAndLeavesOnlyWhatWasThere() throws Exception {
        Path work = dir.resolve("upload");
        Files.createDirectories(work);
        Files.writeString(work.resolve("notes.txt"), "mine");
        FakeGcs fake = new FakeGcs(dir.resolve("gcs")).createBucket("bench-b");
        fake.putObject("bench-b", "theirs.txt", "keep".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain");

        CliRun run;
        try (fake) {
            run = CliRun.of("bench", "upload", "--rows", "2000", "--dir", work.toString(), "--bucket", "bench-b", "--endpoint", fake.endpoint());
            assertThat(fake.objects("bench-b").keySet()).containsExactly("theirs.txt");
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("generated 2,000 rows")
                .containsPattern("csv_full\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9]+\\s+[0-9]+%\\s+[1-9][0-9]*")
                .containsPattern("parquet_full\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9]+\\s+[0-9]+%\\s+[1-9][0-9]*");
        try (var files = Files.list(work)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("notes.txt");
        }
        assertUserError(CliRun.of("bench", "upload", "--rows", "0", "--bucket", "bench-b"), "error: --rows: must be at least 1, got 0");
    }

    @Test
    void badOptionsAreOneClearLineAndExitCode2() throws Exception {
        assertUserError(CliRun.of("bench", "formats", "--rows", "0"), "error: --rows: must be at least 1, got 0");
        assertUserError(CliRun.of("bench", "sync", "--rows", "-5"), "error: --rows: must be at least 1, got -5");
        assertUserError(CliRun.of("bench", "formats", "--repeat", "0"), "error: --repeat: must be at least 1, got 0");
        assertUserError(CliRun.of("bench", "sync", "--heap", "lots"), "error: --heap: must be a JVM heap size such as 512m or 2g, got 'lots'");
        assertUserError(CliRun.of("bench", "formats", "--formats", "csv,yaml", "--rows", "10"),
                "error: --formats: unknown format 'yaml'; formats: csv, csv_gzip, json, jsonl, xml, parquet");
        Files.writeString(dir.resolve("sluice.yaml"), "models: {}\n");
        assertUserError(CliRun.of("bench", "formats", "--rows", "10", "--dir", dir.toString()),
                "error: --dir: " + dir + " holds a sluice.yaml that sluice bench did not write; choose an empty folder for the benchmark");
        assertThat(Files.readString(dir.resolve("sluice.yaml"))).isEqualTo("models: {}\n");
    }

    private static void assertUserError(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(message);
        assertThat(run.out()).isEmpty();
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
