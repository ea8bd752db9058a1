package dev.sluice.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What became of one notification of a run: {@code status} is {@code delivered} or {@code failed},
 * {@code error} the (redacted) reason of the last failed attempt, {@code at} when it was settled.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Delivery(String name, String type, String event, String status, int attempts, String error, Instant at) {
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    public boolean delivered() {
        return DELIVERED.equals(status);
    }
}
