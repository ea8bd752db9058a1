package dev.sluice.plan;

import java.util.List;

/**
 * Run type × sync mode × "is there a committed snapshot" → the run's outputs. Pure: the table of
 * the specification's section 3, nothing else.
 */
public final class Planner {
    private Planner() {}

    /**
     * @param hasSnapshot whether a usable snapshot of a previous successful run exists
     * @param fullResync whether the user asked for a full export ({@code --full-resync})
     * @param staleReason why an existing snapshot cannot be used (mapping or key changed), or null
     */
    public static RunPlan plan(RunType runType, SyncMode syncMode, boolean hasSnapshot, boolean fullResync, String staleReason) {
        String incompatibility = syncMode.incompatibility(runType);
        if (incompatibility != null) {
            throw new IllegalArgumentException(incompatibility);
        }
        if (runType == RunType.FULL_ONLY) {
            return new RunPlan(RunKind.FULL, List.of(new PlannedOutput("", OutputContent.ALL)), "run_type is full_only");
        }
        // Without a snapshot the run is a first run, whatever else asked for a full run: the reason
        // tells a consumer to replace its state rather than apply the files to it.
        String reason = !hasSnapshot ? "first run: no previous successful run"
                : fullResync ? "--full-resync was given"
                : staleReason;
        boolean full = reason != null;
        return switch (syncMode) {
            case UPSERT -> new RunPlan(full ? RunKind.FULL : RunKind.DELTA,
                    List.of(new PlannedOutput("", full ? OutputContent.ALL : OutputContent.ADDED_OR_UPDATED)), reason);
            case INSERT -> new RunPlan(full ? RunKind.FULL : RunKind.DELTA,
                    List.of(new PlannedOutput("", full ? OutputContent.ALL : OutputContent.ADDED)), reason);
            case DIFFERENCE -> !full ? new RunPlan(RunKind.DELTA, List.of(
                    new PlannedOutput("_added", OutputContent.ADDED),
                    new PlannedOutput("_updated", OutputContent.UPDATED),
                    new PlannedOutput("_removed", OutputContent.REMOVED)), null)
                    // A full run with a previous snapshot (--full-resync, changed columns) still says
                    // which keys went away: every row is sent, split by whether its key is new.
                    : hasSnapshot ? new RunPlan(RunKind.FULL, List.of(
                            new PlannedOutput("_added", OutputContent.NEW_KEYS),
                            new PlannedOutput("_updated", OutputContent.KEPT_KEYS),
                            new PlannedOutput("_removed", OutputContent.REMOVED)), reason)
                    : new RunPlan(RunKind.FULL, List.of(
                            new PlannedOutput("_added", OutputContent.ALL),
                            new PlannedOutput("_updated", OutputContent.NOTHING),
                            new PlannedOutput("_removed", OutputContent.NOTHING)), reason);
            case SNAPSHOT -> throw new IllegalStateException("snapshot with full_then_delta passed validation");
        };
    }
}
