package dev.sluice.notify;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The end of one delivery attempt: connecting, the request and the whole answer must fit before it.
 * Socket timeouts alone bound each read, not their sum (a receiver sending one byte a second would
 * hold an attempt for ever), so {@link #watch} closes the connection when the time is up, which
 * ends whatever read or write is blocked on it.
 */
final class Deadline {
    private static final ScheduledThreadPoolExecutor CLOSER = closer();

    private final long endNanos;
    private final Duration length;
    private volatile boolean expired;

    private Deadline(Duration length) {
        this.length = length;
        this.endNanos = System.nanoTime() + length.toNanos();
    }

    static Deadline after(Duration length) {
        return new Deadline(length);
    }

    /** What the attempt was given, for messages. */
    Duration length() {
        return length;
    }

    /** {@link #length} for messages: {@code 3s}, {@code 2.8s}. */
    String lengthText() {
        long tenths = Math.round(length.toMillis() / 100.0);
        return tenths % 10 == 0 ? tenths / 10 + "s" : String.format(java.util.Locale.ROOT, "%.1fs", tenths / 10.0);
    }

    /** The time left, in milliseconds, at least 1 (0 means "no timeout" to sockets). */
    int remainingMillis() {
        long left = TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }

    boolean passed() {
        return expired || System.nanoTime() - endNanos >= 0;
    }

    /** Closes {@code connection} when the time is up, unless the returned watch is closed first. */
    Watch watch(Closeable connection) {
        long delay = endNanos - System.nanoTime();
        ScheduledFuture<?> task = CLOSER.schedule(() -> {
            expired = true;
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                // closing is all that can be done
            }
        }, Math.max(0, delay), TimeUnit.NANOSECONDS);
        return () -> task.cancel(false);
    }

    /** A scheduled close, cancelled by {@link #close}. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private static ScheduledThreadPoolExecutor closer() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "sluice-notify-deadline");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
