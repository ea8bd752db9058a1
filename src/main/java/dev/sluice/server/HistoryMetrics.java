package dev.sluice.server;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.RunTotals;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The run metrics of {@code /metrics}, read from the run history at every scrape ({@link RunTotals}):
 * they count the runs of every process that shares the state folder, not only this server's.
 * {@code sluice_runs_total}, {@code sluice_bytes_published_total}, {@code sluice_run_duration_seconds},
 * {@code sluice_last_success_timestamp_seconds} and {@code sluice_runs_held}. An activation of the
 * workspace that never ran shows its gauges at 0; a history that cannot be read gives the last values read.
 * Each run is read once: a scrape reads the runs added since the last one and those it saw running
 * (the first scrape after a start reads the whole history: about 2 s for 100,000 runs, later ones tens of ms).
 */
final class HistoryMetrics implements MultiCollector {
    /** Upper bounds of the run duration histogram, in seconds. */
    static final double[] DURATION_BOUNDS = {1, 5, 15, 30, 60, 300, 900, 1800, 3600, 3 * 3600};

    private final Path stateDir;
    private final Supplier<Collection<String>> activations;
    private volatile MetricSnapshots last = MetricSnapshots.of();
    /** What was read so far: each run is taken once (see {@link RunTotals}). */
    private final Totals totals = new Totals();

    /** {@code activations}: the workspace's activations now (those that never ran still get their gauges). */
    HistoryMetrics(Path stateDir, Supplier<Collection<String>> activations) {
        this.stateDir = stateDir;
        this.activations = activations;
    }

    @Override
    public synchronized MetricSnapshots collect() {
        try {
            List<RunTotals.Row> rows;
            try (HistoryDatabase database = HistoryDatabase.open(stateDir)) {
                rows = new RunTotals(database).since(totals.lastRowid, List.copyOf(totals.running));
            }
            rows.forEach(totals::add);
            last = snapshots(totals, names(totals));
        } catch (RuntimeException e) {
            // the history could not be read (locked, being migrated): the last values stand
        }
        return last;
    }

    /** The totals of the runs read so far, per activation. */
    private static final class Totals {
        long lastRowid;
        final Set<String> running = new HashSet<>();
        final Map<List<String>, long[]> ended = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        final Map<String, long[]> rowsRead = new TreeMap<>();
        final Map<String, long[]> bytesPublished = new TreeMap<>();
        final Map<String, long[]> buckets = new TreeMap<>();
        final Map<String, double[]> seconds = new TreeMap<>();
        final Map<String, Long> lastSuccess = new TreeMap<>();
        /** Per activation, its latest run that ran (succeeded, failed, held): start, id, whether held. */
        final Map<String, Latest> latest = new TreeMap<>();

        record Latest(Instant startedAt, String id, boolean held) {}

        void add(RunTotals.Row row) {
            lastRowid = Math.max(lastRowid, row.rowid());
            if (row.status().equals("running")) {
                running.add(row.id());
                return;
            }
            running.remove(row.id());
            if (row.status().equals("dry_run")) {
                return;
            }
            String activation = row.activation();
            ended.computeIfAbsent(List.of(activation, row.status()), k -> new long[1])[0]++;
            rowsRead.computeIfAbsent(activation, a -> new long[1])[0] += row.rowsRead();
            boolean ran = row.status().equals("succeeded") || row.status().equals("failed") || row.status().equals("held");
            if (row.status().equals("succeeded")) {
                bytesPublished.computeIfAbsent(activation, a -> new long[1])[0] += row.bytes();
                if (row.endedAt() != null) {
                    lastSuccess.merge(activation, row.endedAt().toEpochMilli(), Math::max);
                }
            }
            if (ran && row.startedAt() != null && row.endedAt() != null) {
                double took = Math.max(0, Duration.between(row.startedAt(), row.endedAt()).toMillis() / 1000.0);
                int bucket = 0;
                while (bucket < DURATION_BOUNDS.length && took > DURATION_BOUNDS[bucket]) {
                    bucket++;
                }
                buckets.computeIfAbsent(activation, a -> new long[DURATION_BOUNDS.length + 1])[bucket]++;
                seconds.computeIfAbsent(activation, a -> new double[1])[0] += took;
            }
            if (ran && row.startedAt() != null) {
                Latest now = new Latest(row.startedAt(), row.id(), row.status().equals("held"));
                latest.merge(activation, now, (a, b) -> Comparator.comparing(Latest::startedAt).thenComparing(Latest::id).compare(a, b) >= 0 ? a : b);
            }
        }
    }

    private Collection<String> names(Totals totals) {
        TreeSet<String> names = new TreeSet<>(totals.lastSuccess.keySet());
        names.addAll(totals.latest.keySet());
        try {
            names.addAll(activations.get());
        } catch (RuntimeException e) {
            // a workspace with problems: the activations of the history only
        }
        return names;
    }

    private static MetricSnapshots snapshots(Totals totals, Collection<String> names) {
        CounterSnapshot.Builder runs = CounterSnapshot.builder().name("sluice_runs")
                .help("Runs that ended, by activation and status, recorded by any process sharing the state folder");
        totals.ended.forEach((key, n) -> runs.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("activation", key.get(0), "status", key.get(1))).value(n[0]).build()));
        CounterSnapshot.Builder read = CounterSnapshot.builder().name("sluice_rows_read")
                .help("Rows read from the source by runs that ended, recorded by any process sharing the state folder");
        totals.rowsRead.forEach((activation, rows) -> read.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("activation", activation)).value(rows[0]).build()));
        CounterSnapshot.Builder bytes = CounterSnapshot.builder().name("sluice_bytes_published")
                .help("Bytes of the files published by succeeded runs (manifests included)");
        totals.bytesPublished.forEach((activation, b) -> bytes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("activation", activation)).value(b[0]).build()));
        HistogramSnapshot.Builder durations = HistogramSnapshot.builder().name("sluice_run_duration_seconds")
                .help("How long runs took, from start to end (succeeded, failed and held runs)");
        double[] bounds = new double[DURATION_BOUNDS.length + 1];
        System.arraycopy(DURATION_BOUNDS, 0, bounds, 0, DURATION_BOUNDS.length);
        bounds[DURATION_BOUNDS.length] = Double.POSITIVE_INFINITY;
        totals.buckets.forEach((activation, counts) -> durations.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .labels(Labels.of("activation", activation)).classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts.clone()))
                .sum(Math.round(totals.seconds.get(activation)[0] * 1000) / 1000.0).build()));
        GaugeSnapshot.Builder lastSuccess = GaugeSnapshot.builder().name("sluice_last_success_timestamp_seconds")
                .help("When the activation's last succeeded run ended, in Unix seconds (0: never)");
        GaugeSnapshot.Builder held = GaugeSnapshot.builder().name("sluice_runs_held")
                .help("1 when the activation's latest run ended held (waiting for --accept-held), else 0");
        for (String activation : names) {
            Labels labels = Labels.of("activation", activation);
            lastSuccess.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                    .value(totals.lastSuccess.getOrDefault(activation, 0L) / 1000.0).build());
            Totals.Latest latest = totals.latest.get(activation);
            held.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(latest != null && latest.held() ? 1 : 0).build());
        }
        return MetricSnapshots.of(runs.build(), read.build(), bytes.build(), durations.build(), lastSuccess.build(), held.build());
    }
}
