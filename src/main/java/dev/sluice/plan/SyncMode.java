package dev.sluice.plan;

/** What a run's files hold; see the table of run type × sync mode in docs/workspace.md. */
public enum SyncMode {
    SNAPSHOT, UPSERT, INSERT, DIFFERENCE;

    /** The run type a mode gets when the activation does not say. */
    public RunType defaultRunType() {
        return this == SNAPSHOT ? RunType.FULL_ONLY : RunType.FULL_THEN_DELTA;
    }

    /** Why this mode cannot be combined with {@code runType}, or null when it can. */
    public String incompatibility(RunType runType) {
        if (this == SNAPSHOT && runType == RunType.FULL_THEN_DELTA) {
            return "snapshot always exports everything; use run_type: full_only";
        }
        if (this == DIFFERENCE && runType == RunType.FULL_ONLY) {
            return "difference needs a previous state; use run_type: full_then_delta";
        }
        return null;
    }
}
