package dev.sluice.bench;

import dev.sluice.config.JsonText;
import dev.sluice.error.SluiceException;
import dev.sluice.history.RunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmarks share: their settings, the generated table and the workspace over it (one
 * model, {@code customers}, and a local destination, {@code out}), the report, progress lines.
 */
abstract class Benchmark {
    final long rows;
    final Path dir;
    final int repeat;
    final List<String> jvmOptions;
    private final PrintWriter progress;
    BenchReport report;

    /** Each measurement that can be repeated is taken {@code repeat} times and the fastest kept. */
    Benchmark(long rows, Path dir, int repeat, List<String> jvmOptions, PrintWriter progress) {
        this.rows = rows;
        this.dir = dir;
        this.repeat = repeat;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.progress = progress;
    }

    /** Runs the benchmark in its folder and returns what it measured. */
    public abstract BenchReport run() throws IOException, SQLException, InterruptedException;

    /** Generates the table, writes the workspace with {@code activations} (YAML lines under {@code activations:}), starts the report. */
    void prepare(String benchmark, String activations) throws IOException, SQLException {
        double generated = BenchData.generate(dir, rows);
        say(String.format(Locale.ROOT, "generated %,d rows in %.1f s", rows, generated));
        BenchData.writeWorkspace(dir, """
                sources:
                  bench: {type: duckdb, path: %s}
                models:
                  customers: {sql: "SELECT * FROM %s", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                """.formatted(BenchData.DATABASE, BenchData.TABLE) + activations);
        report = new BenchReport(benchmark, rows);
        report.machine("duckdb", BenchData.engineVersion());
        report.machine("generated_in_seconds", Math.round(generated * 10) / 10.0);
    }

    /** A finished {@code sluice run} child: what the process did, and the run's record. */
    record SluiceRun(ChildProcess.Result process, RunRecord record) {}

    /**
     * {@code sluice run ACTIVATION --json EXTRA…} on the bench workspace, as {@code mainClass} in a JVM
     * of its own; fails unless it exits 0 with its record.
     */
    SluiceRun sluiceRun(Class<?> mainClass, String activation, String... extra) throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("run", activation, "-c", dir.resolve(BenchData.WORKSPACE).toString(),
                "--json"));
        args.addAll(List.of(extra));
        ChildProcess.Result result = ChildProcess.run(jvmOptions, mainClass, args, dir);
        String json = result.output().strip();
        if (result.exitCode() != 0 || !json.startsWith("{")) {
            throw SluiceException.internal("sluice run " + activation + " failed (exit " + result.exitCode() + "):\n"
                    + result.errors() + result.output(), null);
        }
        return new SluiceRun(result, JsonText.MAPPER.readValue(json.lines().findFirst().orElseThrow(), RunRecord.class));
    }

    /** A progress line on standard error. */
    void say(String line) {
        progress.println(line);
        progress.flush();
    }
}
