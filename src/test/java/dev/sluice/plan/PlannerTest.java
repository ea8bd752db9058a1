package dev.sluice.plan;

import static dev.sluice.plan.OutputContent.ADDED;
import static dev.sluice.plan.OutputContent.ADDED_OR_UPDATED;
import static dev.sluice.plan.OutputContent.ALL;
import static dev.sluice.plan.OutputContent.NOTHING;
import static dev.sluice.plan.OutputContent.REMOVED;
import static dev.sluice.plan.OutputContent.UPDATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every combination of run type × sync mode × has-snapshot × --full-resync × stale snapshot, against
 * the table of SPEC §3, written out here by hand rather than derived from the planner's code.
 */
class PlannerTest {
    private static final String STALE = "the mapping changed";

    /** One row of the table: the inputs and what the plan must be (null outputs: the combination is invalid). */
    record Case(RunType runType, SyncMode mode, boolean hasSnapshot, boolean fullResync, boolean stale,
            RunKind kind, List<PlannedOutput> outputs, String reason) {
        @Override
        public String toString() {
            return runType + "×" + mode + (hasSnapshot ? " snapshot" : " no-snapshot") + (fullResync ? " --full-resync" : "")
                    + (stale ? " stale" : "");
        }
    }

    private static PlannedOutput out(String suffix, OutputContent content) {
        return new PlannedOutput(suffix, content);
    }

    static List<Case> table() {
        List<Case> cases = new ArrayList<>();
        for (RunType runType : RunType.values()) {
            for (SyncMode mode : SyncMode.values()) {
                for (boolean hasSnapshot : new boolean[] {false, true}) {
                    for (boolean fullResync : new boolean[] {false, true}) {
                        for (boolean stale : new boolean[] {false, true}) {
                            cases.add(expected(runType, mode, hasSnapshot, fullResync, stale));
                        }
                    }
                }
            }
        }
        return cases;
    }

    /** SPEC §3, one branch per line of its table. */
    private static Case expected(RunType runType, SyncMode mode, boolean hasSnapshot, boolean fullResync, boolean stale) {
        boolean first = fullResync || stale || !hasSnapshot;
        String reason = !hasSnapshot ? "first run: no previous successful run" : fullResync ? "--full-resync was given" : stale ? STALE : null;
        if (runType == RunType.FULL_ONLY) {
            return switch (mode) {
                case SNAPSHOT, UPSERT, INSERT -> new Case(runType, mode, hasSnapshot, fullResync, stale, RunKind.FULL,
                        List.of(out("", ALL)), "run_type is full_only");
                case DIFFERENCE -> new Case(runType, mode, hasSnapshot, fullResync, stale, null, null, null);
            };
        }
        return switch (mode) {
            case SNAPSHOT -> new Case(runType, mode, hasSnapshot, fullResync, stale, null, null, null);
            case UPSERT -> first
                    ? new Case(runType, mode, hasSnapshot, fullResync, stale, RunKind.FULL, List.of(out("", ALL)), reason)
                    : new Case(runType, mode, hasSnapshot, fullResync, stale, RunKind.DELTA, List.of(out("", ADDED_OR_UPDATED)), null);
            case INSERT -> first
                    ? new Case(runType, mode, hasSnapshot, fullResync, stale, RunKind.FULL, List.of(out("", ALL)), reason)
                    : new Case(runType, mode, hasSnapshot, fullResync, stale, RunKind.DELTA, List.of(out("", ADDED)), null);
            // A full run that has a previous snapshot still sends the keys that went away (SPEC §3).
            case DIFFERENCE -> first && hasSnapshot
                    ? new Case(runType, mode, hasSnapshot, fullResync, stale, RunKind.FULL,
                            List.of(out("_added", OutputContent.NEW_KEYS), out("_updated", OutputContent.KEPT_KEYS),
                                    out("_removed", REMOVED)), reason)
                    : first
                    ? new Case(runType, mode, hasSnapshot, fullResync, stale, RunKind.FULL,
                            List.of(out("_added", ALL), out("_updated", NOTHING), out("_removed", NOTHING)), reason)
                    : new Case(runType, mode, hasSnapshot, fullResync, stale, RunKind.DELTA,
                            List.of(out("_added", ADDED), out("_updated", UPDATED), out("_removed", REMOVED)), null);
        };
    }

    static Stream<Arguments> cases() {
        return table().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void planMatchesTheSpecificationTable(Case c) {
        if (c.outputs() == null) {
            assertThatThrownBy(() -> Planner.plan(c.runType(), c.mode(), c.hasSnapshot(), c.fullResync(), c.stale() ? STALE : null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c.mode() == SyncMode.SNAPSHOT ? "use run_type: full_only" : "use run_type: full_then_delta");
            return;
        }
        RunPlan plan = Planner.plan(c.runType(), c.mode(), c.hasSnapshot(), c.fullResync(), c.stale() ? STALE : null);
        assertThat(plan.kind()).isEqualTo(c.kind());
        assertThat(plan.outputs()).containsExactlyElementsOf(c.outputs());
        assertThat(plan.reason()).isEqualTo(c.reason());
    }

    @Test
    void theTableIsExhaustiveAndHasExactlyTheTwoInvalidCombinations() {
        List<Case> all = table();
        assertThat(all).hasSize(RunType.values().length * SyncMode.values().length * 8);
        assertThat(all.stream().filter(c -> c.outputs() == null).map(c -> c.runType() + "×" + c.mode()).distinct())
                .containsExactlyInAnyOrder("FULL_THEN_DELTA×SNAPSHOT", "FULL_ONLY×DIFFERENCE");
        // Every full output covers every row exactly once: ALL, or NEW_KEYS and KEPT_KEYS (with REMOVED)
        // when a difference run has a previous snapshot.
        for (Case c : all) {
            if (c.kind() == RunKind.FULL && c.outputs().stream().anyMatch(o -> o.content() == OutputContent.NEW_KEYS)) {
                assertThat(c.outputs().stream().map(PlannedOutput::content)).as(c.toString())
                        .containsExactly(OutputContent.NEW_KEYS, OutputContent.KEPT_KEYS, REMOVED);
            } else if (c.kind() == RunKind.FULL) {
                assertThat(c.outputs().stream().filter(o -> o.content() == ALL)).as(c.toString()).hasSize(1);
                assertThat(c.outputs().stream().map(PlannedOutput::content)).as(c.toString()).isSubsetOf(ALL, NOTHING);
            }
        }
    }

    @Test
    void aMissingSnapshotWinsOverFullResyncWhichWinsOverAStaleSnapshot() {
        // After a reset, --full-resync is still a first run: the consumer must replace its state.
        assertThat(Planner.plan(RunType.FULL_THEN_DELTA, SyncMode.UPSERT, false, true, null).reason())
                .isEqualTo("first run: no previous successful run");
        assertThat(Planner.plan(RunType.FULL_THEN_DELTA, SyncMode.UPSERT, true, true, STALE).reason()).isEqualTo("--full-resync was given");
        assertThat(Planner.plan(RunType.FULL_THEN_DELTA, SyncMode.UPSERT, true, false, STALE).reason()).isEqualTo(STALE);
        assertThat(Planner.plan(RunType.FULL_THEN_DELTA, SyncMode.UPSERT, false, false, null).reason())
                .isEqualTo("first run: no previous successful run");
    }
}
