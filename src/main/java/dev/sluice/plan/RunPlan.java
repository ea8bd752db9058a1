package dev.sluice.plan;

import java.util.List;

/** What a run does: its kind, its outputs in order, and why it is full when it is. */
public record RunPlan(RunKind kind, List<PlannedOutput> outputs, String reason) {
    public RunPlan {
        outputs = List.copyOf(outputs);
    }
}
