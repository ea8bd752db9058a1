package dev.sluice.plan;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How long an activation's published files stay: {@code {keep_runs: N}} keeps the files of the N
 * newest succeeded runs that published files (the current one included), {@code {keep_days: D}}
 * those of the runs started in the last D days. With both, a run's files stay when the run is
 * inside either window. Null fields are unset; at least one is set.
 */
public record Retention(Long keepRuns, Long keepDays) {

    /** The keys of {@code retention:}. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.integer("keep_runs").in("retention", 1)
                    .help("keep the files of the N newest succeeded runs that published files (N ≥ 1)"),
            SettingSpec.integer("keep_days").in("retention", 2).help("keep the files of the runs started in the last D days (D ≥ 1)"));

    public Retention {
        if (keepRuns == null && keepDays == null) {
            throw new IllegalArgumentException("keep_runs or keep_days is required");
        }
    }

    /** Parses {@code retention}; null when absent (files are kept for ever) or invalid (problems recorded). */
    public static Retention parse(Node node) {
        if (node.isUnset("none: published files are kept") || !node.expectObject()) {
            return null;
        }
        int before = node.problems().size();
        node.allowKeys(SettingSpec.keys(SETTINGS));
        Long keepRuns = node.longAtLeast("keep_runs", 1);
        Long keepDays = node.longAtLeast("keep_days", 1);
        if (node.problems().size() > before) {
            return null;
        }
        if (keepRuns == null && keepDays == null) {
            node.problem("needs keep_runs (e.g. {keep_runs: 7}) or keep_days (e.g. {keep_days: 30}), or both");
            return null;
        }
        return new Retention(keepRuns, keepDays);
    }

    /**
     * Whether a run stays inside the window: it is the {@code rank}-th newest (1 = the current run)
     * of the runs that published files, and started at {@code startedAt}; {@code now} is the
     * current run's start.
     */
    public boolean keeps(int rank, Instant startedAt, Instant now) {
        boolean byRuns = keepRuns != null && rank <= keepRuns;
        boolean byDays = keepDays != null && !startedAt.isBefore(now.minus(Duration.ofDays(keepDays)));
        return byRuns || byDays;
    }

    /** One line for people: {@code keep_runs 7, keep_days 30}. */
    public String describe() {
        return (keepRuns == null ? "" : "keep_runs " + keepRuns) + (keepRuns != null && keepDays != null ? ", " : "")
                + (keepDays == null ? "" : "keep_days " + keepDays);
    }
}
