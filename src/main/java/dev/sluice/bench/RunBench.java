package dev.sluice.bench;

import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.history.RunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a user waits for: a whole {@code sluice run} process of a {@code full_only} × {@code snapshot}
 * activation, per format, beside a process that only has DuckDB copy the same table into the same
 * kind of file ({@link BareCopy}, with the same {@code memory_limit} as a run's engine). The two
 * alternate {@code repeat} times; the median wall time of each counts, and the ratio of the medians is
 * held against the target. XML, which the engine cannot write, is held against Sluice's CSV rows/s.
 * Then the delta pairs: for upsert and difference, a full run ({@code --full-resync}) and, after a
 * day's changes, a delta run, {@code repeat} times from the same table; the median delta over the
 * median full. Each written file is removed once measured, so that 100 M rows fit on a disk that holds
 * the table twice and one file of each writer.
 */
public final class RunBench extends Benchmark {
    /** A format: its name, its {@code format:} setting, the bare COPY options, the target over the bare COPY. */
    record Case(String name, String format, String copyOptions, Double target) {}

    static final List<Case> CASES = List.of(
            new Case("csv", "csv", "FORMAT csv, HEADER true", 1.20),
            new Case("parquet", "parquet", "FORMAT parquet, COMPRESSION snappy", 1.20),
            new Case("jsonl", "{type: json, layout: lines}", "FORMAT json", 1.25),
            new Case("json", "json", "FORMAT json, ARRAY true", 1.25),
            new Case("xml", "xml", null, null));
    static final double XML_TARGET = 0.6;
    /** The delta pairs: activation name, its sync mode and format. */
    static final List<String[]> DELTAS = List.of(new String[] {"upsert_csv", "upsert", "csv"},
            new String[] {"difference_parquet", "difference", "parquet"});

    private final Class<?> mainClass;
    private final List<Case> cases;
    private final boolean deltas;

    public RunBench(long rows, Path dir, int repeat, List<String> jvmOptions, PrintWriter progress, Class<?> mainClass) {
        this(rows, dir, repeat, jvmOptions, progress, mainClass, List.of(), true);
    }

    /** {@code formats}: the formats to measure (empty: all); {@code deltas}: whether to measure the delta pairs too. */
    public RunBench(long rows, Path dir, int repeat, List<String> jvmOptions, PrintWriter progress, Class<?> mainClass,
            List<String> formats, boolean deltas) {
        super(rows, dir, repeat, jvmOptions, progress);
        this.mainClass = mainClass;
        this.cases = cases(formats);
        this.deltas = deltas;
    }

    /** The names {@code --formats} accepts. */
    public static List<String> names() {
        return CASES.stream().map(Case::name).toList();
    }

    /** The cases named, in the order of {@link #CASES}; XML's basis, CSV, is measured with it. */
    private static List<Case> cases(List<String> formats) {
        Set<String> wanted = new LinkedHashSet<>(formats);
        for (String name : wanted) {
            if (!names().contains(name)) {
                throw SluiceException.user("--formats: unknown format '" + name + "'; one of " + String.join(", ", names()));
            }
        }
        if (wanted.contains("xml")) {
            wanted.add("csv");
        }
        return CASES.stream().filter(c -> wanted.isEmpty() || wanted.contains(c.name())).toList();
    }

    @Override
    public BenchReport run() throws IOException, SQLException, InterruptedException {
        StringBuilder activations = new StringBuilder();
        for (Case c : cases) {
            activations.append("  whole_").append(c.name()).append(": {model: customers, destination: out, folder: ").append(c.name())
                    .append(", file_name: \"{run}\", format: ").append(c.format()).append(", sync_mode: snapshot, run_type: full_only}\n");
        }
        for (String[] d : DELTAS) {
            activations.append("  ").append(d[0]).append(": {model: customers, destination: out, folder: ").append(d[1])
                    .append(", file_name: \"{run}\", format: ").append(d[2]).append(", sync_mode: ").append(d[1]).append("}\n");
        }
        prepare("run", activations.toString());
        BenchReport.Line csv = null;
        for (Case c : cases) {
            List<ChildProcess.Result> sluice = new ArrayList<>();
            List<ChildProcess.Result> bare = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                sluice.add(sluiceRun(c));
                BenchData.deleteTree(dir.resolve("out").resolve(c.name()));
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
        }
        if (deltas) {
            deltaPairs();
        }
        report.add(BenchReport.peakRss("peak RSS, largest sluice run",
                report.lines().stream().filter(l -> l.name().endsWith(" run")).toList(), FormatBench.RSS_LIMIT));
        report.note("Whole processes, from start to exit: `sluice run whole_FORMAT --json` (full_only × snapshot, local destination) "
                + "and a JVM that only opens the same database with the same DuckDB driver and memory_limit (" + Engine.DEFAULT_MEMORY_LIMIT
                + ") and runs COPY (SELECT * FROM table) TO file, alternating, " + repeat + " of each; each line is the median "
                + "(best in the note), ratios of medians.");
        return report;
    }

    /**
     * For each delta pair, {@code repeat} times from the generated table: a full run, a day's changes,
     * a delta run; the table is restored from a copy before each round, so every round sees the same
     * data and the same changes.
     */
    private void deltaPairs() throws IOException, SQLException, InterruptedException {
        BenchData.keepOriginal(dir);
        for (String[] d : DELTAS) {
            List<ChildProcess.Result> full = new ArrayList<>();
            List<ChildProcess.Result> delta = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                BenchData.restoreOriginal(dir);
                full.add(measured(d[0], "full", "--full-resync"));
                BenchData.change(dir, rows);
                delta.add(measured(d[0], "delta"));
                BenchData.deleteTree(dir.resolve("out").resolve(d[1]));
            }
            BenchReport.Line fullLine = line(d[0] + " full run", full);
            report.add(fullLine);
            report.add(line(d[0] + " delta run", delta).timeOver(fullLine, "× full run", SyncBench.DELTA_TARGET));
        }
        BenchData.restoreOriginal(dir);
    }

    /** One {@code sluice run} of a delta pair; fails unless it was the kind of run expected. */
    private ChildProcess.Result measured(String activation, String kind, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(extra));
        args.add("--debug");
        SluiceRun run = sluiceRun(mainClass, activation, args.toArray(String[]::new));
        RunRecord record = run.record();
        if (!kind.equals(record.kind())) {
            throw SluiceException.internal("sluice run " + activation + " was a " + record.kind() + " run, expected " + kind
                    + (record.fullReason() == null ? "" : " (" + record.fullReason() + ")"), null);
        }
        ChildProcess.Result result = run.process();
        String phases = result.errors().lines().filter(l -> l.startsWith("phases (ms)")).findFirst().orElse("");
        say(String.format(Locale.ROOT, "%-20s %-5s %6.2f s  peak RSS %,5d MB  %,d written  %s", activation, kind, result.seconds(),
                result.peakRssBytes() / 1_000_000, record.counts().written(), phases));
        report.note(activation + " " + kind + " run " + record.id() + ": " + String.format(Locale.ROOT, "%.2f s, %,d written; ",
                result.seconds(), record.counts().written()) + phases);
        return result;
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
        Files.createDirectories(target.getParent());
        ChildProcess.Result result = ChildProcess.run(jvmOptions, BareCopy.class,
                List.of(dir.resolve(BenchData.DATABASE).toString(), BenchData.TABLE, target.toString(), c.copyOptions(),
                        Engine.DEFAULT_MEMORY_LIMIT), dir);
        if (result.exitCode() != 0) {
            throw SluiceException.internal("the bare COPY of " + c.name() + " failed (exit " + result.exitCode() + "):\n"
                    + result.errors(), null);
        }
        say(String.format(Locale.ROOT, "%-8s bare COPY   %6.2f s  peak RSS %,5d MB", c.name(), result.seconds(),
                result.peakRssBytes() / 1_000_000));
        BenchData.deleteTree(target.getParent());
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
