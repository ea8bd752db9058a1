package dev.sluice.bench;

import dev.sluice.error.SluiceException;
import dev.sluice.history.RunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a user waits for: a whole {@code sluice run} process of a {@code full_only} × {@code snapshot}
 * activation, per format, beside a process that only has DuckDB copy the same table into the same
 * kind of file ({@link BareCopy}). The two alternate {@code repeat} times; the median wall time of
 * each counts, and the ratio of the medians is held against the target. XML, which the engine cannot
 * write, is held against Sluice's CSV rows/s.
 */
public final class RunBench extends Benchmark {
    /** A format: its name, its {@code format:} setting, the bare COPY options, the target over the bare COPY. */
    record Case(String name, String format, String copyOptions, Double target) {}

    static final List<Case> CASES = List.of(
            new Case("csv", "csv", "FORMAT csv, HEADER true", 1.25),
            new Case("parquet", "parquet", "FORMAT parquet, COMPRESSION snappy", 1.25),
            new Case("jsonl", "{type: json, layout: lines}", "FORMAT json", 1.3),
            new Case("json", "json", "FORMAT json, ARRAY true", 1.3),
            new Case("xml", "xml", null, null));
    static final double XML_TARGET = 0.5;

    private final Class<?> mainClass;

    public RunBench(long rows, Path dir, int repeat, List<String> jvmOptions, PrintWriter progress, Class<?> mainClass) {
        super(rows, dir, repeat, jvmOptions, progress);
        this.mainClass = mainClass;
    }

    @Override
    public BenchReport run() throws IOException, SQLException, InterruptedException {
        StringBuilder activations = new StringBuilder();
        for (Case c : CASES) {
            activations.append("  whole_").append(c.name()).append(": {model: customers, destination: out, folder: ").append(c.name())
                    .append(", file_name: \"{run}\", format: ").append(c.format()).append(", sync_mode: snapshot, run_type: full_only}\n");
        }
        prepare("run", activations.toString());
        BenchReport.Line csv = null;
        for (Case c : CASES) {
            List<ChildProcess.Result> sluice = new ArrayList<>();
            List<ChildProcess.Result> bare = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                sluice.add(sluiceRun(c));
                if (c.copyOptions() != null) {
                    bare.add(bareCopy(c, i));
                }
            }
            BenchReport.Line run = line(c.name() + " sluice run", sluice);
            if (c.copyOptions() != null) {
                BenchReport.Line copy = line(c.name() + " bare COPY process", bare);
                report.add(copy);
                report.add(run.timeOver(copy, "× bare COPY process", c.target()));
            } else {
                report.add(run.throughputOver(csv, "× CSV run rows/s", XML_TARGET));
            }
            if (c.name().equals("csv")) {
                csv = run;
            }
            BenchData.deleteTree(dir.resolve("out"));
        }
        report.add(BenchReport.peakRss("peak RSS, largest sluice run",
                report.lines().stream().filter(l -> l.name().endsWith("sluice run")).toList(), FormatBench.RSS_LIMIT));
        report.note("Whole processes, from start to exit: `sluice run whole_FORMAT --json` (full_only × snapshot, local destination) "
                + "and a JVM that only opens the same database with the same DuckDB driver and runs COPY (SELECT * FROM table) TO "
                + "file, alternating, " + repeat + " of each; each line is the median (best in the note), ratios of medians.");
        return report;
    }

    private ChildProcess.Result sluiceRun(Case c) throws IOException, InterruptedException {
        String activation = "whole_" + c.name();
        SluiceRun run = sluiceRun(mainClass, activation, "--debug");
        ChildProcess.Result result = run.process();
        RunRecord record = run.record();
        String phases = result.errors().lines().filter(l -> l.startsWith("phases (ms)")).findFirst().orElse("");
        say(String.format(Locale.ROOT, "%-8s sluice run   %6.2f s  peak RSS %,5d MB  %s", c.name(), result.seconds(),
                result.peakRssBytes() / 1_000_000, phases));
        report.note(c.name() + " run " + record.id() + ": " + String.format(Locale.ROOT, "%.2f s; ", result.seconds()) + phases);
        return result;
    }

    private ChildProcess.Result bareCopy(Case c, int i) throws IOException, InterruptedException {
        Path target = dir.resolve("out").resolve(c.name()).resolve("bare-" + i + "." + c.name());
        java.nio.file.Files.createDirectories(target.getParent());
        ChildProcess.Result result = ChildProcess.run(jvmOptions, BareCopy.class,
                List.of(dir.resolve(BenchData.DATABASE).toString(), BenchData.TABLE, target.toString(), c.copyOptions()), dir);
        if (result.exitCode() != 0) {
            throw SluiceException.internal("the bare COPY of " + c.name() + " failed (exit " + result.exitCode() + "):\n"
                    + result.errors(), null);
        }
        say(String.format(Locale.ROOT, "%-8s bare COPY   %6.2f s  peak RSS %,5d MB", c.name(), result.seconds(),
                result.peakRssBytes() / 1_000_000));
        return result;
    }

    /** The median of the runs (the lower middle for an even count), with the largest peak RSS of them all. */
    private BenchReport.Line line(String name, List<ChildProcess.Result> results) {
        List<ChildProcess.Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingDouble(ChildProcess.Result::seconds));
        ChildProcess.Result median = sorted.get((sorted.size() - 1) / 2);
        long peak = results.stream().mapToLong(ChildProcess.Result::peakRssBytes).max().orElse(0);
        report.note(String.format(Locale.ROOT, "%s: best %.2f s, median %.2f s of %d", name, sorted.get(0).seconds(), median.seconds(),
                results.size()));
        return BenchReport.Line.measured(name, median.seconds(), median.cpuSeconds(), rows, peak);
    }
}
