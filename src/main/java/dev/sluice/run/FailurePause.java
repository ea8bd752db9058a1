package dev.sluice.run;

import dev.sluice.history.Pauses;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import dev.sluice.workspace.Activation;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code pause_after_failures: N}: after N failed or held runs of an activation in a row (skipped
 * runs neither count nor break the streak) it is paused, with the pauses {@code sluice pause} makes
 * ({@link Pauses}); a run that succeeds lifts such a pause (never one a person made). Resumed while
 * still failing, it is paused again after N more failed runs.
 */
public final class FailurePause {
    /** How the pauses this rule makes are signed ({@code paused_by}): "sluice after 3 failed runs in a row". */
    static final String BY = "sluice after ";

    /** What a run's end did: {@code streak} counts the failed or held runs in a row up to it (0 for a success). */
    public record Outcome(int streak, boolean paused, boolean resumed) {
        static final Outcome NONE = new Outcome(0, false, false);
    }

    private FailurePause() {}

    /** Applies the rule after {@code record} (the run's final record) ended. */
    public static Outcome after(RunStore store, Activation activation, RunRecord record, Instant at) {
        Pauses pauses = new Pauses(store.database());
        if (record.status() == RunStatus.SUCCEEDED) {
            Optional<Pauses.Pause> pause = pauses.get(activation.name());
            boolean resumed = pause.isPresent() && byThisRule(pause.get()) && pauses.resume(activation.name());
            return new Outcome(0, false, resumed);
        }
        if (record.status() != RunStatus.FAILED && record.status() != RunStatus.HELD) {
            return Outcome.NONE;
        }
        int streak = failedBefore(store, record) + 1;
        Integer limit = activation.pauseAfterFailures();
        boolean paused = limit != null && streak % limit == 0 && pauses.get(activation.name()).isEmpty()
                && pauses.pause(activation.name(), at, BY + streak + " failed runs in a row");
        return new Outcome(streak, paused, false);
    }

    /** Whether {@code pause} was made by this rule (not by a person). */
    public static boolean byThisRule(Pauses.Pause pause) {
        return pause.by() != null && pause.by().startsWith(BY);
    }

    /** How many failed or held runs of the activation came right before this one (skipped and running ones aside). */
    static int failedBefore(RunStore store, RunRecord record) {
        int count = 0;
        for (RunRecord earlier : store.list(record.activation(), 500)) {
            RunStatus status = earlier.status();
            if (earlier.id().equals(record.id()) || status == RunStatus.SKIPPED || status == RunStatus.RUNNING
                    || earlier.startedAt().isAfter(record.startedAt())) {
                continue;
            }
            if (status == RunStatus.FAILED || status == RunStatus.HELD) {
                count++;
            } else {
                break;
            }
        }
        return count;
    }
}
