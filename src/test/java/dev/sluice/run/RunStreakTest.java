package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.Counts;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history's count of runs since the latest run of other statuses: the overview's failures in a row and held runs. */
class RunStreakTest {
    @TempDir
    Path state;

    private static RunRecord run(String id, String activation, String at, RunStatus status) {
        Instant start = Instant.parse(at);
        RunRecord started = RunRecord.started(id, activation, "manual", start);
        Instant end = start.plusMillis(100);
        return switch (status) {
            case SUCCEEDED -> started.succeeded(end, Counts.ZERO, List.of(), List.of());
            case FAILED -> started.failed(end, Counts.ZERO, List.of(), "boom");
            case HELD -> started.held(end, Counts.ZERO, "min_rows broken");
            case SKIPPED -> RunRecord.skipped(id, activation, "schedule", start, "a run was going");
            default -> started;
        };
    }

    private static long failuresInARow(RunStore store, String activation) {
        return store.countSinceLatest(activation, RunStatus.FAILED, RunStatus.SUCCEEDED, RunStatus.HELD);
    }

    private static long held(RunStore store, String activation) {
        return store.countSinceLatest(activation, RunStatus.HELD, RunStatus.SUCCEEDED);
    }

    @Test
    void failuresCountFromTheLatestSuccessOrHoldAndSkippedRunsDoNotBreakTheStreak() {
        try (RunStore store = new RunStore(state)) {
            store.insert(run("a1", "a", "2026-11-30T10:00:00Z", RunStatus.FAILED));
            store.insert(run("a2", "a", "2026-11-30T11:00:00Z", RunStatus.SUCCEEDED));
            store.insert(run("a3", "a", "2026-11-30T12:00:00Z", RunStatus.FAILED));
            store.insert(run("a4", "a", "2026-11-30T13:00:00Z", RunStatus.SKIPPED));
            store.insert(run("a5", "a", "2026-11-30T14:00:00Z", RunStatus.FAILED));
            store.insert(run("a6", "a", "2026-11-30T15:00:00Z", RunStatus.RUNNING));
            store.insert(run("b1", "b", "2026-11-30T16:00:00Z", RunStatus.FAILED));
            assertThat(failuresInARow(store, "a")).isEqualTo(2);
            assertThat(held(store, "a")).isZero();
            assertThat(failuresInARow(store, "b")).as("never succeeded: every failure counts").isEqualTo(1);
            assertThat(failuresInARow(store, "nobody")).isZero();

            store.insert(run("a7", "a", "2026-11-30T17:00:00Z", RunStatus.HELD));
            assertThat(failuresInARow(store, "a")).as("a hold ends the streak").isZero();
            assertThat(held(store, "a")).isEqualTo(1);
        }
    }

    @Test
    void heldRunsCountUntilARunSucceeds() {
        try (RunStore store = new RunStore(state)) {
            store.insert(run("h1", "h", "2026-11-30T10:00:00Z", RunStatus.HELD));
            store.insert(run("h2", "h", "2026-11-30T11:00:00Z", RunStatus.SUCCEEDED));
            store.insert(run("h3", "h", "2026-11-30T12:00:00Z", RunStatus.HELD));
            store.insert(run("h4", "h", "2026-11-30T13:00:00Z", RunStatus.FAILED));
            store.insert(run("h5", "h", "2026-11-30T14:00:00Z", RunStatus.HELD));
            assertThat(held(store, "h")).isEqualTo(2);
            assertThat(failuresInARow(store, "h")).isZero();
            store.insert(run("h6", "h", "2026-11-30T15:00:00Z", RunStatus.SUCCEEDED));
            assertThat(held(store, "h")).isZero();
        }
    }

    /** Instant text leaves out zero digits: "…:00Z" sorts after "…:00.5Z" as text, though it is earlier. */
    @Test
    void runsWithinOneSecondAreTakenInTheOrderTheyStarted() {
        try (RunStore store = new RunStore(state)) {
            store.insert(run("c1", "c", "2026-11-30T17:00:00Z", RunStatus.FAILED));
            store.insert(run("c2", "c", "2026-11-30T17:00:00.500Z", RunStatus.SUCCEEDED));
            store.insert(run("c3", "c", "2026-11-30T17:00:00.500100Z", RunStatus.FAILED));
            assertThat(failuresInARow(store, "c")).isEqualTo(1);
        }
    }
}
