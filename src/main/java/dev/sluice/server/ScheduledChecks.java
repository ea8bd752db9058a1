package dev.sluice.server;

import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.error.SluiceException;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.Verification;
import dev.sluice.history.VerificationStore;
import dev.sluice.run.Deliveries;
import dev.sluice.run.RunLock;
import dev.sluice.run.Verifier;
import dev.sluice.run.VerifyNotifications;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The scheduled checks of {@code verify: {every}}: on each scheduler tick, the activations whose
 * check is due are verified one after the other on a thread of their own (never as runs, never two
 * checks of one activation at once). A check is due one interval after the activation's last
 * recorded verification (at once when it has none); one that finds a run going is tried again a
 * second later. Each outcome is recorded by the {@link Verifier}; what it found is logged and
 * handed to the notifications.
 */
final class ScheduledChecks {
    /** When a check that found the activation running is tried again. */
    static final Duration BUSY_RETRY = Duration.ofSeconds(1);

    private record Entry(Duration every, Instant due) {}

    private final Path stateDir;
    private final Clock clock;
    private final Consumer<String> log;
    private final Function<DestinationConfig, Destination> opener;
    private final Deliveries deliveries;
    private final String publicUrl;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Set<String> going = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-verify");
        t.setDaemon(true);
        return t;
    });

    ScheduledChecks(Path stateDir, Clock clock, Consumer<String> log, Function<DestinationConfig, Destination> opener,
            Deliveries deliveries, String publicUrl) {
        this.stateDir = stateDir;
        this.clock = clock;
        this.log = log;
        this.opener = opener;
        this.deliveries = deliveries;
        this.publicUrl = publicUrl;
    }

    /** Takes up the workspace's {@code verify} settings and starts the checks that are due. */
    void tick(Workspace workspace) {
        Instant now = clock.instant();
        Set<String> scheduled = new HashSet<>();
        for (Activation activation : workspace.activations().values()) {
            if (activation.verify() == null) {
                continue;
            }
            String name = activation.name();
            Duration every = activation.verify().every();
            scheduled.add(name);
            Entry entry = entries.compute(name, (n, known) -> known != null && known.every().equals(every) ? known
                    : new Entry(every, firstDue(n, every, now)));
            if (!entry.due().isAfter(now) && going.add(name)) {
                try {
                    worker.execute(() -> check(workspace, name, every));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    going.remove(name); // stopping
                }
            }
        }
        entries.keySet().retainAll(scheduled);
    }

    private Instant firstDue(String activation, Duration every, Instant now) {
        try (HistoryDatabase database = HistoryDatabase.open(stateDir)) {
            Optional<Verification> last = new VerificationStore(database).latest(activation);
            return last.map(v -> v.at().plus(every)).orElse(now);
        }
    }

    private void check(Workspace workspace, String name, Duration every) {
        try {
            Verification verification = new Verifier(workspace, stateDir, clock, opener).verify(name, "schedule");
            entries.computeIfPresent(name, (n, e) -> new Entry(e.every(), verification.at().plus(every)));
            log.accept(name + ": verification " + (verification.ok() ? "found every object as published (" + verification.checked()
                    + ")" : "found " + verification.findings().size() + " differences: " + verification.count(Verification.Finding.MISSING)
                    + " missing, " + verification.count(Verification.Finding.CHANGED) + " changed, "
                    + verification.count(Verification.Finding.UNPUBLISHED) + " unpublished (sluice verify " + name + ")"));
            deliveries.submit(VerifyNotifications.after(workspace, verification, publicUrl));
        } catch (RunLock.Busy busy) {
            entries.computeIfPresent(name, (n, e) -> new Entry(e.every(), clock.instant().plus(BUSY_RETRY)));
        } catch (RuntimeException e) {
            entries.computeIfPresent(name, (n, entry) -> new Entry(entry.every(), clock.instant().plus(every)));
            log.accept(name + ": the scheduled verification failed: " + (e instanceof SluiceException ? e.getMessage() : e.toString())
                    + "; tried again in " + dev.sluice.config.DurationText.format(every));
        } finally {
            going.remove(name);
        }
    }

    /** Starts no more checks; one going is interrupted. */
    void stop() {
        worker.shutdownNow();
    }
}
