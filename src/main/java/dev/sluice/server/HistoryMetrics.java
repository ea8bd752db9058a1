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
 */
final class HistoryMetrics implements MultiCollector {
    /** Upper bounds of the run duration histogram, in seconds. */
    static final double[] DURATION_BOUNDS = {1, 5, 15, 30, 60, 300, 900, 1800, 3600, 3 * 3600};

    private final Path stateDir;
    private final Supplier<Collection<String>> activations;
    private volatile MetricSnapshots last = MetricSnapshots.of();

    /** {@code activations}: the workspace's activations now (those that never ran still get their gauges). */
    HistoryMetrics(Path stateDir, Supplier<Collection<String>> activations) {
        this.stateDir = stateDir;
        this.activations = activations;
    }

    @Override
    public MetricSnapshots collect() {
        try {
            RunTotals.Totals totals;
            try (HistoryDatabase database = HistoryDatabase.open(stateDir)) {
                totals = new RunTotals(database).read(DURATION_BOUNDS);
            }
            last = snapshots(totals, names(totals));
        } catch (RuntimeException e) {
            // the history could not be read (locked, being migrated): the last values stand
        }
        return last;
    }

    private Collection<String> names(RunTotals.Totals totals) {
        TreeSet<String> names = new TreeSet<>(totals.lastSuccess().keySet());
        names.addAll(totals.held().keySet());
        try {
            names.addAll(activations.get());
        } catch (RuntimeException e) {
            // a workspace with problems: the activations of the history only
        }
        return names;
    }

    private static MetricSnapshots snapshots(RunTotals.Totals totals, Collection<String> names) {
        CounterSnapshot.Builder runs = CounterSnapshot.builder().name("sluice_runs")
                .help("Runs that ended, by activation and status, recorded by any process sharing the state folder");
        CounterSnapshot.Builder read = CounterSnapshot.builder().name("sluice_rows_read")
                .help("Rows read from the source by runs that ended, recorded by any process sharing the state folder");
        Map<String, Long> readBy = new java.util.TreeMap<>();
        for (RunTotals.Ended ended : totals.ended()) {
            runs.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("activation", ended.activation(), "status", ended.status())).value(ended.runs()).build());
            readBy.merge(ended.activation(), ended.rowsRead(), Long::sum);
        }
        readBy.forEach((activation, rows) -> read.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("activation", activation)).value(rows).build()));
        CounterSnapshot.Builder bytes = CounterSnapshot.builder().name("sluice_bytes_published")
                .help("Bytes of the files published by succeeded runs (manifests included)");
        totals.bytesPublished().forEach((activation, b) -> bytes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("activation", activation)).value(b).build()));
        HistogramSnapshot.Builder durations = HistogramSnapshot.builder().name("sluice_run_duration_seconds")
                .help("How long runs took, from start to end (succeeded, failed and held runs)");
        double[] bounds = new double[DURATION_BOUNDS.length + 1];
        System.arraycopy(DURATION_BOUNDS, 0, bounds, 0, DURATION_BOUNDS.length);
        bounds[DURATION_BOUNDS.length] = Double.POSITIVE_INFINITY;
        totals.durations().forEach((activation, d) -> durations.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .labels(Labels.of("activation", activation)).classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, d.buckets()))
                .sum(d.sum()).build()));
        GaugeSnapshot.Builder lastSuccess = GaugeSnapshot.builder().name("sluice_last_success_timestamp_seconds")
                .help("When the activation's last succeeded run ended, in Unix seconds (0: never)");
        GaugeSnapshot.Builder held = GaugeSnapshot.builder().name("sluice_runs_held")
                .help("1 when the activation's latest run ended held (waiting for --accept-held), else 0");
        for (String activation : names) {
            Labels labels = Labels.of("activation", activation);
            lastSuccess.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                    .value(totals.lastSuccess().getOrDefault(activation, 0L) / 1000.0).build());
            held.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                    .value(Boolean.TRUE.equals(totals.held().get(activation)) ? 1 : 0).build());
        }
        return MetricSnapshots.of(runs.build(), read.build(), bytes.build(), durations.build(), lastSuccess.build(), held.build());
    }
}
