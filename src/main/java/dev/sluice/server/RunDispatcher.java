package dev.sluice.server;

import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import dev.sluice.run.RunIds;
import dev.sluice.run.RunLock;
import dev.sluice.history.RunRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Starts runs on a bounded pool of threads, never two of one activation at once. A run asked for
 * by a user while one is going is refused ({@link Busy}, HTTP 409); a scheduled run that finds one
 * going is recorded as skipped. The run id is chosen here, so that callers get it at once.
 */
public final class RunDispatcher implements AutoCloseable {
    public static final String MANUAL = "manual";
    public static final String SCHEDULE = "schedule";
    /** The trigger of a run started because the activations it runs {@code after} have succeeded. */
    public static final String AFTER = "after";

    /**
     * Runs one activation to its end; records the run itself. {@code acceptHeld}: the guards are
     * lifted for this run. What it gives {@code whenFree} runs once the activation is free again
     * (the run's notifications), also when it throws.
     */
    @FunctionalInterface
    public interface Execution {
        void run(String activation, String runId, String trigger, boolean acceptHeld, boolean fullResync, Consumer<Runnable> whenFree);
    }

    /** Records runs that did not start: skipped ones, and failures before the run could record itself. */
    public interface Recorder {
        void record(RunRecord record);

        boolean exists(String runId);
    }

    /** A run that is waiting for a free thread or going. */
    public record Active(String id, String activation, String trigger, boolean started) {}

    private final Execution execution;
    private final Recorder recorder;
    private final Predicate<String> lockedElsewhere;
    private final Clock clock;
    private final Consumer<String> log;
    private final ExecutorService pool;
    private final Map<String, Active> active = new ConcurrentHashMap<>();

    /**
     * @param lockedElsewhere whether another process (a {@code sluice run}) is running the activation
     * @param threads how many runs may go at once
     */
    public RunDispatcher(Execution execution, Recorder recorder, Predicate<String> lockedElsewhere, Clock clock,
            int threads, Consumer<String> log) {
        this.execution = execution;
        this.recorder = recorder;
        this.lockedElsewhere = lockedElsewhere;
        this.clock = clock;
        this.log = log;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sluice-run-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        });
    }

    /** Whether another process holds the activation's run lock (probed by taking it briefly). */
    public static Predicate<String> lockProbe(java.nio.file.Path stateDir) {
        return activation -> {
            try (RunLock ignored = RunLock.acquire(stateDir, activation)) {
                return false;
            } catch (RunLock.Busy e) {
                return true;
            }
        };
    }

    /** Starts a run asked for by a user; its id. {@link Busy} when one of the activation is going. */
    public String start(String activation) {
        return start(activation, false);
    }

    /** As {@link #start(String)}; {@code acceptHeld} lifts the activation's guards for this run. */
    public String start(String activation, boolean acceptHeld) {
        return start(activation, acceptHeld, false);
    }

    /** As {@link #start(String, boolean)}; {@code fullResync} makes it a full run, as {@code sluice run --full-resync}. */
    public String start(String activation, boolean acceptHeld, boolean fullResync) {
        String id = RunIds.next(clock.instant());
        Optional<String> going = claim(activation, id, MANUAL);
        if (going.isPresent()) {
            throw new Busy(activation, going.get());
        }
        submit(activation, id, MANUAL, acceptHeld, fullResync);
        return id;
    }

    /** Starts a scheduled run, or records it as skipped when a run of the activation is going. */
    public void scheduled(String activation, Instant due) {
        startOrSkip(activation, SCHEDULE, going -> "skipped: the run due at " + due + " found " + going + " still going");
    }

    /**
     * Starts a run of {@code activation} recorded with {@code trigger}; when a run of it is going,
     * records this one as skipped with the reason {@code skipped} gives for the run going instead.
     */
    private Started startOrSkip(String activation, String trigger, java.util.function.Function<String, String> skipped) {
        Instant now = clock.instant();
        String id = RunIds.next(now);
        Optional<String> going = claim(activation, id, trigger);
        if (going.isPresent()) {
            String reason = skipped.apply(going.get());
            log.accept(activation + ": " + reason);
            recorder.record(RunRecord.skipped(id, activation, trigger, now, reason));
            return new Started(id, false, reason);
        }
        submit(activation, id, trigger, false, false);
        return new Started(id, true, null);
    }

    /**
     * Starts a run because the activations it runs after have succeeded; nothing (and false) when a
     * run of it is going: the next tick asks again.
     */
    public boolean afterUpstreams(String activation) {
        String id = RunIds.next(clock.instant());
        if (claim(activation, id, AFTER).isPresent()) {
            return false;
        }
        submit(activation, id, AFTER, false, false);
        return true;
    }

    /**
     * Starts a run asked for from outside ({@code trigger} as recorded: {@code dbt_cloud job N run M},
     * {@code hook NAME}); its id. When a run of the activation is going, records this one as skipped
     * (as a scheduled run) and gives its id too: the caller says which.
     */
    public Started triggered(String activation, String trigger) {
        return startOrSkip(activation, trigger, going -> "skipped: started by " + trigger + ", it found " + going + " still going");
    }

    /** A run asked for from outside: its id, and whether it started (else it was recorded as skipped, and why). */
    public record Started(String id, boolean started, String skipped) {}

    /** Takes the activation for run {@code id}; what is going instead when it cannot. */
    private synchronized Optional<String> claim(String activation, String id, String trigger) {
        Active current = active.get(activation);
        if (current != null) {
            return Optional.of("run " + current.id() + (current.started() ? "" : " (waiting to start)"));
        }
        if (lockedElsewhere.test(activation)) {
            return Optional.of("a run in another process (sluice run)");
        }
        active.put(activation, new Active(id, activation, trigger, false));
        return Optional.empty();
    }

    private void submit(String activation, String id, String trigger, boolean acceptHeld, boolean fullResync) {
        try {
            pool.execute(() -> execute(activation, id, trigger, acceptHeld, fullResync));
        } catch (RejectedExecutionException e) {
            active.remove(activation);
            throw new SluiceException(ErrorKind.EXTERNAL, "the server is shutting down; no new runs start", e);
        }
    }

    /**
     * Runs the execution; then frees the activation, and only then runs what it left for that
     * moment. A run is shown as going until it is removed from {@link #active}, which comes after
     * its record is final and its lock released: whoever sees it ended can start the next one.
     */
    private void execute(String activation, String id, String trigger, boolean acceptHeld, boolean fullResync) {
        active.put(activation, new Active(id, activation, trigger, true));
        List<Runnable> whenFree = new ArrayList<>();
        try {
            execution.run(activation, id, trigger, acceptHeld, fullResync, whenFree::add);
        } catch (RuntimeException e) {
            String message = e instanceof SluiceException ? e.getMessage() : "internal error: " + e;
            log.accept(activation + ": run " + id + " failed: " + message);
            if (!recorder.exists(id)) {
                Instant now = clock.instant();
                RunRecord record = e instanceof RunLock.Busy
                        ? RunRecord.skipped(id, activation, trigger, now, "skipped: " + message)
                        : RunRecord.started(id, activation, trigger, now).failed(now, null, null, message);
                recorder.record(record);
            }
        } finally {
            active.remove(activation);
        }
        for (Runnable then : whenFree) {
            try {
                then.run();
            } catch (RuntimeException e) {
                log.accept(activation + ": after run " + id + ": internal error: " + e);
            }
        }
    }

    /** The run of {@code activation} waiting or going, if any. */
    public Optional<Active> activeRun(String activation) {
        return Optional.ofNullable(active.get(activation));
    }

    /**
     * Whether run {@code id} is waiting or going: until it is not, it is shown as such, even once its
     * record is final (its activation is not free yet).
     */
    public boolean holds(String id) {
        return activeRunById(id).isPresent();
    }

    /** The run with this id, if it is waiting or going. */
    public Optional<Active> activeRunById(String id) {
        return active.values().stream().filter(a -> a.id().equals(id)).findFirst();
    }

    /**
     * Starts no more runs and waits up to {@code grace} for those going to end. Runs still going
     * after that are left to the process's end: their snapshot is untouched, and the next run of the
     * activation cleans up after them as after a killed run. Whether all ended in time.
     */
    public boolean shutdown(Duration grace) {
        pool.shutdown();
        try {
            return pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    /** A run of the activation is going: HTTP 409. */
    public static final class Busy extends SluiceException {
        private static final long serialVersionUID = 1L;
        private final String activation;

        Busy(String activation, String going) {
            super(ErrorKind.USER, "activation " + activation + " is already running (" + going + "); "
                    + "wait for it to finish", null);
            this.activation = activation;
        }

        public String activation() {
            return activation;
        }
    }
}
