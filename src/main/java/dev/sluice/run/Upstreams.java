package dev.sluice.run;

import dev.sluice.history.Pauses;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import dev.sluice.workspace.Activation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether an activation with {@code after} may run: when every activation it names has succeeded
 * since its own last run (the last one that was not skipped), and none of them has failed or been
 * held since its last success. What it waits for otherwise, in words, from the run history (runs of
 * every process: the server, {@code sluice run}, other hosts sharing the state folder).
 */
public final class Upstreams {
    /**
     * {@code ready}: every upstream activation has succeeded since the activation's last run;
     * {@code reason}: what it waits for (null when ready or when it has no {@code after});
     * {@code since}: since when it waits: the end of the first upstream run after its own last run
     * (null when nothing has happened upstream since, or when it is ready).
     */
    public record State(boolean ready, String reason, Instant since) {
        static final State NONE = new State(false, null, null);
    }

    private Upstreams() {}

    /** The state of {@code activation}'s upstream activations; for one without {@code after}: not ready, no reason. */
    public static State of(RunStore store, Activation activation) {
        if (activation.after().isEmpty()) {
            return State.NONE;
        }
        Optional<RunRecord> own = lastEnded(store, activation.name(), true);
        Instant ownStart = own.map(RunRecord::startedAt).orElse(null);
        List<String> reasons = new ArrayList<>();
        Instant since = null;
        Pauses pauses = new Pauses(store.database());
        for (String name : activation.after()) {
            Optional<RunRecord> last = lastEnded(store, name, false);
            String paused = pauses.get(name).isPresent() ? " (" + name + " is paused)" : "";
            if (last.isEmpty()) {
                reasons.add("waits for " + name + ", which has not run yet" + paused);
                continue;
            }
            RunRecord run = last.get();
            Instant end = run.endedAt() != null ? run.endedAt() : run.startedAt();
            boolean after = ownStart == null || end.isAfter(ownStart);
            if (after) {
                since = since == null || end.isBefore(since) ? end : since;
            }
            if (run.status() == RunStatus.SUCCEEDED && after) {
                continue;
            }
            if (run.status() != RunStatus.SUCCEEDED && after) {
                reasons.add("waits: " + name + "'s run " + run.id() + " " + run.status().json() + " at " + end
                        + "; it runs once " + name + " succeeds" + paused);
            } else {
                reasons.add("waits for a new successful run of " + name + " (its last run, " + run.id() + ", "
                        + run.status().json() + " at " + end
                        + ", before " + activation.name() + "'s last run " + own.map(RunRecord::id).orElse("") + ")" + paused);
            }
        }
        if (reasons.isEmpty()) {
            return new State(true, null, null);
        }
        return new State(false, String.join("; ", reasons), since);
    }

    /**
     * The latest run of {@code activation} that ended (succeeded, failed or held); {@code orRunning}:
     * a run going counts as well (its start is what the upstream runs are compared with).
     */
    private static Optional<RunRecord> lastEnded(RunStore store, String activation, boolean orRunning) {
        for (RunRecord run : store.list(activation, 100)) {
            RunStatus status = run.status();
            if (status == RunStatus.SUCCEEDED || status == RunStatus.FAILED || status == RunStatus.HELD
                    || orRunning && status == RunStatus.RUNNING) {
                return Optional.of(run);
            }
        }
        return Optional.empty();
    }
}
