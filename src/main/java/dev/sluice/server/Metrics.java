package dev.sluice.server;

import dev.sluice.history.FileRecord;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import dev.sluice.history.Verification;
import dev.sluice.run.RunEvent;
import dev.sluice.run.RunListener;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's Prometheus metrics, served at {@code GET /metrics} (see docs/server.md): runs by
 * activation and status, rows and bytes, run durations, the last success and held runs per
 * activation (seeded from the run history at start), notification failures and scheduler lag.
 * Rows read and written and bytes uploaded are counted from the runs' events as they go; the rest
 * when a run ends. Micrometer's Prometheus registry keeps and renders them.
 */
public final class Metrics {
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** Bucket bounds of the run duration histogram. */
    private static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(3)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Per activation: the end of its last succeeded run in epoch milliseconds (0: none known). */
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    /** Per activation: 1 when its latest run ended held, else 0. */
    private final Map<String, AtomicLong> held = new ConcurrentHashMap<>();
    private final AtomicLong schedulerLagMillis = new AtomicLong();
    /** Per activation and kind of finding: how many its last recorded verification found. */
    private final Map<String, AtomicLong> verifyFindings = new ConcurrentHashMap<>();
    /** Per activation: when its last recorded verification ran, in epoch milliseconds. */
    private final Map<String, AtomicLong> verifiedAt = new ConcurrentHashMap<>();
    /** Brings the gauges read from the history up to date before each scrape. */
    private volatile Runnable beforeScrape = () -> { };

    public Metrics() {
        Gauge.builder("sluice.scheduler.lag", schedulerLagMillis, v -> v.get() / 1000.0)
                .description("How late the scheduler started the last due run, after its due time")
                .baseUnit("seconds").register(registry);
        Counter.builder("sluice.notification.failures").description("Notifications that could not be delivered")
                .register(registry);
    }

    /** Seeds the per-activation gauges from the run history, so that they are right after a restart. */
    public void seed(RunStore store, Collection<String> activations) {
        for (String activation : activations) {
            List<RunRecord> succeeded = store.page(new RunStore.Filter(activation, RunStatus.SUCCEEDED, null), 1, 0).runs();
            Instant end = succeeded.isEmpty() ? null : succeeded.get(0).endedAt();
            lastSuccess(activation).set(end == null ? 0 : end.toEpochMilli());
            List<RunRecord> latest = store.list(activation, 1);
            held(activation).set(!latest.isEmpty() && latest.get(0).status() == RunStatus.HELD ? 1 : 0);
        }
    }

    /** Counts a run that ended (succeeded, failed, held, or skipped by the scheduler). */
    public void recordRun(RunRecord record) {
        String activation = record.activation();
        String status = record.status().json();
        Counter.builder("sluice.runs").description("Runs that ended, by activation and status")
                .tag("activation", activation).tag("status", status).register(registry).increment();
        if (record.status() == RunStatus.SKIPPED) {
            return;
        }
        if (record.status() == RunStatus.SUCCEEDED) {
            long bytes = record.files().stream().mapToLong(FileRecord::bytes).sum();
            Counter.builder("sluice.bytes.published").description("Bytes of the files published")
                    .tag("activation", activation).register(registry).increment(bytes);
            if (record.endedAt() != null) {
                lastSuccess(activation).set(record.endedAt().toEpochMilli());
            }
        }
        if (record.startedAt() != null && record.endedAt() != null) {
            Timer.builder("sluice.run.duration").description("How long runs took, from start to end")
                    .serviceLevelObjectives(DURATION_BUCKETS).tag("activation", activation).register(registry)
                    .record(Duration.between(record.startedAt(), record.endedAt()));
        }
        held(activation).set(record.status() == RunStatus.HELD ? 1 : 0);
    }

    /**
     * Counts a run of {@code activation} as it goes, from its events: rows read, rows written to files
     * and bytes uploaded, so that a long run shows in the counters before it ends.
     */
    public RunListener counting(String activation) {
        Counter read = Counter.builder("sluice.rows.read").description("Rows read from the source").tag("activation", activation)
                .register(registry);
        Counter written = Counter.builder("sluice.rows.written").description("Rows written to files").tag("activation", activation)
                .register(registry);
        Counter uploaded = Counter.builder("sluice.bytes.uploaded").description("Bytes uploaded to destinations, by runs of any outcome")
                .tag("activation", activation).register(registry);
        return event -> {
            if (event instanceof RunEvent.RowsRead r) {
                read.increment(r.rows());
            } else if (event instanceof RunEvent.FileWritten f) {
                written.increment(f.rows());
            } else if (event instanceof RunEvent.FileUploaded u) {
                uploaded.increment(u.bytes());
            }
        };
    }

    /** Counts a run that failed before it had a record of its own. */
    public void recordFailure(String activation) {
        Counter.builder("sluice.runs").description("Runs that ended, by activation and status")
                .tag("activation", activation).tag("status", RunStatus.FAILED.json()).register(registry).increment();
    }

    /** Counts a notification that could not be delivered. */
    public void notificationFailed() {
        registry.counter("sluice.notification.failures").increment();
    }

    /** Called before each scrape (the server reads the last verifications from the history there); its failures are not the scrape's. */
    public void beforeScrape(Runnable refresh) {
        this.beforeScrape = refresh;
    }

    /**
     * The last recorded verification of each activation ({@code sluice verify} or a scheduled check):
     * its findings by kind ({@code sluice_verify_findings}) and its time ({@code sluice_verify_timestamp_seconds}).
     */
    public void verified(Map<String, Verification> latest) {
        latest.forEach((activation, verification) -> {
            for (String kind : Verification.KINDS) {
                verifyFindings.computeIfAbsent(activation + "\u0000" + kind, key -> {
                    AtomicLong value = new AtomicLong();
                    Gauge.builder("sluice.verify.findings", value, AtomicLong::get)
                            .description("What the activation's last verification found, by kind (missing, changed, unpublished)")
                            .tag("activation", activation).tag("kind", kind).register(registry);
                    return value;
                }).set(verification.count(kind));
            }
            verifiedAt.computeIfAbsent(activation, a -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder("sluice.verify.timestamp", value, v -> v.get() / 1000.0)
                        .description("When the activation's last verification ran, in Unix seconds").baseUnit("seconds")
                        .tag("activation", a).register(registry);
                return value;
            }).set(verification.at().toEpochMilli());
        });
    }

    /** Records how late the scheduler started a due run. */
    public void schedulerLag(Duration lag) {
        schedulerLagMillis.set(Math.max(0, lag.toMillis()));
    }

    private AtomicLong lastSuccess(String activation) {
        return lastSuccess.computeIfAbsent(activation, a -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("sluice.last.success.timestamp", value, v -> v.get() / 1000.0)
                    .description("When the activation's last succeeded run ended, in Unix seconds (0: never)")
                    .baseUnit("seconds").tag("activation", a).register(registry);
            return value;
        });
    }

    private AtomicLong held(String activation) {
        return held.computeIfAbsent(activation, a -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("sluice.runs.held", value, AtomicLong::get)
                    .description("1 when the activation's latest run ended held (waiting for --accept-held), else 0")
                    .tag("activation", a).register(registry);
            return value;
        });
    }

    /** Per activation: 1 when it is paused (sluice pause, the API, pause_after_failures, enabled: false), else 0. */
    private final Map<String, AtomicLong> paused = new ConcurrentHashMap<>();
    /** Per activation with {@code after}: how long it has waited for its upstream activations, in milliseconds (0: not waiting). */
    private final Map<String, AtomicLong> waiting = new ConcurrentHashMap<>();

    /**
     * The state the scheduler sees of an activation ({@code sluice_activation_paused}), and for one
     * with {@code after}, how long it has waited for its upstream activations
     * ({@code sluice_activation_waiting_seconds}, from the end of the first upstream run after its own
     * last run; 0 when it does not wait).
     */
    public void activationState(String activation, boolean isPaused, Duration waited, boolean hasUpstream) {
        paused.computeIfAbsent(activation, a -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("sluice.activation.paused", value, AtomicLong::get)
                    .description("1 when the scheduler skips the activation: paused, or enabled: false; else 0")
                    .tag("activation", a).register(registry);
            return value;
        }).set(isPaused ? 1 : 0);
        if (hasUpstream) {
            waiting.computeIfAbsent(activation, a -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder("sluice.activation.waiting", value, v -> v.get() / 1000.0)
                        .description("How long the activation has waited for the activations it runs after (0: not waiting)")
                        .baseUnit("seconds").tag("activation", a).register(registry);
                return value;
            }).set(waited == null ? 0 : Math.max(0, waited.toMillis()));
        }
    }

    /** The metrics in the Prometheus text format, or OpenMetrics when the request accepts it. */
    String scrape(String accept) {
        return registry.scrape(openMetrics(accept) ? OPENMETRICS : TEXT);
    }

    static boolean openMetrics(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text");
    }

    void serve(Context ctx) {
        try {
            beforeScrape.run();
        } catch (RuntimeException e) {
            // the history could not be read: the verification gauges keep their last values
        }
        String accept = ctx.header("Accept");
        ctx.contentType(openMetrics(accept) ? OPENMETRICS : TEXT);
        ctx.result(scrape(accept));
    }
}
