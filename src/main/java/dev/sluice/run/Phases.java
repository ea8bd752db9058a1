package dev.sluice.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a run's time goes: each phase (recover, engine, read, detect, write, stage, commit, publish) from
 * its start to the start of the next, in milliseconds, kept in the run record and shown by
 * {@code sluice run --debug}, so that a slow run can be explained without a profiler. The durations
 * are measured on the monotonic clock; the run's elapsed time (record, log, progress) on the Runner's.
 */
final class Phases {
    private final Map<String, Long> done = new LinkedHashMap<>();
    private final RunEvents events;
    private String current;
    private long since;

    /** {@code events}: where each phase's start is told ({@link RunEvent.PhaseStarted}). */
    Phases(RunEvents events) {
        this.events = events;
    }

    /** Ends the phase going, if any, and starts {@code name}. */
    void begin(String name) {
        end();
        current = name;
        since = System.nanoTime();
        events.phase(name);
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
