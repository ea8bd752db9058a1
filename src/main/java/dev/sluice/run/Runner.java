package dev.sluice.run;

import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.engine.Engine;
import dev.sluice.error.ErrorKind;
import dev.sluice.config.PrivateFiles;
import dev.sluice.config.WorkspaceException;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.format.WriteResult;
import dev.sluice.format.WrittenFile;
import dev.sluice.plan.Guards;
import dev.sluice.plan.PlannedOutput;
import dev.sluice.plan.Planner;
import dev.sluice.plan.RunKind;
import dev.sluice.plan.RunPlan;
import dev.sluice.publish.FileRecord;
import dev.sluice.publish.LocalFile;
import dev.sluice.publish.Manifest;
import dev.sluice.publish.FileRecord;
import dev.sluice.publish.Publisher;
import dev.sluice.sync.ChangeState;
import dev.sluice.sync.Changes;
import dev.sluice.sync.Extracted;
import dev.sluice.sync.States;
import dev.sluice.sync.OutputWriter;
import dev.sluice.sync.SnapshotStore;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Walks one run of an activation through the pipeline: plan → extract → detect → write → upload →
 * publish → commit. The snapshot is committed only after every file is published; any failure
 * before that leaves the previous snapshot in force and removes what the run uploaded, so the next
 * run exports the same changes again plus newer ones.
 */
public final class Runner {
    /**
     * What a caller asks of a run. {@code acceptHeld} lifts the activation's guards for this run
     * (recorded on it): what a user asks for after checking a held run.
     */
    public record Request(String activation, boolean fullResync, boolean dryRun, String trigger, boolean acceptHeld) {
        public Request(String activation, boolean fullResync, boolean dryRun, String trigger) {
            this(activation, fullResync, dryRun, trigger, false);
        }
    }

    /** What a dry run found: the plan and the counts, nothing written. */
    public record DryRun(RunPlan plan, Counts counts) {}

    private final Workspace workspace;
    private final Path stateDir;
    private final Clock clock;
    private final RunListener listener;
    /** The run's events, stamped with its id and {@link #clock}; its log lines are events too. */
    private final RunEvents events;
    private final Consumer<String> log;
    private final String memoryLimit;
    private final Function<DestinationConfig, Destination> opener;

    /** {@code log}: the run's log lines; {@link #listening} adds a listener to all its events. */
    public Runner(Workspace workspace, Path stateDir, Clock clock, Consumer<String> log, String memoryLimit) {
        this(workspace, stateDir, clock, log, memoryLimit, DestinationConfig::open);
    }

    /** As above, with {@code opener} opening the activation's destination (tests wrap it to inject faults). */
    public Runner(Workspace workspace, Path stateDir, Clock clock, Consumer<String> log, String memoryLimit,
            Function<DestinationConfig, Destination> opener) {
        this(workspace, stateDir, clock, RunListener.lines(log), memoryLimit, opener);
    }

    private Runner(Workspace workspace, Path stateDir, Clock clock, RunListener listener, String memoryLimit,
            Function<DestinationConfig, Destination> opener) {
        this.workspace = workspace;
        this.stateDir = stateDir;
        this.clock = clock;
        this.listener = listener;
        this.events = new RunEvents(listener, clock);
        this.log = events::message;
        this.memoryLimit = memoryLimit;
        this.opener = opener;
    }

    /**
     * This Runner with {@code next} told every {@link RunEvent} of its runs too, each stamped with this
     * Runner's clock. One run at a time per Runner.
     */
    public Runner listening(RunListener next) {
        return new Runner(workspace, stateDir, clock, listener.and(next), memoryLimit, opener);
    }

    /** The state folder of a workspace: {@code .sluice} beside the workspace file unless given. */
    public static Path stateDir(Workspace workspace, Path override) {
        return override != null ? override : workspace.baseDir().resolve(".sluice");
    }

    public RunRecord run(Request request) {
        return run(request, null);
    }

    /**
     * As {@link #run(Request)}, with the run's id chosen by the caller (the server answers with it
     * before the run starts); null picks one.
     *
     * <p>The run's one decision point is the snapshot commit, made after every file is uploaded
     * (staged) and the list of final names is recorded: before it, any failure rolls back (what was
     * uploaded is removed, the snapshot is untouched); after it, nothing is withdrawn, and what is
     * left to do (moving staged files to their final names, recording the run) is completed by the
     * run or, if it fails or dies, by the next run of the activation. See docs/runs.md.
     */
    public RunRecord run(Request request, String runId) {
        // The last event of a run that started: Finished, at its record's end.
        try {
            RunRecord record = walk(request, runId);
            events.finished(record.id(), record.status(), record.endedAt());
            return record;
        } catch (RunFailed failed) {
            events.finished(failed.run(), RunStatus.FAILED, failed.record().map(RunRecord::endedAt).orElse(null));
            throw failed;
        } catch (RuntimeException e) {
            if (events.run() != null) {
                events.finished(events.run(), RunStatus.FAILED, null);
            }
            throw e;
        }
    }

    private RunRecord walk(Request request, String runId) {
        Activation activation = workspace.activation(request.activation());
        workspace.requireSet("run activation " + activation.name(), workspace.needsOf(activation));
        try (RunLock lock = RunLock.acquire(stateDir, activation.name());
                RunStore store = new RunStore(stateDir);
                Destination destination = opener.apply(workspace.destinations().get(activation.destination()))) {
            Phases phases = new Phases(events);
            phases.begin("recover");
            // Before anything is read: a bucket that refuses deletes takes only runs that need none.
            Destination.Lock bucketLock = LockedBucket.check(destination, activation, log);
            new Recovery(store, destination, activation, () -> States.committedRun(workspace, activation, stateDir), stateDir, clock, log,
                    bucketLock).recover();
            Instant start = clock.instant();
            RunRecord record = RunRecord.started(runId != null ? runId : RunIds.next(start), activation.name(), request.trigger(), start);
            events.started(record);
            Publisher publisher = new Publisher(new UploadEvents(destination, events), activation, record.id(), bucketLock.locked());
            if (!request.dryRun()) {
                store.insert(record, publisher.stagingPrefix());
            }
            Path work = stateDir.resolve("work").resolve(record.id());
            // The engine creates the run's folders owner-only; a work folder of an older version is made so.
            PrivateFiles.restrict(work.getParent());
            Counts counts = Counts.ZERO;
            List<String> warnings = new ArrayList<>();
            boolean uploading = false;
            // On a bucket that refuses deletes: the manifest, uploaded after the decision; if that fails,
            // it stays in the work folder for the next run to publish.
            Path writeOnceManifest = null;
            Path keep = null;
            phases.begin("engine"); // DuckDB's native library loads on first use
            try (Engine engine = Engine.open(work.resolve("engine"), workspace.baseDir(), memoryLimit, null);
                    ChangeState state = States.open(engine, workspace, activation, clock, stateDir, run -> isLatestSuccess(store, activation, run),
                            request.dryRun(), request.fullResync())) {
                phases.begin("read");
                events.step("reading " + activation.target());
                Extracted now = state.extract();
                counts = new Counts(now.read(), 0, 0, 0, 0, now.skipped(), 0);
                events.rowsRead(now.read(), now.skipped());
                events.step(String.format(Locale.ROOT, "read %,d rows%s", now.read(),
                        now.skipped() > 0 ? String.format(Locale.ROOT, " (%,d left out: invalid primary key)", now.skipped()) : ""));
                Optional<String> previous = state.previousFingerprint();
                String stale = state.staleReason(now);
                RunPlan plan = Planner.plan(activation.runType(), activation.syncMode(), previous.isPresent(),
                        request.fullResync(), stale);
                record = record.planned(plan.kind().name().toLowerCase(Locale.ROOT), plan.kind() == RunKind.FULL ? plan.reason() : null);
                if (activation.runType() == dev.sluice.plan.RunType.FULL_ONLY) {
                    if (stale != null) {
                        log.accept("values not compared with the last snapshot (every kept key counts as updated): " + stale);
                    }
                } else if (plan.kind() == RunKind.FULL) {
                    log.accept("this is a full run: " + plan.reason());
                }
                phases.begin("detect");
                boolean comparable = previous.isPresent() && stale == null;
                Changes changes = comparable ? state.count()
                        : previous.isPresent() ? state.classifyKeys() : Changes.allAdded(now.read() - now.skipped());
                counts = new Counts(now.read(), changes.added(), changes.updated(), changes.removed(), changes.unchanged(),
                        now.skipped(), 0);
                events.changes(changes);
                events.step(String.format(Locale.ROOT, "changes: %,d added, %,d updated, %,d removed, %,d unchanged",
                        changes.added(), changes.updated(), changes.removed(), changes.unchanged()));
                List<Guards.Result> guards = activation.guards().check(new Guards.Measured(now.read(), changes.added(), changes.updated(),
                        changes.removed(), changes.updated() + changes.removed() + changes.unchanged(),
                        comparable ? null : previous.isPresent() ? "values not compared: " + stale : "no previous snapshot to compare with"),
                        request.acceptHeld());
                record = record.withGuards(guards, request.acceptHeld());
                List<Guards.Result> broken = guards.stream().filter(Guards.Result::broken).toList();
                if (request.dryRun()) {
                    return record.withCounts(counts).dryRun(clock.instant(), planned(activation, plan, changes, now, record.id(), start))
                            .withPhases(phases.end()).withRetention(retentionPreview(store, destination, activation, record.id(), start));
                }
                if (!broken.isEmpty()) {
                    return hold(store, record, counts, broken, phases);
                }
                guards.stream().filter(g -> g.outcome().equals("lifted"))
                        .forEach(g -> log.accept("guard lifted (--accept-held): " + g.describe()));
                state.prepare(plan.kind() == RunKind.FULL);
                phases.begin("write");
                List<LocalFile> files = write(engine, state, activation, plan, now, record.id(), start, work.resolve("files"), warnings);
                long written = files.stream().mapToLong(LocalFile::rows).sum();
                counts = new Counts(counts.read(), counts.added(), counts.updated(), counts.removed(), counts.unchanged(),
                        counts.skipped(), written);
                List<LocalFile> all = new ArrayList<>(files);
                if (activation.manifest()) {
                    all.add(manifest(activation, record, plan, start, files, work.resolve("files")));
                    events.written(all.get(all.size() - 1));
                    writeOnceManifest = publisher.writeOnce() ? all.get(all.size() - 1).path() : null;
                }
                phases.begin("stage");
                List<String> finalNames = all.stream().map(LocalFile::objectName).toList();
                boolean replace = new Replacements(store, destination, activation, record.id()).check(finalNames);
                RunRecord pending = record.withCounts(counts).withFiles(all.stream().map(LocalFile::record).toList(), warnings);
                store.publishing(pending, finalNames, publisher.directNames(all), destination.name());
                long bytes = all.stream().mapToLong(LocalFile::bytes).sum();
                events.publishing(all.size(), written, bytes, destination.name());
                events.step(String.format(Locale.ROOT, "publishing %d %s (%,d rows, %,d bytes) to %s", all.size(),
                        all.size() == 1 ? "file" : "files", written, bytes, destination.name()));
                uploading = true;
                publisher.stage(all, replace);
                StateSpace.require(stateDir, state.commitBytes(bytes));
                phases.begin("commit");
                state.commit(record.id(), comparable, clock.instant());
                // Decided: from here on nothing is withdrawn.
                uploading = false;
                try {
                    store.decided(record.id(), clock.instant());
                } catch (RuntimeException e) {
                    // the snapshot records the decision too; this copy only matters after a reset
                }
                phases.begin("publish");
                List<FileRecord> published;
                try {
                    published = publisher.complete(all, replace);
                } catch (RuntimeException e) {
                    keep = writeOnceManifest;
                    throw new Decided(record.id(), e);
                }
                // Retention never fails the run: what goes wrong there is a warning.
                RetentionReport retention = null;
                if (activation.retention() != null && bucketLock.untilReleased()) {
                    warnings.add("retention skipped: " + bucketLock.rule() + ", so no file can be deleted before someone releases its hold");
                } else if (activation.retention() != null) {
                    retention = new RetentionSweep(store, destination, activation, log).apply(record.id(), start, published, clock.instant(),
                            warnings);
                }
                record = record.succeeded(clock.instant(), counts, published, warnings).withPhases(phases.end()).withRetention(retention);
                try {
                    store.save(record);
                } catch (RuntimeException e) {
                    log.accept("warning: run " + record.id() + " succeeded but could not be recorded (" + Secrets.redact(e.getMessage())
                            + "); the next run of " + activation.name() + " records it");
                }
                return record;
            } catch (Decided decided) {
                throw decided.failure(activation, store, record, clock.instant(), counts, warnings);
            } catch (RuntimeException | SQLException | IOException e) {
                if (uploading && decided(activation, record.id(), stateDir)) {
                    // The commit reported a failure after it had taken effect (e.g. the pointer file):
                    // the decision stands, and the run is completed by the next run.
                    keep = writeOnceManifest;
                    throw new Decided(record.id(), e).failure(activation, store, record, clock.instant(), counts, warnings);
                }
                List<String> notRemoved = publisher.abandon();
                SluiceException failure = classify(e, activation);
                String message = Secrets.redact(failure.getMessage());
                if (publisher.writeOnce()) {
                    if (!notRemoved.isEmpty()) {
                        message += "; " + notRemoved.size() + " data files it had written stay in the bucket (" + bucketLock.rule()
                                + "): " + String.join(", ", notRemoved) + "; no manifest names them, so they are not a complete set, "
                                + "and the next run exports the same changes again under new names";
                    }
                } else if (!notRemoved.isEmpty()) {
                    message += "; " + notRemoved.size() + " uploaded objects could not be removed (" + String.join(", ", notRemoved)
                            + "): the next run of " + activation.name() + " removes them";
                    try {
                        store.leftovers(record.id(), notRemoved);
                    } catch (RuntimeException ignored) {
                        // the staging ones are found by listing anyway
                    }
                } else if (uploading) {
                    message += "; what it had uploaded was removed: nothing of this run was published, and the next run of "
                            + activation.name() + " exports the same changes again";
                }
                RunRecord failed = null;
                if (!request.dryRun()) {
                    failed = record.failed(clock.instant(), counts, warnings, message).withPhases(phases.end());
                    try {
                        store.save(failed);
                    } catch (RuntimeException unrecorded) {
                        message += " (this failure could not be recorded in the run history: "
                                + Secrets.redact(unrecorded.getMessage()) + "; the next run records it)";
                        failed = record.failed(clock.instant(), counts, warnings, message);
                    }
                }
                if (e instanceof WorkspaceException invalid) {
                    throw invalid;
                }
                throw new RunFailed(record.id(), failed, new SluiceException(failure.kind(), message, failure));
            } finally {
                deleteTree(work, keep);
            }
        }
    }

    /** Whether {@code run} is the latest succeeded run of the activation in the history. */
    private static boolean isLatestSuccess(RunStore store, Activation activation, String run) {
        return store.page(new RunStore.Filter(activation.name(), RunStatus.SUCCEEDED, null), 1, 0).runs().stream().findFirst()
                .map(r -> r.id().equals(run)).orElse(false);
    }

    /**
     * Ends a run that broke a guard: nothing was written or published, the snapshot is untouched, so
     * the next run compares with the same previous rows and nothing is lost.
     */
    private RunRecord hold(RunStore store, RunRecord record, Counts counts, List<Guards.Result> broken, Phases phases) {
        String message = "held by " + (broken.size() == 1 ? "a guard" : broken.size() + " guards") + ": "
                + broken.stream().map(Guards.Result::describe).collect(java.util.stream.Collectors.joining("; "))
                + "; nothing was published and the previous snapshot is kept. Check the model; to publish these changes anyway, run "
                + "`sluice run " + record.activation() + " --accept-held`";
        RunRecord held = record.held(clock.instant(), counts, message).withPhases(phases.end());
        log.accept(message);
        store.save(held);
        return held;
    }

    /**
     * What the activation's retention would delete after this run (null without retention). The
     * names this run would publish are those starting with its rendered file name.
     */
    private static RetentionReport retentionPreview(RunStore store, Destination destination, Activation activation, String run,
            Instant start) {
        if (activation.retention() == null) {
            return null;
        }
        String base = objectName(activation, baseName(activation, start, run));
        return new RetentionSweep(store, destination, activation, line -> { }).preview(run, start, name -> name.startsWith(base));
    }

    /** Whether the snapshot in force is this run's; unknown (unreadable) counts as decided, so that nothing is withdrawn. */
    private boolean decided(Activation activation, String run, Path stateDir) {
        try {
            return States.committedRun(workspace, activation, stateDir).filter(run::equals).isPresent();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** A failure after the decision point: the run's changes stand; publishing them is completed later. */
    private static final class Decided extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String run;

        Decided(String run, Exception cause) {
            super(cause);
            this.run = run;
        }

        RunFailed failure(Activation activation, RunStore store, RunRecord record, Instant at, Counts counts, List<String> warnings) {
            Throwable cause = getCause();
            String message = "its snapshot is committed, so its changes stand, but completing the publish failed: "
                    + Secrets.redact(String.valueOf(cause.getMessage())) + "; what it has not published is kept (staged, or in the "
                    + "state folder on a bucket that refuses deletes) and the next run of " + activation.name()
                    + " publishes it (nothing is lost or sent twice)";
            SluiceException failure = new SluiceException(cause instanceof SluiceException s && s.kind() == ErrorKind.INTERNAL
                    ? ErrorKind.INTERNAL : ErrorKind.EXTERNAL, "activations." + activation.name() + ": " + message, cause);
            // The run stays recorded as running: the next run's recovery completes and records it.
            return new RunFailed(run, null, failure);
        }
    }

    private List<LocalFile> write(Engine engine, ChangeState state, Activation activation, RunPlan plan, Extracted now,
            String run, Instant start, Path dir, List<String> warnings) throws IOException {
        String base = baseName(activation, start, run);
        List<LocalFile> files = new ArrayList<>();
        for (PlannedOutput output : plan.outputs()) {
            String name = base + output.suffix();
            events.step("writing " + name + activation.format().extension());
            WriteResult result = OutputWriter.write(activation, engine.connection(), state.select(output.content()), now.columns(),
                    dir, name);
            warnings.addAll(result.warnings());
            for (WrittenFile file : result.files()) {
                files.add(LocalFile.of(file.path(), objectName(activation, file.fileName()),
                        output.content().name().toLowerCase(Locale.ROOT), file.rows(), activation.format().contentType()));
                events.written(files.get(files.size() - 1));
            }
        }
        return files;
    }

    /**
     * The objects a run of {@code plan} would write, for a dry run: each output's name (its first part
     * when size limits split it) with the rows it would hold, outputs without rows left out under
     * {@code empty_files: skip}, then the manifest. Bytes and CRC32C are not known (0 and null).
     */
    private static List<FileRecord> planned(Activation activation, RunPlan plan, Changes changes, Extracted now, String run,
            Instant start) {
        String base = baseName(activation, start, run);
        String extension = activation.format().extension();
        boolean splits = new dev.sluice.format.SplitLimits(activation.maxFileSize(), activation.maxRowsPerFile()).splits();
        List<FileRecord> files = new ArrayList<>();
        for (PlannedOutput output : plan.outputs()) {
            long rows = switch (output.content()) {
                case ALL -> now.read() - now.skipped();
                case ADDED, NEW_KEYS -> changes.added();
                case UPDATED -> changes.updated();
                case ADDED_OR_UPDATED -> changes.added() + changes.updated();
                case REMOVED -> changes.removed();
                case KEPT_KEYS -> changes.updated() + changes.unchanged();
                case NOTHING -> 0;
            };
            if (rows == 0 && activation.emptyFiles() == Activation.EmptyFiles.SKIP) {
                continue;
            }
            String name = base + output.suffix();
            String file = splits ? dev.sluice.format.SplitLimits.partName(name, 1, extension) : name + extension;
            files.add(new FileRecord(objectName(activation, file), output.content().name().toLowerCase(Locale.ROOT), rows, 0, null));
        }
        if (activation.manifest()) {
            files.add(new FileRecord(objectName(activation, base + ".manifest.json"), "manifest", 0, 0, null));
        }
        return files;
    }

    private LocalFile manifest(Activation activation, RunRecord record, RunPlan plan, Instant start, List<LocalFile> files, Path dir)
            throws IOException {
        String name = baseName(activation, start, record.id())
                + ".manifest.json";
        Path path = Manifest.write(dir.resolve(name), record.id(), activation.name(),
                activation.runType().name().toLowerCase(Locale.ROOT), activation.syncMode().name().toLowerCase(Locale.ROOT),
                plan.kind().name().toLowerCase(Locale.ROOT), plan.kind() == RunKind.FULL ? plan.reason() : null,
                start, clock.instant(), files.stream().map(LocalFile::record).toList());
        return LocalFile.of(path, objectName(activation, name), "manifest", 0, "application/json");
    }

    /** The run's file name before its output suffix, part number and extension: the template rendered at the run's start. */
    private static String baseName(Activation activation, Instant start, String run) {
        return activation.fileName().render(start, activation.timezone(), activation.name(), activation.target(), run);
    }

    private static String objectName(Activation activation, String fileName) {
        return activation.folder().isEmpty() ? fileName : activation.folder() + "/" + fileName;
    }

    private static SluiceException classify(Exception e, Activation activation) {
        if (e instanceof SluiceException sluice) {
            return sluice;
        }
        if (e instanceof SQLException || e instanceof IOException) {
            return new SluiceException(ErrorKind.EXTERNAL, "activations." + activation.name() + ": " + e.getMessage(), e);
        }
        return SluiceException.internal("activations." + activation.name() + ": " + e, e);
    }

    static void deleteTree(Path root) {
        deleteTree(root, null);
    }

    /** Deletes {@code root} and all it holds but {@code keep} (and the folders above it), when given. */
    static void deleteTree(Path root, Path keep) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(keep)).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // leftovers in the work folder are removed with the next run's recovery
        }
    }

    /** A run that failed: its id and the reason. A failed run exits with 1, whatever the reason. */
    public static final class RunFailed extends SluiceException {
        private static final long serialVersionUID = 1L;
        private final String run;
        private final transient RunRecord record;

        RunFailed(String run, RunRecord record, SluiceException cause) {
            super(cause.kind() == ErrorKind.INTERNAL ? ErrorKind.INTERNAL : ErrorKind.EXTERNAL,
                    "run " + run + " failed: " + cause.getMessage(), cause);
            this.run = run;
            this.record = record;
        }

        public String run() {
            return run;
        }

        /** The failed run's record as the history holds it; empty for a dry run, which records nothing. */
        public java.util.Optional<RunRecord> record() {
            return java.util.Optional.ofNullable(record);
        }
    }
}
