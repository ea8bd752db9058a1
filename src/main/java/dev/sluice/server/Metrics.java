package dev.sluice.server;

import dev.sluice.history.Verification;
import dev.sluice.run.RunEvent;
import dev.sluice.run.RunListener;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's Prometheus metrics, served at {@code GET /metrics} (see docs/server.md): runs by
 * activation and status, rows read, bytes published, run durations, the last success and held runs
 * per activation, read from the run history at each scrape, so that runs of every process sharing
 * the state folder count ({@link HistoryMetrics}); rows written and bytes uploaded by this server's
 * runs as they go, notification failures and scheduler lag. Micrometer's Prometheus registry keeps
 * and renders them.
 */
public final class Metrics {
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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

    /**
     * Reads the run metrics from the run history of {@code stateDir} at every scrape
     * ({@link HistoryMetrics}): runs of every process sharing it are counted. {@code activations}: the
     * workspace's activations now.
     */
    public void readHistory(java.nio.file.Path stateDir, java.util.function.Supplier<Collection<String>> activations) {
        registry.getPrometheusRegistry().register(new HistoryMetrics(stateDir, activations));
    }

    /**
     * Counts a run of this server's as it goes, from its events: rows written to files and bytes
     * uploaded, so that a long run shows in the counters before it ends.
     */
    public RunListener counting(String activation) {
        Counter written = Counter.builder("sluice.rows.written").description("Rows written to files").tag("activation", activation)
                .register(registry);
        Counter uploaded = Counter.builder("sluice.bytes.uploaded").description("Bytes uploaded to destinations, by runs of any outcome")
                .tag("activation", activation).register(registry);
        return event -> {
            if (event instanceof RunEvent.FileWritten f) {
                written.increment(f.rows());
            } else if (event instanceof RunEvent.FileUploaded u) {
                uploaded.increment(u.bytes());
            }
        };
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
