package dev.sluice.history;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a run is: going, done, failed, skipped by the scheduler because another was going, or held
 * by a guard (nothing published, snapshot kept).
 */
public enum RunStatus {
    RUNNING, SUCCEEDED, FAILED, SKIPPED, HELD,
    /** A dry run: read and compared, nothing written, published or recorded (shown, never stored in the history). */
    DRY_RUN;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
