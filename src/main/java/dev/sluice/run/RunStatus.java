package dev.sluice.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a run is: going, done, failed, skipped by the scheduler because another was going, or held
 * by a guard (nothing published, snapshot kept).
 */
public enum RunStatus {
    RUNNING, SUCCEEDED, FAILED, SKIPPED, HELD;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
