package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upload benchmark: a model of N rows exported as one CSV and one Parquet file (full runs) to a
 * {@code gcs} destination whose endpoint is {@link FakeGcs} on loopback, each run a separate JVM
 * ({@code sluice run}) through the official client. Reports per activation: bytes uploaded, the
 * run's seconds, the seconds from "publishing" to the end of the run (resumable uploads, copies to
 * final names, deletes of staged objects), their MB/s and share of the run, and the run's peak RSS.
 * Loopback and a fake that writes to local disk measure Sluice and the client, not a network.
 */
public final class UploadBench {
    private static final Pattern PUBLISHING = Pattern.compile("\\[\\S+\\s+([0-9.]+)s\\] publishing ");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long rows;
    private final Path dir;
    private final PrintWriter out;

    public UploadBench(long rows, Path dir, PrintWriter out) {
        this.rows = rows;
        this.dir = dir;
        this.out = out;
    }

    public void run() throws IOException, SQLException, InterruptedException {
        double generated = BenchData.generate(dir, rows);
        out.printf(Locale.ROOT, "generated %,d rows in %.1f s%n", rows, generated);
        out.flush();
        List<String[]> table = new ArrayList<>();
        try (FakeGcs fake = new FakeGcs(dir.resolve("out")).createBucket("upload-bench")) {
            BenchData.writeWorkspace(dir, """
                    sources:
                      bench: {type: duckdb, path: bench.duckdb}
                    models:
                      customers: {sql: "SELECT * FROM customers", primary_key: [id]}
                    destinations:
                      gcs: {type: gcs, bucket: upload-bench, endpoint: "%s"}
                    activations:
                      csv_full: {model: customers, destination: gcs, folder: csv, file_name: "{run}", format: csv, run_type: full_only, sync_mode: snapshot}
                      parquet_full: {model: customers, destination: gcs, folder: parquet, file_name: "{run}", format: parquet, run_type: full_only, sync_mode: snapshot}
                    """.formatted(fake.endpoint()));
            for (String activation : List.of("csv_full", "parquet_full")) {
                table.add(measure(activation));
            }
        }
        out.printf("%n%-14s %10s %9s %10s %12s %13s %12s%n", "activation", "MB", "run s", "upload s", "upload MB/s", "upload share",
                "peak RSS MB");
        for (String[] row : table) {
            out.printf("%-14s %10s %9s %10s %12s %13s %12s%n", (Object[]) row);
        }
        out.println("(upload s: from 'publishing' to the end of the run: resumable uploads, copies to final names, deletes of staged objects)");
        out.flush();
    }

    private String[] measure(String activation) throws IOException, InterruptedException {
        Path state = dir.resolve(".sluice");
        ChildProcess.Result result = ChildProcess.run(List.of("-Xmx512m"), dev.sluice.cli.Main.class,
                List.of("run", activation, "-c", dir.resolve(BenchData.WORKSPACE).toString(), "--state-dir", state.toString(), "--json"), dir);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("sluice run " + activation + " failed:\n" + result.errors());
        }
        String output = result.output();
        JsonNode record = JSON.readTree(output.substring(output.indexOf("{\"")));
        double runSeconds = java.time.Duration.between(java.time.Instant.parse(record.path("startedAt").asText()),
                java.time.Instant.parse(record.path("endedAt").asText())).toNanos() / 1e9;
        Matcher m = PUBLISHING.matcher(result.errors());
        double publishingAt = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        double uploadSeconds = Math.max(1e-3, runSeconds - publishingAt);
        long bytes = 0;
        for (JsonNode file : record.path("files")) {
            bytes += file.path("bytes").asLong();
        }
        double mb = bytes / 1e6;
        return new String[] {activation, String.format(Locale.ROOT, "%.1f", mb), String.format(Locale.ROOT, "%.2f", runSeconds),
                String.format(Locale.ROOT, "%.2f", uploadSeconds), String.format(Locale.ROOT, "%.0f", mb / uploadSeconds),
                String.format(Locale.ROOT, "%.0f%%", 100 * uploadSeconds / runSeconds),
                String.format(Locale.ROOT, "%.0f", result.peakRssBytes() / 1e6)};
    }
}
