package dev.sluice.notify;

import java.util.Locale;
import java.util.Optional;

/**
 * What a notification can be sent on: the end status of a run ({@code failed}, {@code held},
 * {@code succeeded}), {@code recovered}, the first success after one or more failed or held runs,
 * and {@code verify_failed}, a verification ({@code sluice verify} or a scheduled check) that found
 * the destination different from what was published, and {@code paused}: a run that paused its
 * activation ({@code pause_after_failures}).
 */
public enum NotifyEvent {
    FAILED, HELD, SUCCEEDED, RECOVERED, VERIFY_FAILED, PAUSED;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The event of a run that ended with this status ({@code failed}, {@code held}, {@code succeeded}); empty for others. */
    public static Optional<NotifyEvent> ofStatus(String status) {
        return switch (status) {
            case "failed" -> Optional.of(FAILED);
            case "held" -> Optional.of(HELD);
            case "succeeded" -> Optional.of(SUCCEEDED);
            default -> Optional.empty();
        };
    }
}
