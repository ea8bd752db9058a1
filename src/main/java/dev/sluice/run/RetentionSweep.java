package dev.sluice.run;

import dev.sluice.history.RetentionReport;
import dev.sluice.history.RunStore;

import dev.sluice.destination.Destination;
import dev.sluice.error.Secrets;
import dev.sluice.plan.Retention;
import dev.sluice.history.FileRecord;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.RunObjects;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An activation's retention, after a succeeded run (past its decision point, so nothing here can
 * fail the run): deletes the files that earlier succeeded runs of the activation published and that
 * fall outside the window, as the run history records them. Never an object that no run recorded,
 * never a name that a run inside the window (the current one included) published, never a name
 * that a run of another activation on the destination published after the run (for records without
 * a version: at any time), and never an object that is no longer the one recorded (its version
 * compared, which on GCS is the generation the delete is conditioned on; records made before
 * versions compare size and CRC32C). A run whose files are all dealt with is marked retired in the
 * history, so its files are not looked at again.
 */
final class RetentionSweep {
    private final RunStore store;
    private final Destination destination;
    private final Activation activation;
    private final Retention retention;
    private final Consumer<String> log;

    RetentionSweep(RunStore store, Destination destination, Activation activation, Consumer<String> log) {
        this.store = store;
        this.destination = destination;
        this.activation = activation;
        this.retention = activation.retention();
        this.log = log;
    }

    /** The newest run outside the window that published a name, and its record of the object. */
    private record Candidate(RunStore.Published run, FileRecord file) {}

    /**
     * The candidates by name; the names left because another activation's run published them too
     * (with that run); and the runs outside the window.
     */
    private record Plan(Map<String, Candidate> candidates, Map<String, RunStore.Claim> claimed, List<RunStore.Published> outside) {}

    private Plan plan(String runId, Instant start, boolean currentPublished, Predicate<String> current) {
        List<RunStore.Published> history = store.published(activation.name());
        Set<String> kept = new HashSet<>();
        List<RunStore.Published> outside = new ArrayList<>();
        int rank = currentPublished ? 2 : 1;
        for (RunStore.Published run : history) {
            if (run.id().equals(runId)) {
                continue;
            }
            if (retention.keeps(rank++, run.startedAt(), start)) {
                run.files().forEach(f -> kept.add(f.object()));
            } else if (!run.retired()) {
                outside.add(run);
            }
        }
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        for (RunStore.Published run : outside) {
            for (FileRecord file : run.files()) {
                // The schema file is the activation's, not a run's: each run replaces it and retention never deletes it.
                if (!kept.contains(file.object()) && !current.test(file.object()) && !RunObjects.isSchemaFile(file.object())) {
                    candidates.putIfAbsent(file.object(), new Candidate(run, file));
                }
            }
        }
        Map<String, RunStore.Claim> claimed = new LinkedHashMap<>();
        if (!candidates.isEmpty()) {
            Map<String, RunStore.Claim> claims = store.claimedByOthers(activation.name(), destination.name(), candidates.keySet());
            candidates.entrySet().removeIf(entry -> {
                RunStore.Claim claim = claims.get(entry.getKey());
                Candidate candidate = entry.getValue();
                boolean other = claim != null && (candidate.file().version() == null || !claim.startedAt().isBefore(candidate.run().startedAt()));
                if (other) {
                    claimed.put(entry.getKey(), claim);
                }
                return other;
            });
        }
        return new Plan(candidates, claimed, outside);
    }

    /**
     * Deletes what falls outside the window after run {@code runId}, started at {@code start}, that
     * published {@code published}. Never throws: what goes wrong is added to {@code warnings}.
     */
    RetentionReport apply(String runId, Instant start, List<FileRecord> published, Instant now, List<String> warnings) {
        Set<String> current = new HashSet<>();
        published.forEach(f -> current.add(f.object()));
        List<String> deleted = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Set<String> open = new HashSet<>();
        Plan plan;
        try {
            plan = plan(runId, start, !published.isEmpty(), current::contains);
        } catch (RuntimeException e) {
            warnings.add("retention did not run: " + Secrets.redact(e.getMessage()) + "; it runs again after the next run");
            return new RetentionReport(deleted, List.of(), changed, refused);
        }
        plan.claimed().forEach((name, claim) -> {
            changed.add(name);
            warnings.add("retention left " + name + " in place: run " + claim.run() + " of activation " + claim.activation()
                    + " published that name too (" + claim.startedAt() + "), so it may be that run's file");
        });
        List<String> names = new ArrayList<>(plan.candidates().keySet());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            FileRecord file = plan.candidates().get(name).file();
            Destination.Removal removal;
            try {
                removal = destination.deleteIfUnchanged(name, file.version(), file.crc32c(), file.bytes());
            } catch (RuntimeException e) {
                open.addAll(names.subList(i, names.size()));
                warnings.add("retention stopped at " + name + ": " + Secrets.redact(e.getMessage()) + "; " + (names.size() - i)
                        + " objects outside the window are left, and tried again after the next run");
                break;
            }
            switch (removal) {
                case DELETED -> deleted.add(name);
                case MISSING -> { } // already gone: nothing to do
                case CHANGED -> {
                    changed.add(name);
                    warnings.add("retention left " + name + " in place: it is no longer the file run " + plan.candidates().get(name).run().id()
                            + " published (" + (file.version() == null ? "its size or CRC32C differs" : "it was written again since")
                            + ": something else replaced it)");
                }
                case REFUSED -> {
                    refused.add(name);
                    open.add(name);
                }
            }
        }
        if (!refused.isEmpty()) {
            warnings.add("the bucket refused to delete " + refused.size() + (refused.size() == 1 ? " object" : " objects")
                    + " outside the retention window (a bucket retention policy or an object hold): " + String.join(", ", refused)
                    + "; they are tried again after the next run");
        }
        List<String> retired = new ArrayList<>();
        for (RunStore.Published run : plan.outside()) {
            if (run.files().stream().noneMatch(f -> open.contains(f.object()))) {
                retired.add(run.id());
            }
        }
        try {
            store.retire(retired, now);
        } catch (RuntimeException e) {
            // not fatal: the files of these runs are missing next time, which is quietly accepted
        }
        if (!deleted.isEmpty()) {
            log.accept("retention (" + retention.describe() + "): deleted " + deleted.size()
                    + (deleted.size() == 1 ? " object" : " objects") + " of earlier runs");
        }
        return new RetentionReport(deleted, List.of(), changed, refused);
    }

    /**
     * What a dry run of run {@code runId} would delete; {@code current} tells the names the run would
     * publish (the run is taken as one that publishes files). Objects are not read: whether each is
     * still the one recorded is checked when the run is real.
     */
    RetentionReport preview(String runId, Instant start, Predicate<String> current) {
        return RetentionReport.dryRun(List.copyOf(plan(runId, start, true, current).candidates().keySet()));
    }
}
