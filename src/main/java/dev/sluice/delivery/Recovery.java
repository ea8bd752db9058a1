package dev.sluice.delivery;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;

import dev.sluice.destination.Destination;
import dev.sluice.error.Secrets;
import dev.sluice.publish.Publisher;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.RunObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What a run does first, holding its activation's lock, about the runs before it: no other run of
 * the activation is alive, so every run recorded as running died (killed, crashed, or failed after
 * its decision point).
 * <ul>
 * <li>A dead run whose snapshot is in force had passed its decision point: its publish is
 * completed from its staging prefix (rolled forward) and it is recorded as succeeded, late.
 * <li>Any other dead run is rolled back: its staged objects and the final names it wrote directly
 * are removed, and it is recorded as failed.
 * <li>The staging folder is listed: whatever no live run owns is removed, even when no record names
 * it (a lost record, a failed delete).
 * <li>Objects that a failed run could not remove are removed now; so are the work folders of
 * finished runs.
 * </ul>
 * If completing a decided run fails, this run fails before doing anything: committing on top of it
 * would lose its changes.
 *
 * <p>On a bucket that refuses deletes and replacements ({@link Destination.Lock}) nothing is deleted:
 * a dead run's direct files stay (no manifest names them), staging leftovers and objects earlier
 * runs could not remove are left alone, and a decided run's manifest is uploaded from the work
 * folder where its run kept it.
 */
final class Recovery {
    /** A work folder with no record is someone's dry run, unless it is older than this. */
    private static final Duration ORPHAN_AGE = Duration.ofHours(6);

    private final RunStore store;
    private final DeliveryLog deliveries;
    private final Destination destination;
    private final Activation activation;
    /** The run whose snapshot is in force, wherever the activation keeps it. */
    private final java.util.function.Supplier<java.util.Optional<String>> committedRun;
    private final Path stateDir;
    private final Clock clock;
    private final Consumer<String> log;
    private final Destination.Lock lock;

    Recovery(RunStore store, DeliveryLog deliveries, Destination destination, Activation activation,
            java.util.function.Supplier<java.util.Optional<String>> committedRun, Path stateDir, Clock clock,
            Consumer<String> log, Destination.Lock lock) {
        this.store = store;
        this.deliveries = deliveries;
        this.destination = destination;
        this.activation = activation;
        this.committedRun = committedRun;
        this.stateDir = stateDir;
        this.clock = clock;
        this.log = log;
        this.lock = lock;
    }

    void recover() {
        Set<String> handled = new HashSet<>();
        for (DeliveryLog.Unfinished dead : deliveries.running(activation.name())) {
            handled.add(dead.record().id());
            boolean decided = committedRun.get().filter(dead.record().id()::equals).isPresent();
            if (decided) {
                rollForward(dead);
            } else {
                rollBack(dead);
            }
        }
        // Best effort: a destination that cannot be listed now (refused credentials, an outage)
        // fails this run later, recorded, at its first upload; the leftovers wait for a later run.
        try {
            if (lock.locked()) {
                reportUnownedStaging();
            } else {
                removeUnownedStaging(handled);
                retryLeftovers();
            }
        } catch (dev.sluice.error.SluiceException e) {
            log.accept("warning: could not look for leftovers in " + destination.name() + ": " + Secrets.redact(e.getMessage()));
        }
        removeFinishedWorkFolders();
    }

    private void rollForward(DeliveryLog.Unfinished dead) {
        RunRecord record = dead.record();
        java.util.Map<String, String> versions;
        int kept;
        try {
            versions = dead.staging() == null ? java.util.Map.of() : Publisher.rollForward(destination, dead.staging(), Replacements.replaces(activation));
            // A write-once run publishes its manifest after its decision, from its work folder.
            kept = Publisher.uploadKept(destination, activation.name(), record.id(), dead.finalNames().stream()
                    .filter(n -> !dead.directNames().contains(n)).toList(), stateDir.resolve("work").resolve(record.id()).resolve("files")).size();
        } catch (dev.sluice.error.SluiceException e) {
            throw new dev.sluice.error.SluiceException(e.kind(), "activations." + activation.name() + ": run " + record.id()
                    + " had committed its snapshot, so its changes stand, but completing its publish failed again: "
                    + Secrets.redact(e.getMessage()) + "; no new run was started (it would lose those changes): fix this and run "
                    + activation.name() + " again, which completes it first", e);
        }
        int moved = versions.size() + kept;
        // Files the dead process had already moved keep no version: retention treats them as records made before versions.
        List<dev.sluice.history.FileRecord> files = record.files().stream()
                .map(f -> versions.get(f.object()) == null ? f : f.withVersion(versions.get(f.object()))).toList();
        List<String> warnings = new ArrayList<>(record.warnings());
        String note = "its process stopped after its decision point (killed, or publishing failed); the run of " + clock.instant()
                + " completed its publish (" + moved + (moved == 1 ? " file" : " files") + " moved to their final names)";
        warnings.add(note);
        // A partitioned snapshot removes, as its run would have, the partitions its set no longer has.
        dev.sluice.history.RetentionReport superseded = Superseded.applies(activation, lock) ? Superseded.remove(store, destination,
                record.schema() == null || record.schema().folder() == null ? activation : activation.inFolder(record.schema().folder()),
                record.id(), record.files().stream().map(dev.sluice.history.FileRecord::object).toList(), warnings) : null;
        store.save(record.succeeded(clock.instant(), record.counts(), files, warnings).withRetention(superseded));
        RunDelivery.WorkFolders.delete(stateDir.resolve("work").resolve(record.id()), null);
        log.accept("run " + record.id() + " had committed its snapshot but not finished publishing; completed it (" + moved
                + (moved == 1 ? " file" : " files") + ")");
    }

    private void rollBack(DeliveryLog.Unfinished dead) {
        RunRecord record = dead.record();
        int removed = dead.staging() == null || lock.locked() ? 0 : Publisher.removeLeftovers(destination, dead.staging());
        List<String> present = dead.directNames().stream().filter(destination::exists).toList();
        if (lock.locked()) {
            String note = present.size() + " files it had written directly stay in the bucket (" + lock.rule()
                    + "); no manifest names them";
            store.save(record.failed(clock.instant(), record.counts(), record.warnings(),
                    "the process running it stopped before its decision point (killed or crashed): its changes were not published; "
                            + note));
            RunDelivery.WorkFolders.delete(stateDir.resolve("work").resolve(record.id()), null);
            log.accept("run " + record.id() + " had stopped before finishing; " + note);
            return;
        }
        List<String> notRemoved = Publisher.deleteEach(destination, present);
        int withdrawn = present.size() - notRemoved.size();
        String note = removed + " staged objects" + (withdrawn > 0 ? " and " + withdrawn + " files it had written directly" : "")
                + " were removed by the run of " + clock.instant()
                + (notRemoved.isEmpty() ? "" : "; " + notRemoved.size() + " could not be removed and are retried by the next run");
        store.save(record.failed(clock.instant(), record.counts(), record.warnings(),
                "the process running it stopped before its decision point (killed or crashed): nothing of it was published; " + note));
        deliveries.leftovers(record.id(), notRemoved);
        RunDelivery.WorkFolders.delete(stateDir.resolve("work").resolve(record.id()), null);
        log.accept("run " + record.id() + " had stopped before finishing; cleaned up " + note);
    }

    /** On a bucket that refuses deletes: says what the staging folder holds, and leaves it. */
    private void reportUnownedStaging() {
        String root = RunObjects.stagingRoot(activation.folder());
        int staged = destination.list(root).size();
        if (staged > 0) {
            log.accept("left " + staged + " staged objects under " + root + " in place: " + lock.rule());
        }
    }

    /** Lists the staging folder: every run folder there that no live run owns is removed. */
    private void removeUnownedStaging(Set<String> handled) {
        String root = RunObjects.stagingRoot(activation.folder());
        Map<String, Integer> byRun = new LinkedHashMap<>();
        for (String name : destination.list(root)) {
            String rest = name.substring(root.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                byRun.merge(rest.substring(0, slash), 1, Integer::sum);
            }
        }
        for (String run : byRun.keySet()) {
            if (handled.contains(run)) {
                continue;
            }
            Optional<RunRecord> owner = store.get(run);
            if (owner.isPresent() && owner.get().status() == RunStatus.RUNNING) {
                continue; // a live run of another activation writing to the same folder
            }
            int removed = destination.deleteAll(root + run + "/");
            log.accept("removed " + removed + " staged objects left by run " + run + " under " + root);
        }
    }

    private void retryLeftovers() {
        for (Map.Entry<String, List<String>> entry : deliveries.leftovers(activation.name()).entrySet()) {
            List<String> notRemoved = Publisher.deleteEach(destination, entry.getValue());
            deliveries.leftovers(entry.getKey(), notRemoved);
            int removed = entry.getValue().size() - notRemoved.size();
            if (removed > 0) {
                log.accept("removed " + removed + " objects that failed run " + entry.getKey() + " could not remove");
            }
        }
    }

    private void removeFinishedWorkFolders() {
        Path work = stateDir.resolve("work");
        if (!Files.isDirectory(work)) {
            return;
        }
        try (Stream<Path> folders = Files.list(work)) {
            for (Path folder : folders.toList()) {
                Optional<RunRecord> run = store.get(folder.getFileName().toString());
                boolean finished = run.isPresent() && run.get().status() != RunStatus.RUNNING;
                boolean orphan = run.isEmpty()
                        && Files.getLastModifiedTime(folder).toInstant().isBefore(clock.instant().minus(ORPHAN_AGE));
                if (finished || orphan) {
                    RunDelivery.WorkFolders.delete(folder, null);
                }
            }
        } catch (IOException e) {
            log.accept("warning: cannot list " + work + ": " + Secrets.redact(e.getMessage()));
        }
    }
}
