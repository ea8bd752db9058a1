package dev.sluice.run;

import dev.sluice.history.NotificationLog;

import dev.sluice.history.RunStore;

import dev.sluice.config.DurationText;
import dev.sluice.error.Secrets;
import dev.sluice.notify.Deliverer;
import dev.sluice.notify.Delivery;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Delivers the notifications of ended runs on worker threads of their own, so that a slow or silent
 * receiver never holds a run, its activation or a run slot of the server. What became of each is
 * recorded in the run history, whatever happens:
 *
 * <ul>
 * <li>a delivery is given its entry's {@code timeout} plus {@link #SLACK}; one still going after that
 * is recorded as failed ("gave up …") and its worker interrupted;</li>
 * <li>the notifications of a run go one after the other, in the order of the workspace; those of at
 * most {@link #CAPACITY} runs wait for a worker: notifications that find the queue full are recorded
 * as failed at once ("not sent: … full");</li>
 * <li>{@link #stop} waits a bounded time, then records every delivery not yet settled as failed with
 * the reason given ("server stopped …").</li>
 * </ul>
 */
public final class Deliveries implements AutoCloseable {
    /** Runs whose notifications are delivered at once. */
    public static final int WORKERS = 2;
    /** Runs whose notifications may wait for a worker. */
    public static final int CAPACITY = 100;
    /** Beyond its {@code timeout}, the time a delivery's last attempt may take to finish. */
    public static final Duration SLACK = Duration.ofSeconds(2);

    private final Path stateDir;
    private final Clock clock;
    private final Consumer<String> log;
    private final Deliverer deliverer;
    private final int capacity;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService watchdog;
    private final Set<Job> pending = ConcurrentHashMap.newKeySet();
    /** Per run, its last batch submitted: the next batch of the run waits for it. */
    private final Map<String, CompletableFuture<Void>> lastOfRun = new ConcurrentHashMap<>();
    private final Object settled = new Object();
    private Runnable onUndelivered = () -> { };
    private volatile String stopped;

    /** One notification on its way; settled exactly once, by its worker, its deadline or a stop. */
    private static final class Job {
        private static final AtomicLong SEQUENCE = new AtomicLong();
        final long seq = SEQUENCE.incrementAndGet();
        final Outgoing outgoing;
        final AtomicBoolean done = new AtomicBoolean();
        Thread worker; // guarded by this

        Job(Outgoing outgoing) {
            this.outgoing = outgoing;
        }

        synchronized boolean started() {
            return worker != null;
        }

        synchronized void interrupt() {
            if (worker != null) {
                worker.interrupt();
            }
        }
    }

    /** Deliveries recorded in the history under {@code stateDir}, with {@link #WORKERS} workers and room for {@link #CAPACITY}. */
    public Deliveries(Path stateDir, Clock clock, Consumer<String> log) {
        this(stateDir, clock, log, Deliverer.system(), WORKERS, CAPACITY);
    }

    public Deliveries(Path stateDir, Clock clock, Consumer<String> log, Deliverer deliverer, int workers, int capacity) {
        this.stateDir = stateDir;
        this.clock = clock;
        this.log = line -> log.accept(Secrets.redact(line));
        this.deliverer = deliverer;
        this.capacity = capacity;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workers, workers, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "sluice-notify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.workers.allowCoreThreadTimeOut(true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-notify-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    /** This, calling {@code counter} for every notification that could not be delivered (the server's metric). */
    public Deliveries countingUndelivered(Runnable counter) {
        this.onUndelivered = counter;
        return this;
    }

    /**
     * Hands the notifications of one run to the workers and returns at once: they are delivered one
     * after the other, in the order given. When the queue is full they are recorded as failed.
     */
    public void submit(List<Outgoing> outgoing) {
        List<Job> jobs = outgoing.stream().map(Job::new).toList();
        if (jobs.isEmpty()) {
            return;
        }
        pending.addAll(jobs);
        // A run's batches go in the order given (its OpenLineage START, handed over as it started,
        // before its end): a batch waits for the run's batch before it. Workers take batches in the
        // order submitted, so the one waited for has always been taken already.
        String run = outgoing.get(0).run();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> before = run == null ? null : lastOfRun.put(run, done);
        String reason = stopped;
        if (reason == null) {
            try {
                workers.execute(() -> {
                    try {
                        if (before != null) {
                            before.join();
                        }
                        jobs.forEach(this::deliver);
                    } finally {
                        done.complete(null);
                        if (run != null) {
                            lastOfRun.remove(run, done);
                        }
                    }
                });
                return;
            } catch (RejectedExecutionException e) {
                done.complete(null);
                reason = stopped != null ? stopped : "the queue of notifications waiting to be delivered was full (the notifications of "
                        + capacity + (capacity == 1 ? " run were" : " runs were") + " waiting: the receivers are slow or down)";
            }
        }
        for (Job job : jobs) {
            settle(job, failed(job.outgoing, 0, "not sent: " + reason));
        }
    }

    /** How many notifications are queued or being delivered. */
    public int pending() {
        return pending.size();
    }

    /**
     * The longest the deliveries pending now can take to settle by themselves: each one's timeout
     * and {@link #SLACK}, one after the other.
     */
    public Duration longestWait() {
        return pending.stream().map(j -> j.outgoing.notifier().settings().timeout().plus(SLACK)).reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * Waits up to {@code max} for the deliveries pending to settle, then records each one still
     * pending as failed with {@code reason}, and takes no more (later ones are recorded as not sent,
     * with that reason). How many were cut short.
     */
    public int stop(Duration max, String reason) {
        long deadline = System.nanoTime() + Math.max(0, max.toNanos());
        synchronized (settled) {
            long left;
            while (!pending.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(settled, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        stopped = reason; // from here, no delivery starts
        int cut = 0;
        for (Job job : pending.stream().sorted(Comparator.comparingLong(j -> j.seq)).toList()) {
            if (settle(job, failed(job.outgoing, job.started() ? 1 : 0, reason))) {
                job.interrupt();
                cut++;
            }
        }
        workers.shutdownNow();
        watchdog.shutdownNow();
        return cut;
    }

    /** Stops at once: whatever is pending is recorded as failed ("sluice stopped"). */
    @Override
    public void close() {
        if (stopped == null) {
            stop(Duration.ZERO, "not delivered: Sluice stopped first");
        }
    }

    private void deliver(Job job) {
        synchronized (job) {
            if (job.done.get() || stopped != null) {
                return; // cut while it waited
            }
            job.worker = Thread.currentThread();
        }
        Duration timeout = job.outgoing.notifier().settings().timeout();
        Duration allowed = timeout.plus(SLACK);
        ScheduledFuture<?> expiry = null;
        try {
            expiry = watchdog.schedule(() -> {
                if (settle(job, failed(job.outgoing, 1, "gave up after " + DurationText.format(allowed) + ": no outcome within the timeout of "
                        + DurationText.format(timeout) + " (the receiver is too slow, or keeps the connection open without answering)"))) {
                    job.interrupt();
                }
            }, allowed.toMillis(), TimeUnit.MILLISECONDS);
            settle(job, deliverer.deliver(job.outgoing.notifier(), job.outgoing.notice()));
        } catch (RejectedExecutionException stopping) {
            // stop() settles it
        } finally {
            if (expiry != null) {
                expiry.cancel(false);
            }
            synchronized (job) {
                job.worker = null;
            }
            Thread.interrupted(); // an interrupt meant for this delivery is not carried to the next one
        }
    }

    private Delivery failed(Outgoing o, int attempts, String error) {
        return new Delivery(o.notifier().name(), o.notifier().type(), o.notice().event(), Delivery.FAILED, attempts, error, clock.instant());
    }

    /** Records what became of {@code job}, unless it was already settled; whether this settled it. */
    private boolean settle(Job job, Delivery delivery) {
        if (!job.done.compareAndSet(false, true)) {
            return false;
        }
        Outgoing o = job.outgoing;
        try {
            String what = "notification " + o.notifier().name() + " (" + o.notifier().type() + ", " + delivery.event() + ")";
            log.accept(o.activation() + ": " + (delivery.delivered() ? what + " delivered"
                    : "warning: " + what + " of run " + o.run() + " not delivered: " + delivery.error()));
            if (!delivery.delivered()) {
                onUndelivered.run();
            }
            try (RunStore store = new RunStore(stateDir)) {
                new NotificationLog(store.database()).notified(o.run(), delivery);
            } catch (RuntimeException e) {
                log.accept(o.activation() + ": warning: the delivery of notification " + o.notifier().name() + " of run " + o.run()
                        + " could not be recorded: " + e.getMessage());
            }
        } finally {
            pending.remove(job);
            synchronized (settled) {
                settled.notifyAll();
            }
        }
        return true;
    }
}
