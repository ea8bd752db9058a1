package dev.sluice.cli;

import dev.sluice.bench.BenchData;
import dev.sluice.bench.BenchReport;
import dev.sluice.bench.FormatBench;
import dev.sluice.bench.RunBench;
import dev.sluice.bench.SyncBench;
import dev.sluice.bench.UploadBench;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice bench}: the benchmarks behind docs/benchmarks.md, rerunnable by anyone. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks Sluice against DuckDB doing the same work bare.",
                "Each benchmark generates its data, measures both in the same run and prints every figure with its "
                        + "ratio, target and PASS or MISS.", "See docs/benchmarks.md"},
        subcommands = {BenchCommand.Runs.class, BenchCommand.Formats.class, BenchCommand.Sync.class, BenchCommand.Upload.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The options every benchmark takes. */
    static final class Options {
        @Option(names = "--rows", paramLabel = "N", defaultValue = "10000000",
                description = "Rows of the generated table (default: ${DEFAULT-VALUE}).")
        long rows;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "Work folder (default: a temporary folder). What the benchmark creates there is removed afterwards unless --keep.")
        Path dir;

        @Option(names = "--keep", description = "Keep the generated data, workspace and written files.")
        boolean keep;

        @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
                description = "Time each measurement N times and keep the fastest (default: ${DEFAULT-VALUE}).")
        int repeat;

        @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "512m",
                description = "-Xmx of the JVMs that do the measured work (default: ${DEFAULT-VALUE}).")
        String heap;

        @Option(names = "--json", description = "Print the report as one JSON object on stdout.")
        boolean json;

        void checkRows() {
            if (rows < 1) {
                throw SluiceException.user("--rows: must be at least 1, got " + rows);
            }
        }

        /**
         * Runs {@code work} in the benchmark's folder (--dir, or a new temporary one), after refusing a
         * folder that holds someone else's workspace; removes what the benchmark created unless --keep.
         */
        <T> T inFolder(Work<T> work, PrintWriter err) throws IOException, SQLException, InterruptedException {
            Path folder = dir != null ? dir.toAbsolutePath() : Files.createTempDirectory("sluice-bench-");
            BenchData.clean(folder); // refuses a folder holding someone else's workspace before anything runs
            try {
                T result = work.run(folder);
                if (keep) {
                    err.println("kept the benchmark's data and files in " + folder);
                }
                return result;
            } catch (IOException e) {
                throw SluiceException.external("the benchmark failed in " + folder + ": " + e, e);
            } finally {
                if (!keep) {
                    BenchData.clean(folder);
                    if (dir == null) {
                        Files.deleteIfExists(folder);
                    }
                }
            }
        }
    }

    /** What a benchmark does in its folder. */
    interface Work<T> {
        T run(Path dir) throws IOException, SQLException, InterruptedException;
    }

    /** Validates the options, runs the benchmark in its folder, prints the report, cleans up. */
    abstract static class Benchmark implements Callable<Integer> {
        @Mixin
        Options options;

        @Spec
        CommandSpec spec;

        abstract BenchReport run(Path dir, List<String> jvmOptions) throws IOException, SQLException, InterruptedException;

        @Override
        public Integer call() throws IOException, SQLException, InterruptedException {
            options.checkRows();
            if (options.repeat < 1) {
                throw SluiceException.user("--repeat: must be at least 1, got " + options.repeat);
            }
            if (!options.heap.matches("[1-9][0-9]*[kKmMgG]?")) {
                throw SluiceException.user("--heap: must be a JVM heap size such as 512m or 2g, got '" + options.heap + "'");
            }
            BenchReport report = options.inFolder(dir -> run(dir, List.of("-Xmx" + options.heap)), spec.commandLine().getErr());
            report.print(spec.commandLine().getOut(), options.json);
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Times whole sluice run processes against DuckDB's bare COPY TO, per format, and delta runs against full runs.",
                    "A full_only x snapshot run of N rows in each format, each a JVM of its own, alternating --repeat times with "
                            + "a JVM that only runs DuckDB's COPY TO of the same table into the same kind of file (same memory_limit); "
                            + "then, for upsert and difference, a full run, a day's changes and a delta run, --repeat times. Prints "
                            + "medians, the ratios, where each run's time went, and peak RSS. Each file is removed once measured."})
    static final class Runs extends Benchmark {
        @Option(names = "--formats", paramLabel = "LIST", split = ",",
                description = "Formats to measure, comma-separated (default: all): ${COMPLETION-CANDIDATES}. "
                        + "With xml, csv is measured too: xml is held against its rows/s.",
                completionCandidates = RunFormatNames.class)
        List<String> formats = new ArrayList<>();

        @Option(names = "--no-deltas", description = "Skip the delta pairs (upsert and difference: a full run, a day's changes, a delta run).")
        boolean noDeltas;

        @Override
        BenchReport run(Path dir, List<String> jvmOptions) throws IOException, SQLException, InterruptedException {
            return new RunBench(options.rows, dir, Math.max(options.repeat, 1), jvmOptions, spec.commandLine().getErr(), Main.class,
                    formats, !noDeltas).run();
        }
    }

    /** The names {@code bench run --formats} accepts. */
    static final class RunFormatNames extends ArrayList<String> {
        RunFormatNames() {
            super(RunBench.names());
        }
    }

    @Command(name = "formats", mixinStandardHelpOptions = true,
            description = {"Times Sluice's file writers against DuckDB's bare COPY TO, per format.",
                    "Generates a table once, then for each format times DuckDB's bare COPY TO and Sluice's writer (default "
                            + "options, as in a run), each in a JVM of its own; prints rows/s, the ratio and peak RSS."})
    static final class Formats extends Benchmark {
        @Option(names = "--formats", paramLabel = "LIST", split = ",",
                description = "Formats to measure, comma-separated (default: all but csv_gzip): ${COMPLETION-CANDIDATES}.",
                completionCandidates = FormatNames.class)
        List<String> formats = new ArrayList<>();

        @Override
        BenchReport run(Path dir, List<String> jvmOptions) throws IOException, SQLException, InterruptedException {
            return new FormatBench(options.rows, dir, formats, options.repeat, options.keep, jvmOptions,
                    spec.commandLine().getErr()).run();
        }
    }

    /** The names {@code --formats} accepts. */
    static final class FormatNames extends ArrayList<String> {
        FormatNames() {
            super(FormatBench.names());
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Times full and delta runs, and change detection against a bare join.",
                    "Upsert and difference activations are measured. "
                            + "A model of N rows: a first (full) run, then 1%% updated, 0.5%% added, 0.5%% removed and a second (delta) "
                            + "run, for upsert and difference, each run a JVM of its own; then change detection alone beside "
                            + "DuckDB's bare FULL OUTER JOIN on the same data."})
    static final class Sync extends Benchmark {
        @Override
        BenchReport run(Path dir, List<String> jvmOptions) throws IOException, SQLException, InterruptedException {
            return new SyncBench(options.rows, dir, options.repeat, jvmOptions, spec.commandLine().getErr(), Main.class).run();
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = {"Times full CSV and Parquet runs of N rows to a GCS bucket you name.",
                    "Uploads through the official client and prints MB, run and upload seconds, upload MB/s, the upload's "
                            + "share of the run and peak RSS; deletes what it uploaded (under sluice-bench-upload/) unless --keep."})
    static final class Upload implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--bucket", paramLabel = "NAME", required = true, description = "The bucket to upload to.")
        String bucket;

        @Option(names = "--endpoint", paramLabel = "URL",
                description = "A GCS emulator's URL (default: Google Cloud Storage); with it and no key, no credentials are sent.")
        String endpoint;

        @Option(names = "--credentials-file", paramLabel = "FILE",
                description = "A service-account JSON key (default: Application Default Credentials, or none with --endpoint).")
        Path credentialsFile;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, SQLException, InterruptedException {
            options.checkRows();
            return options.inFolder(dir -> {
                new UploadBench(options.rows, dir, spec.commandLine().getOut(), Main.class,
                        new UploadBench.Target(bucket, endpoint, credentialsFile), options.keep).run();
                return 0;
            }, spec.commandLine().getErr());
        }
    }
}
