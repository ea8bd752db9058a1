package dev.sluice.bench;

import dev.sluice.bench.BenchReport.Line;
import dev.sluice.engine.ColumnTypes;
import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.format.ExportColumn;
import dev.sluice.history.RunRecord;
import dev.sluice.sync.ChangeDetector;
import dev.sluice.sync.Changes;
import dev.sluice.sync.Extracted;
import dev.sluice.sync.Extractor;
import dev.sluice.sync.SnapshotStore;
import dev.sluice.sync.WorkTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sync benchmark: a model of N rows, a first (full) run, then 1% of rows updated, 0.5% added and
 * 0.5% removed, and a second (delta) run — for upsert (CSV) and for difference (Parquet). Each run
 * is a separate JVM ({@code sluice run}) so that its time and peak RSS are its own. The
 * change-detection step alone is timed beside DuckDB's bare FULL OUTER JOIN on the same two tables,
 * in the same process.
 */
public final class SyncBench extends Benchmark {
    static final List<String> ACTIVATIONS = List.of("upsert_csv", "difference_parquet");
    static final double DELTA_TARGET = 0.35;
    static final double DETECTION_TARGET = 1.5;

    private final Class<?> mainClass;

    /**
     * The change detection is timed {@code repeat} times (the fastest counts); each run is measured
     * once, as {@code mainClass} (Sluice's command-line entry point) in a JVM of its own.
     */
    public SyncBench(long rows, Path dir, int repeat, List<String> jvmOptions, PrintWriter progress, Class<?> mainClass) {
        super(rows, dir, repeat, jvmOptions, progress);
        this.mainClass = mainClass;
    }

    @Override
    public BenchReport run() throws IOException, SQLException, InterruptedException {
        prepare("sync", """
                  upsert_csv: {model: customers, destination: out, folder: upsert, file_name: "{run}", format: csv, sync_mode: upsert}
                  difference_parquet: {model: customers, destination: out, folder: difference, file_name: "{run}", format: parquet, sync_mode: difference}
                """);
        Map<String, Line> full = new LinkedHashMap<>();
        for (String activation : ACTIVATIONS) {
            full.put(activation, measure(activation, "full"));
            report.add(full.get(activation));
        }
        BenchData.change(dir, rows);
        say("changed the table: 1% updated, 0.5% removed, 0.5% added");
        detectionAlone();
        for (String activation : ACTIVATIONS) {
            Line delta = measure(activation, "delta");
            report.add(delta.timeOver(full.get(activation), "× full run", DELTA_TARGET));
        }
        report.add(BenchReport.peakRss("peak RSS, largest run", report.lines(), FormatBench.RSS_LIMIT));
        report.note("Runs: `sluice run ACTIVATION --json`, each in a JVM of its own (" + String.join(" ", jvmOptions)
                + "), wall time from process start to exit, measured once; rows/s = rows read / seconds. Change detection: "
                + "the fastest of " + repeat + ", in this process, with an engine session like a run's.");
        return report;
    }

    /** One {@code sluice run} in its own JVM; fails unless it succeeds with the expected kind of run. */
    private Line measure(String activation, String kind) throws IOException, InterruptedException {
        SluiceRun run = sluiceRun(mainClass, activation);
        ChildProcess.Result result = run.process();
        RunRecord record = run.record();
        if (!kind.equals(record.kind())) {
            throw SluiceException.internal("sluice run " + activation + " was a " + record.kind() + " run, expected " + kind
                    + (record.fullReason() == null ? "" : " (" + record.fullReason() + ")"), null);
        }
        String name = activation + " " + kind + " run";
        say(String.format(Locale.ROOT, "%-28s %7.2f s (CPU %.2f s)  %,d rows written  peak RSS %,d MB", name, result.seconds(),
                result.cpuSeconds(), record.counts().written(), result.peakRssBytes() / 1_000_000));
        report.note(String.format(Locale.ROOT, "%s: %,d read, %,d added, %,d updated, %,d removed, %,d written; its log (the clock "
                + "starts after JVM start and workspace loading; commit and exit come after the last line):", name, record.counts().read(),
                record.counts().added(), record.counts().updated(), record.counts().removed(), record.counts().written()));
        result.errors().lines().forEach(line -> report.note("    " + line));
        return Line.measured(name, result.seconds(), result.cpuSeconds(), record.counts().read(), result.peakRssBytes());
    }

    /** A step of change detection, timed in this process; the engine works in this process's threads. */
    private interface Step {
        void run() throws SQLException;
    }

    /** Times {@code step} and returns the faster of it and {@code best}. */
    private Line fastest(Line best, String name, Step step) throws SQLException {
        long started = System.nanoTime();
        double cpuStarted = ChildProcess.ownCpuSeconds();
        step.run();
        Line line = Line.measured(name, (System.nanoTime() - started) / 1e9, ChildProcess.ownCpuSeconds() - cpuStarted, rows, null);
        return best == null || line.seconds() < best.seconds() ? line : best;
    }

    /** Times Sluice's change detection against DuckDB's bare FULL OUTER JOIN, on the last snapshot and the changed table. */
    private void detectionAlone() throws SQLException, IOException {
        SnapshotStore.Snapshot snapshot = new SnapshotStore(dir.resolve(".sluice")).current(ACTIVATIONS.get(0)).orElseThrow();
        Path spill = dir.resolve("engine-tmp");
        try (Engine engine = Engine.open(spill, dir, Engine.DEFAULT_MEMORY_LIMIT, null)) {
            engine.execute("ATTACH " + Engine.literal(dir.resolve(BenchData.DATABASE).toAbsolutePath().toString()) + " AS b (READ_ONLY)");
            String table = "b." + BenchData.TABLE;
            List<ExportColumn> columns = Extractor.exportColumns(ColumnTypes.describe(engine.connection(), "SELECT * FROM " + table), List.of());
            engine.execute("CREATE TEMP TABLE " + WorkTables.NOW + " AS SELECT id AS sluice_k0, *, "
                    + WorkTables.rowHash(columns.stream().map(ExportColumn::name).toList(), null) + " AS " + WorkTables.HASH + " FROM " + table);
            ChangeDetector detector = new ChangeDetector(engine, new Extracted(List.of("sluice_k0"), columns, rows, 0, "bench"));
            detector.usePrevious(snapshot);
            String bareJoin = "SELECT count(*) FROM " + WorkTables.NOW + " n FULL OUTER JOIN " + WorkTables.PREV
                    + " p ON n.sluice_k0 = p.sluice_k0";
            // The same join carrying both sides' stored row hashes and counting the keys whose hash differs:
            // what the comparison itself costs, apart from what Sluice does around it.
            String hashJoin = "SELECT count(*) FROM " + WorkTables.NOW + " n FULL OUTER JOIN " + WorkTables.PREV
                    + " p ON n.sluice_k0 = p.sluice_k0 WHERE n." + WorkTables.HASH + " IS DISTINCT FROM p." + WorkTables.HASH;
            engine.queryLong(bareJoin); // warm-up: both sides read once before either is timed
            Line bare = null;
            Line hashes = null;
            Line sluice = null;
            Changes[] changes = new Changes[1];
            for (int i = 0; i < repeat; i++) {
                bare = fastest(bare, "detection: bare FULL OUTER JOIN", () -> engine.queryLong(bareJoin));
                hashes = fastest(hashes, "detection: join comparing hashes", () -> engine.queryLong(hashJoin));
                sluice = fastest(sluice, "detection: Sluice ChangeDetector", () -> changes[0] = detector.count());
            }
            report.add(bare);
            report.add(hashes.timeOver(bare, "× bare join", null));
            report.add(sluice.timeOver(bare, "× bare join", DETECTION_TARGET));
            report.note(String.format(Locale.ROOT, "change detection found %,d added, %,d updated, %,d removed, %,d unchanged",
                    changes[0].added(), changes[0].updated(), changes[0].removed(), changes[0].unchanged()));
            say(String.format(Locale.ROOT, "change detection: bare join %.2f s, Sluice %.2f s", bare.seconds(), sluice.seconds()));
        } finally {
            BenchData.deleteTree(spill);
        }
    }
}
