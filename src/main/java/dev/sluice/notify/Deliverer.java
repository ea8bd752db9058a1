package dev.sluice.notify;

import dev.sluice.error.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Delivers a notice with bounded retries: attempts go on, with a growing pause between them, until
 * one succeeds, one fails for a reason that will not change, or the notifier's {@code timeout} has
 * passed. Never throws: what became of it is the returned {@link Delivery}.
 */
public final class Deliverer {
    /** Pauses between attempts; tests may pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Duration MIN_PAUSE = Duration.ofMillis(100);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    private final Clock clock;
    private final Sleeper sleeper;

    public Deliverer(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public static Deliverer system() {
        return new Deliverer(Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    public Delivery deliver(Notifier notifier, Notice notice) {
        Duration timeout = notifier.settings().timeout();
        Instant deadline = clock.instant().plus(timeout);
        // The first pause is a sixteenth of the time allowed (between 0.1 s and 1 s), then doubles up to 10 s.
        Duration pause = clamp(timeout.dividedBy(16), MIN_PAUSE, Duration.ofSeconds(1));
        int attempts = 0;
        String error;
        while (true) {
            attempts++;
            Duration left = Duration.between(clock.instant(), deadline);
            try {
                notifier.send(notice, left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left);
                return settle(notifier, notice, Delivery.DELIVERED, attempts, null);
            } catch (DeliveryFailure failure) {
                error = Secrets.redact(failure.getMessage());
                if (!failure.retryable()) {
                    break;
                }
            } catch (RuntimeException e) {
                error = Secrets.redact("internal error: " + e);
                break;
            }
            if (clock.instant().plus(pause).isAfter(deadline)) {
                error += " (gave up after " + attempts + (attempts == 1 ? " attempt" : " attempts") + " within the timeout of "
                        + timeout.toSeconds() + "s)";
                break;
            }
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error += " (interrupted)";
                break;
            }
            pause = clamp(pause.multipliedBy(2), MIN_PAUSE, MAX_PAUSE);
        }
        return settle(notifier, notice, Delivery.FAILED, attempts, error);
    }

    private Delivery settle(Notifier notifier, Notice notice, String status, int attempts, String error) {
        return new Delivery(notifier.name(), notifier.type(), notice.event(), status, attempts, error, clock.instant());
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }
}
