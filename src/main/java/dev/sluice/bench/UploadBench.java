package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.JsonText;
import dev.sluice.run.RunIds;
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
 * {@code gcs} destination the user names (a bucket, and an endpoint for an emulator), each run a
 * separate JVM ({@code sluice run}) through the official client. Reports per activation: bytes
 * uploaded, the run's seconds, the seconds from "publishing" to the end of the run (resumable
 * uploads, copies to final names, deletes of staged objects), their MB/s and share of the run, and
 * the run's peak RSS. The objects it wrote are deleted afterwards unless {@code keep}.
 */
public final class UploadBench {
    private static final Pattern PUBLISHING = Pattern.compile("\\[\\S+\\s+([0-9.]+)s\\] publishing ");
    private static final ObjectMapper JSON = JsonText.MAPPER;

    /** Where the runs upload: a bucket, an endpoint (null: Google's) and a key file (null: none with an endpoint, else ADC). */
    public record Target(String bucket, String endpoint, Path credentialsFile) {}

    private final long rows;
    private final Path dir;
    private final PrintWriter out;
    private final Class<?> mainClass;
    private final Target target;
    private final boolean keep;

    /** {@code mainClass} is Sluice's command-line entry point, run in a JVM of its own for each measured run. */
    public UploadBench(long rows, Path dir, PrintWriter out, Class<?> mainClass, Target target, boolean keep) {
        this.rows = rows;
        this.dir = dir;
        this.out = out;
        this.mainClass = mainClass;
        this.target = target;
        this.keep = keep;
    }

    public void run() throws IOException, SQLException, InterruptedException {
        double generated = BenchData.generate(dir, rows);
        out.printf(Locale.ROOT, "generated %,d rows in %.1f s%n", rows, generated);
        out.flush();
        List<String[]> table = new ArrayList<>();
        // A run-style id (time and a random suffix): two benchmarks on one bucket never share a folder.
        String prefix = "sluice-bench-upload/" + RunIds.next(java.time.Instant.now());
        StringBuilder destination = new StringBuilder("{type: gcs, bucket: " + quoted(target.bucket()));
        if (target.endpoint() != null) {
            destination.append(", endpoint: ").append(quoted(target.endpoint()));
        }
        if (target.credentialsFile() != null) {
            destination.append(", credentials_file: ").append(quoted(target.credentialsFile().toAbsolutePath().toString()));
        }
        destination.append("}");
        Path workspace = BenchData.writeWorkspace(dir, """
                sources:
                  bench: {type: duckdb, path: bench.duckdb}
                models:
                  customers: {sql: "SELECT * FROM customers", primary_key: [id]}
                destinations:
                  gcs: %s
                activations:
                  csv_full: {model: customers, destination: gcs, folder: "%s/csv", file_name: "{run}", format: csv, run_type: full_only, sync_mode: snapshot}
                  parquet_full: {model: customers, destination: gcs, folder: "%s/parquet", file_name: "{run}", format: parquet, run_type: full_only, sync_mode: snapshot}
                """.formatted(destination, prefix, prefix));
        try {
            for (String activation : List.of("csv_full", "parquet_full")) {
                table.add(measure(activation));
            }
        } finally {
            if (keep) {
                out.println("kept the uploaded objects under gs://" + target.bucket() + "/" + prefix + "/");
            } else {
                try (var gcs = dev.sluice.workspace.WorkspaceLoader.withSystemEnv().load(workspace).destinations().get("gcs").open()) {
                    gcs.deleteAll(prefix + "/");
                }
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
        ChildProcess.Result result = ChildProcess.run(List.of("-Xmx512m"), mainClass,
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

    /** A YAML double-quoted string. */
    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
