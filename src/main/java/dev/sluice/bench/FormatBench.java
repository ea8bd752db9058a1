package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bench.BenchReport.Line;
import dev.sluice.config.JsonText;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The formats benchmark: a table of N rows generated once, then for each format DuckDB's bare
 * {@code COPY … TO} and Sluice's writer (default options, the path a run takes) write it, each in
 * its own JVM ({@link WriteProbe}) so that its peak RSS is its own. Sluice's time is compared with
 * the bare COPY's; XML, which the engine cannot write by itself, with Sluice's CSV throughput.
 */
public final class FormatBench extends Benchmark {
    static final long RSS_LIMIT = 1L << 30;
    static final String XML_BASIS = "csv";
    static final double XML_TARGET = 0.5;

    /**
     * A measured format: its activation in the bench workspace (named like the case), its
     * {@code format:} setting, the bare COPY options that write the same kind of file (null: the
     * engine has none), and the target of Sluice's time over the bare COPY's (null: none).
     */
    record Case(String name, String format, String copyOptions, Double target) {}

    /** gzip is left out unless asked for: DuckDB's own gzip COPY alone takes minutes at 10 M rows. */
    static final String OPTIONAL = "csv_gzip";

    static final List<Case> CASES = List.of(
            new Case("csv", "csv", "FORMAT csv, HEADER true", 1.25),
            new Case("csv_gzip", "{type: csv, compression: gzip}", "FORMAT csv, HEADER true, COMPRESSION gzip", null),
            new Case("json", "json", "FORMAT json, ARRAY true", 1.5),
            new Case("jsonl", "{type: json, layout: lines}", "FORMAT json", 1.5),
            new Case("xml", "xml", null, null),
            new Case("parquet", "parquet", "FORMAT parquet, COMPRESSION snappy", 1.25));

    public static List<String> names() {
        return CASES.stream().map(Case::name).toList();
    }

    private final List<String> formats;
    private final boolean keep;

    /**
     * {@code formats}: names of {@link #CASES} (all but {@value #OPTIONAL} when empty); each line is the fastest of
     * {@code repeat} runs. Written files are deleted after each format unless {@code keep}.
     */
    public FormatBench(long rows, Path dir, List<String> formats, int repeat, boolean keep, List<String> jvmOptions,
            PrintWriter progress) {
        super(rows, dir, repeat, jvmOptions, progress);
        for (String format : formats) {
            if (!names().contains(format)) {
                throw SluiceException.user("--formats: unknown format '" + format + "'; formats: " + String.join(", ", names()));
            }
        }
        this.formats = formats.isEmpty() ? names().stream().filter(n -> !n.equals(OPTIONAL)).toList() : List.copyOf(formats);
        this.keep = keep;
    }

    @Override
    public BenchReport run() throws IOException, SQLException, InterruptedException {
        StringBuilder activations = new StringBuilder();
        for (Case c : CASES) {
            activations.append("  ").append(c.name()).append(": {model: customers, destination: out, format: ").append(c.format()).append("}\n");
        }
        prepare("formats", activations.toString());
        List<Line> writers = new ArrayList<>();
        for (Case c : CASES) {
            if (!formats.contains(c.name())) {
                continue;
            }
            Line copy = c.copyOptions() == null ? null : measure(c, true);
            Line sluice = measure(c, false);
            if (copy != null) {
                report.add(copy);
                sluice = sluice.timeOver(copy, "× COPY time", c.target());
            } else if (c.name().equals("xml") && formats.contains(XML_BASIS)) {
                sluice = sluice.throughputOver(report.line(XML_BASIS + " Sluice writer"), "× csv rows/s", XML_TARGET);
            }
            report.add(sluice);
            writers.add(sluice);
            if (!keep) {
                BenchData.deleteTree(dir.resolve("out").resolve(c.name()));
            }
        }
        report.add(BenchReport.peakRss("peak RSS, largest Sluice writer", writers, RSS_LIMIT));
        report.note("Each line is the fastest of " + repeat + " run(s) of the write alone, in a JVM of its own (" + String.join(" ", jvmOptions)
                + "); CPU s is that JVM's CPU time during the write, peak RSS its VmHWM. Sluice writer = OutputWriter with the "
                + "format's default options, as in a run.");
        if (!keep) {
            BenchData.deleteTree(dir.resolve("out"));
        }
        return report;
    }

    /** The fastest of {@code repeat} runs of one writer (the largest peak RSS of them), after checking its row count. */
    private Line measure(Case c, boolean bare) throws IOException, InterruptedException {
        String name = c.name() + (bare ? " DuckDB COPY TO" : " Sluice writer");
        Path out = dir.resolve("out").resolve(c.name()).resolve(bare ? "copy" : "sluice");
        List<String> args = new ArrayList<>(List.of(dir.resolve(BenchData.WORKSPACE).toString(), c.name(), out.toString()));
        if (bare) {
            args.add(c.copyOptions());
        }
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        long peak = 0;
        long bytes = 0;
        for (int i = 0; i < repeat; i++) {
            ChildProcess.Result result = ChildProcess.run(jvmOptions, WriteProbe.class, args, dir);
            String last = result.output().strip();
            last = last.substring(last.lastIndexOf('\n') + 1);
            if (result.exitCode() != 0 || !last.startsWith("{")) {
                throw SluiceException.internal(name + " failed (exit " + result.exitCode() + "):\n" + result.errors() + result.output(), null);
            }
            JsonNode measured = JsonText.MAPPER.readTree(last);
            if (measured.path("rows").asLong() != rows) {
                throw SluiceException.internal(name + " wrote " + measured.path("rows").asLong() + " rows, expected " + rows, null);
            }
            best = Math.min(best, measured.path("seconds").asDouble());
            bestCpu = Math.min(bestCpu, measured.path("cpu_seconds").asDouble());
            peak = Math.max(peak, Math.max(result.peakRssBytes(), measured.path("peak_rss_bytes").asLong()));
            bytes = measured.path("bytes").asLong();
        }
        String line = String.format(Locale.ROOT, "%-28s %7.2f s (CPU %.2f s)  %,15d bytes  peak RSS %,d MB", name, best, bestCpu, bytes,
                peak / 1_000_000);
        say(line);
        report.note(String.format(Locale.ROOT, "%s: %,d bytes written", name, bytes));
        return Line.measured(name, best, bestCpu, rows, peak);
    }
}
