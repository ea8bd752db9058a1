package dev.sluice.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per hook: {@code burst} requests at once, then one every {@code every}. Requests
 * with a bad signature count too, so that guessing is as slow as calling. Hooks the workspace does
 * not know share one bucket, so that made-up names cannot grow the table.
 */
final class HookLimiter {
    private final Clock clock;
    private final int burst;
    private final Duration every;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    HookLimiter(Clock clock, int burst, Duration every) {
        this.clock = clock;
        this.burst = burst;
        this.every = every;
    }

    /** Takes a token for {@code hook}; empty when there was one, else how long until the next. */
    java.util.Optional<Duration> take(String hook) {
        return buckets.computeIfAbsent(hook, h -> new Bucket(burst, clock.millis())).take(clock.millis(), burst, every.toMillis());
    }

    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(int tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized java.util.Optional<Duration> take(long now, int burst, long everyMillis) {
            tokens = Math.min(burst, tokens + Math.max(0, now - at) / (double) everyMillis);
            at = now;
            if (tokens >= 1) {
                tokens -= 1;
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(Duration.ofMillis((long) Math.ceil((1 - tokens) * everyMillis)));
        }
    }
}
