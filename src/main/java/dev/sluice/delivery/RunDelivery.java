package dev.sluice.delivery;

import dev.sluice.destination.Destination;
import dev.sluice.error.ErrorKind;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.history.FileRecord;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;
import dev.sluice.publish.LocalFile;
import dev.sluice.publish.Publisher;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.RunObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The exactly-once protocol of one run, in order: before it reads, the bucket's rules and the
 * credentials' permissions ({@link #prepare}), and the runs before it finished or undone
 * ({@link Recovery}); then {@link #stage} (what it will publish recorded, every file uploaded),
 * {@link #decide} (the free-space check, then the state's commit: the decision point),
 * {@link #complete} (staged files moved to their final names, the manifest last) — or, on a failure
 * before the decision, {@link #fail}, which withdraws what was uploaded.
 *
 * <p>The decision has one record: the change state's commit (the snapshot pointer in the engine's
 * state folder, or the meta row beside the snapshot in the source for {@code state: source}). It is
 * atomic with the snapshot it puts in force, so it can never disagree with what the next run
 * compares with; recovery asks it whether a dead run had decided. Forgetting a state
 * ({@code sluice reset}) first completes any decided run's publish ({@link #recover}).
 */
public final class RunDelivery {
    private final RunStore history;
    private final DeliveryLog log;
    private final Destination destination;
    /** The activation as this run publishes it: its folder is {@code FOLDER/vN} once {@link #relocate}d. */
    private Activation activation;
    private final Supplier<Optional<String>> committedRun;
    private final Path stateDir;
    private final Consumer<String> out;
    private final Destination.Lock lock;
    private final String refusal;
    private Publisher publisher;
    private Destination uploads;
    private boolean recorded;
    private Integer schemaVersion;
    private String run;
    private List<LocalFile> files = List.of();
    private boolean replace;
    /** Files are being uploaded and the decision is not taken yet: a failure withdraws them. */
    private boolean uploading;
    /** On a write-once bucket, the manifest, uploaded after the decision: kept locally when that fails. */
    private Path writeOnceManifest;
    private Path keep;
    /** What this snapshot run of a partitioned activation removed of earlier runs' partitions (null: nothing). */
    private dev.sluice.history.RetentionReport superseded;

    private RunDelivery(RunStore history, Destination destination, Activation activation, Supplier<Optional<String>> committedRun,
            Path stateDir, Consumer<String> out, DestinationAccess.Verdict access) {
        this.history = history;
        this.log = new DeliveryLog(history.database());
        this.destination = destination;
        this.activation = activation;
        this.committedRun = committedRun;
        this.stateDir = stateDir;
        this.out = out;
        this.lock = access.lock();
        this.refusal = access.refusal();
    }

    /**
     * Before the run reads anything: reads the bucket's rules (a bucket that refuses deletes takes
     * only runs that need none: otherwise a user error here, nothing recorded), asks which
     * permissions the credentials hold (a missing one is kept for {@link #requireAccess}, so that the
     * refusal is recorded as the run's failure), then finishes or undoes the runs before it.
     *
     * @param committedRun the run whose snapshot is in force, read from the activation's state
     */
    public static RunDelivery prepare(RunStore history, Destination destination, Activation activation,
            Supplier<Optional<String>> committedRun, Path stateDir, Clock clock, Consumer<String> out) {
        DestinationAccess.Verdict access = DestinationAccess.check(destination, activation,
                LockedBucket.check(destination, activation, out), out);
        RunDelivery delivery = new RunDelivery(history, destination, activation, committedRun, stateDir, out, access);
        new Recovery(history, delivery.log, destination, activation, committedRun, stateDir, clock, out, delivery.lock).recover();
        return delivery;
    }

    /** The bucket's rule the run works under ({@link Destination.Lock#NONE} on a bucket that takes deletes). */
    public Destination.Lock lock() {
        return lock;
    }

    /**
     * Records the run as started, with where it stages (unless it is a dry run, which records
     * nothing); {@code uploads} is the destination its files go through (the run's, wrapped to tell
     * the run's progress).
     */
    public void begin(RunRecord record, boolean dryRun, Destination uploads) {
        run = record.id();
        this.uploads = uploads;
        recorded = !dryRun;
        publisher = new Publisher(uploads, activation, run, lock.locked());
        if (!dryRun) {
            history.insert(record);
            log.staging(record.id(), publisher.stagingPrefix());
        }
    }

    /**
     * For {@code sluice reset}, before the state is forgotten: finishes or undoes the activation's dead
     * runs, as a run would first, so that a decided run's publish is completed while its decision can
     * still be read (forgetting it first would turn that run into a rollback, leaving the files it
     * had already moved as a half set). Does nothing, and opens nothing, when no run is unfinished.
     */
    public static void recover(RunStore history, Supplier<Destination> destination, Activation activation,
            Supplier<Optional<String>> committedRun, Path stateDir, Clock clock, Consumer<String> out) {
        DeliveryLog log = new DeliveryLog(history.database());
        if (log.running(activation.name()).isEmpty()) {
            return;
        }
        try (Destination opened = destination.get()) {
            Destination.Lock lock = LockedBucket.check(opened, activation, out);
            new Recovery(history, log, opened, activation, committedRun, stateDir, clock, out, lock).recover();
        }
    }

    /**
     * For a dry run: fails as the run would at {@link #stage} when it may not replace an object
     * already at one of {@code finalNames} (see {@link Replacements}), so that a dry run does not
     * announce files the run would refuse to publish.
     */
    public void checkReplacements(List<String> finalNames) {
        new Replacements(history, destination, activation, run).check(finalNames);
    }

    /**
     * Before anything is uploaded: the run publishes to {@code publishing}'s folder instead (a new
     * schema version's folder, {@code FOLDER/vN}); it stages there, and its record says so, so
     * that recovery completes or withdraws it there.
     */
    public void relocate(Activation publishing) {
        if (uploading || !files.isEmpty()) {
            throw new IllegalStateException("run " + run + " cannot change its folder after uploading");
        }
        activation = publishing;
        publisher = new Publisher(uploads, publishing, run, lock.locked());
        if (schemaVersion != null) {
            publisher.schemaVersion(schemaVersion);
        }
        if (recorded) {
            log.staging(run, publisher.stagingPrefix());
        }
    }

    /** The version of the schema the run exports: every object it uploads carries it in its metadata. */
    public void schemaVersion(int version) {
        schemaVersion = version;
        publisher.schemaVersion(version);
    }

    /** Stops the run, before it reads anything, when its credentials lack a permission it needs. */
    public void requireAccess() {
        if (refusal != null) {
            throw SluiceException.user(refusal, null);
        }
    }

    /**
     * Checks the final names (whose objects the run may replace), records what the run is about to
     * publish ({@code pending}: the record recovery completes if the run dies after its decision),
     * then uploads every file: staged, or to its final name when the activation publishes directly.
     */
    public void stage(List<LocalFile> all, RunRecord pending) {
        files = List.copyOf(all);
        LocalFile last = all.isEmpty() ? null : all.get(all.size() - 1);
        writeOnceManifest = publisher.writeOnce() && last != null && RunObjects.isManifest(last.objectName()) ? last.path() : null;
        List<String> finalNames = all.stream().map(LocalFile::objectName).toList();
        replace = new Replacements(history, destination, activation, pending.id()).check(finalNames);
        log.publishing(pending, finalNames, publisher.directNames(all), destination.name());
        uploading = true;
        publisher.stage(all, replace);
    }

    /** The state's commit, run by {@link #decide}: puts the new snapshot in force, atomically. */
    public interface Commit {
        void commit() throws Exception;
    }

    /**
     * The decision point: fails, before it, unless the state folder's disk has room for
     * {@code snapshotBytes} (see {@code ChangeState.commitBytes}); then commits. From here on
     * nothing is withdrawn.
     */
    public void decide(long snapshotBytes, Commit commit) throws Exception {
        StateSpace.require(stateDir, snapshotBytes);
        commit.commit();
        uploading = false;
    }

    /**
     * After the decision: moves every staged file to its final name, the manifest last; returns the
     * files' records with the versions the destination gave them. A staged copy that cannot be
     * removed after its move is a warning added to {@code warnings}. A failure here leaves the rest
     * to the next run: it is thrown as {@link Decided}.
     */
    public List<FileRecord> complete(List<String> warnings) {
        try {
            List<FileRecord> published = publisher.complete(files, replace);
            if (publisher.stagedLeftWarning() != null) {
                warnings.add(Secrets.redact(publisher.stagedLeftWarning()));
                out.accept("warning: " + warnings.get(warnings.size() - 1));
            }
            if (Superseded.applies(activation, lock)) {
                int before = warnings.size();
                superseded = Superseded.remove(history, destination, activation, run,
                        files.stream().map(LocalFile::objectName).toList(), warnings);
                warnings.subList(before, warnings.size()).forEach(w -> out.accept("warning: " + w));
                if (superseded != null && !superseded.deleted().isEmpty()) {
                    out.accept("removed " + superseded.deleted().size() + " objects of partitions this snapshot no longer has or replaced");
                }
            }
            return published;
        } catch (RuntimeException e) {
            keep = writeOnceManifest;
            throw new Decided(e);
        }
    }

    /**
     * {@code retention} (what the activation's retention did, or null) with the objects of earlier
     * runs that this snapshot run of a partitioned activation removed in its publish (see {@link Superseded}).
     */
    public dev.sluice.history.RetentionReport withSuperseded(dev.sluice.history.RetentionReport retention) {
        return Superseded.merge(superseded, retention);
    }

    /** A failure after the decision point: the run's changes stand; publishing them is completed by the next run. */
    public static final class Decided extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Decided(Exception cause) {
            super(cause);
        }
    }

    /** What became of a failed run: its message, and whether it had passed its decision (then it stays recorded as running). */
    public record Failure(SluiceException error, boolean decided) {}

    /**
     * A run failed with {@code e} ({@code failure}: e as classified): after its decision, the message
     * says that its changes stand and the next run completes the publish; before it, what it uploaded
     * is withdrawn and the message says what became of it.
     */
    public Failure fail(Exception e, SluiceException failure) {
        if (e instanceof Decided || uploading && decidedByState()) {
            // The commit reported a failure after it had taken effect (e.g. the pointer file): the decision stands.
            keep = writeOnceManifest;
            Throwable cause = e instanceof Decided ? e.getCause() : e;
            String message = "its snapshot is committed, so its changes stand, but completing the publish failed: "
                    + Secrets.redact(String.valueOf(cause.getMessage())) + "; what it has not published is kept (staged, or in the "
                    + "state folder on a bucket that refuses deletes) and the next run of " + activation.name()
                    + " publishes it (nothing is lost or sent twice)";
            return new Failure(new SluiceException(cause instanceof SluiceException s && s.kind() == ErrorKind.INTERNAL
                    ? ErrorKind.INTERNAL : ErrorKind.EXTERNAL, "activations." + activation.name() + ": " + message, cause), true);
        }
        List<String> notRemoved = publisher == null ? List.of() : publisher.abandon();
        String message = Secrets.redact(failure.getMessage());
        if (publisher != null && publisher.writeOnce()) {
            if (!notRemoved.isEmpty()) {
                message += "; " + notRemoved.size() + " data files it had written stay in the bucket (" + lock.rule()
                        + "): " + String.join(", ", notRemoved) + "; no manifest names them, so they are not a complete set, "
                        + "and the next run exports the same changes again under new names";
            }
        } else if (!notRemoved.isEmpty()) {
            message += "; " + notRemoved.size() + " uploaded objects could not be removed (" + String.join(", ", notRemoved)
                    + "): the next run of " + activation.name() + " removes them";
            try {
                log.leftovers(run, notRemoved);
            } catch (RuntimeException ignored) {
                // the staging ones are found by listing anyway
            }
        } else if (uploading) {
            message += "; what it had uploaded was removed: nothing of this run was published, and the next run of "
                    + activation.name() + " exports the same changes again";
        }
        return new Failure(new SluiceException(failure.kind(), message, failure), false);
    }

    /** Whether the snapshot in force is this run's; unknown (unreadable) counts as decided, so that nothing is withdrawn. */
    private boolean decidedByState() {
        try {
            return run != null && committedRun.get().filter(run::equals).isPresent();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Removes the run's work folder, but for what the next run needs from it (a write-once manifest not yet uploaded). */
    public void cleanUp(Path work) {
        WorkFolders.delete(work, keep);
    }

    /** Deleting work folders. */
    static final class WorkFolders {
        private WorkFolders() {}

        /** Deletes {@code root} and all it holds but {@code keep} (and the folders above it), when given. */
        static void delete(Path root, Path keep) {
            if (!Files.exists(root)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(keep)).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // leftovers in the work folder are removed with the next run's recovery
            }
        }
    }

}
