package dev.sluice.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a run's time goes: each phase (recover, engine, read, detect, write, stage, commit, publish) from
 * its start to the start of the next, in milliseconds, kept in the run record and shown by
 * {@code sluice run --debug}, so that a slow run can be explained without a profiler.
 */
final class Phases {
    private final Map<String, Long> done = new LinkedHashMap<>();
    private String current;
    private long since;

    /** Ends the phase going, if any, and starts {@code name}. */
    void begin(String name) {
        end();
        current = name;
        since = System.nanoTime();
    }

    /** Ends the phase going; what was measured so far. */
    Map<String, Long> end() {
        if (current != null) {
            done.merge(current, (System.nanoTime() - since) / 1_000_000, Long::sum);
            current = null;
        }
        return new LinkedHashMap<>(done);
    }
}
