package dev.sluice.run;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.Counts;
import dev.sluice.history.RetentionReport;
import dev.sluice.history.RunStore;

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
import dev.sluice.history.ExportedSchema;
import dev.sluice.history.FileRecord;
import dev.sluice.history.SchemaHistory;
import dev.sluice.publish.LocalFile;
import dev.sluice.publish.Manifest;
import dev.sluice.delivery.RunDelivery;
import dev.sluice.sync.ChangeState;
import dev.sluice.sync.Changes;
import dev.sluice.sync.Extracted;
import dev.sluice.sync.States;
import dev.sluice.sync.OutputWriter;
import dev.sluice.sync.PartitionedWriter;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.SigningKey;
import dev.sluice.workspace.RunObjects;
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

    /**
     * The warning a run of a paused activation carries (it ran because someone asked: the scheduler
     * skips paused activations); null when it is not paused.
     */
    static String paused(RunStore store, Activation activation) {
        if (!activation.enabled()) {
            return "activation is paused (enabled: false in " + activation.file() + "); this run was started by hand";
        }
        return new dev.sluice.history.Pauses(store.database()).get(activation.name())
                .map(p -> "activation is paused (by " + p.by() + " since " + p.since() + "); this run was started by hand")
                .orElse(null);
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

    /** The walk of a run, from its lock to its record. */
    private RunRecord walk(Request request, String runId) {
        Activation activation = workspace.activation(request.activation());
        workspace.requireSet("run activation " + activation.name(), workspace.needsOf(activation));
        try (RunLock lock = RunLock.acquire(stateDir, activation.name());
                RunStore store = new RunStore(stateDir);
                Destination destination = opener.apply(workspace.destinations().get(activation.destination()))) {
            Phases phases = new Phases(events);
            phases.begin("recover");
            RunDelivery delivery = RunDelivery.prepare(store, destination, activation,
                    () -> States.committedRun(workspace, activation, stateDir), stateDir, clock, log);
            Instant start = clock.instant();
            RunRecord record = RunRecord.started(runId != null ? runId : RunIds.next(start), activation.name(), request.trigger(), start);
            events.started(record);
            delivery.begin(record, request.dryRun(), new UploadEvents(destination, events));
            Path work = stateDir.resolve("work").resolve(record.id());
            // The engine creates the run's folders owner-only; a work folder of an older version is made so.
            PrivateFiles.restrict(work.getParent());
            Assessment seen = null;
            // The record as far as the run got before its assessment ended: planned, with the rows read,
            // so that a run failing while it compares still says its kind and how much it read.
            RunRecord[] sofar = {record};
            List<String> warnings = new ArrayList<>();
            String paused = paused(store, activation);
            if (paused != null && !request.dryRun()) {
                warnings.add(paused);
                log.accept("warning: " + paused);
            }
            // The schema the activation last published: a run that changes folder for it reads every row (its first run there is full).
            Optional<ExportedSchema> lastSchema = new SchemaHistory(store.database()).last(activation.name());
            boolean moves = SchemaContract.movesWithoutChange(activation, lastSchema);
            phases.begin("engine"); // DuckDB's native library loads on first use
            try (Engine engine = Engine.open(work.resolve("engine"), workspace.baseDir(), memoryLimit, null);
                    ChangeState state = States.open(engine, workspace, activation, clock, stateDir, latestSucceeded(store, activation),
                            request.dryRun(), request.fullResync() || moves)) {
                delivery.requireAccess();
                // What the source would bill (BigQuery), from dry runs, before any billed statement runs.
                dev.sluice.history.Billing billing = BilledBytes.estimate(workspace, activation);
                if (billing != null) {
                    record = record.withBilling(billing);
                    events.step(BilledBytes.describe(billing));
                    Optional<Guards.Result> billed = activation.guards().checkBilled(billing.estimatedBytes(), request.acceptHeld());
                    if (billed.isPresent()) {
                        record = record.withGuards(List.of(billed.get()), request.acceptHeld());
                    }
                    sofar[0] = record;
                    if (billed.isPresent() && billed.get().broken()) {
                        String message = BilledBytes.heldMessage(activation.name(), billed.get());
                        log.accept(message);
                        if (request.dryRun()) {
                            return record.dryRun(clock.instant(), List.of()).withFiles(List.of(), List.of("the run would be " + message))
                                    .withPhases(phases.end());
                        }
                        RunRecord held = record.held(clock.instant(), record.counts(), message).withPhases(phases.end());
                        store.save(held);
                        return held;
                    }
                }
                seen = assess(state, activation, request, record, phases, lastSchema, planned -> sofar[0] = planned);
                record = seen.record();
                // What staging the rows had to say (a decimal column kept as text, NaN written as null …).
                for (String warning : dev.sluice.engine.EngineWarnings.take(engine.connection())) {
                    warnings.add(warning);
                    log.accept("warning: " + warning);
                }
                // Where the run publishes: the activation's folder, or FOLDER/vN under schema_changes: new_version.
                SchemaContract contract = seen.contract();
                Activation publishing = contract.schema().folder().equals(activation.folder()) ? activation
                        : activation.inFolder(contract.schema().folder());
                if (request.dryRun()) {
                    if (!contract.changes().isEmpty()) {
                        record = record.withFiles(List.of(), List.of(contract.warning()
                                + (contract.hold() ? " — the run would be held (schema_changes: hold)" : "")));
                    }
                    List<FileRecord> planned = planned(publishing, seen, record.id(), start);
                    delivery.checkReplacements(planned.stream().map(FileRecord::object).toList());
                    return record.dryRun(clock.instant(), planned).withPhases(phases.end())
                            .withRetention(retentionPreview(store, destination, publishing, record.id(), start));
                }
                if (seen.guards().stream().anyMatch(Guards.Result::broken)) {
                    return hold(store, record, seen, phases);
                }
                if (contract.hold()) {
                    return holdForSchema(store, record, seen, phases);
                }
                if (!contract.changes().isEmpty()) {
                    warnings.add(contract.warning());
                    log.accept("warning: " + contract.warning() + (request.acceptHeld()
                            && activation.schemaChanges() == Activation.SchemaChanges.HOLD ? " (accepted: --accept-held)" : ""));
                }
                if (publishing != activation) {
                    delivery.relocate(publishing);
                }
                delivery.schemaVersion(contract.schema().version());
                seen.guards().stream().filter(g -> g.outcome().equals("lifted"))
                        .forEach(g -> log.accept("guard lifted (--accept-held): " + g.describe()));
                state.prepare(seen.plan().kind() == RunKind.FULL);
                phases.begin("write");
                List<LocalFile> all = write(engine, state, publishing, seen, record, start, work.resolve("files"), warnings,
                        delivery.lock().locked());
                record = record.withCounts(seen.counts().withWritten(all.stream().mapToLong(LocalFile::rows).sum()));
                phases.begin("stage");
                publishing(all, destination);
                delivery.stage(all, record.withFiles(all.stream().map(LocalFile::record).toList(), warnings));
                phases.begin("commit");
                boolean comparable = seen.comparable();
                String id = record.id();
                delivery.decide(state.commitBytes(all.stream().mapToLong(LocalFile::bytes).sum()),
                        () -> state.commit(id, comparable, clock.instant()));
                States.forgetOtherLocation(activation, stateDir);
                phases.begin("publish");
                List<FileRecord> published = delivery.complete(warnings);
                RetentionReport retention = retention(store, destination, delivery.lock(), publishing, record.id(), start, published, warnings);
                return saved(store, record.succeeded(clock.instant(), record.counts(), published, warnings).withPhases(phases.end())
                        .withRetention(delivery.withSuperseded(retention)));
            } catch (Exception e) {
                throw failed(store, delivery, activation, request, seen == null ? sofar[0] : record, warnings, phases, e);
            } finally {
                delivery.cleanUp(work);
            }
        }
    }

    /**
     * {@code sluice check SOURCE}: connects and runs a trivial query; for a source that can keep
     * state, also checks that its state schema and a table in it can be created. Returns what was checked.
     */
    public static String checkSource(dev.sluice.source.Source source) {
        return States.check(source, List.of());
    }

    /** As {@link #checkSource(dev.sluice.source.Source)}, with the workspace's models on the source (BigQuery plans each with a dry run). */
    public static String checkSource(Workspace workspace, dev.sluice.source.Source source) {
        return States.check(source, workspace.models().values().stream().filter(m -> workspace.sourceOf(m) == source).toList());
    }

    /**
     * {@code sluice reset}: forgets the activation's snapshot, so that its next run is a first run.
     * Under the activation's lock, it first finishes or undoes the runs that died (a decided run's
     * publish is completed while its decision can still be read; this opens the destination only
     * when there is such a run). Returns whether there was a snapshot.
     */
    public boolean reset(String name) {
        Activation activation = workspace.activation(name);
        try (RunLock lock = RunLock.acquire(stateDir, activation.name()); RunStore store = new RunStore(stateDir)) {
            RunDelivery.recover(store, () -> {
                workspace.requireSet("complete the unfinished run of " + activation.name() + " before resetting it",
                        workspace.needsOf(activation));
                return opener.apply(workspace.destinations().get(activation.destination()));
            }, activation, () -> States.committedRun(workspace, activation, stateDir), stateDir, clock, log);
            return States.reset(workspace, activation, stateDir);
        }
    }

    /** Says what the run is about to upload: an event, and a step on the log. */
    private void publishing(List<LocalFile> all, Destination destination) {
        long rows = all.stream().mapToLong(LocalFile::rows).sum();
        long bytes = all.stream().mapToLong(LocalFile::bytes).sum();
        events.publishing(all.size(), rows, bytes, destination.name());
        events.step(String.format(Locale.ROOT, "publishing %d %s (%,d rows, %,d bytes) to %s", all.size(),
                all.size() == 1 ? "file" : "files", rows, bytes, destination.name()));
    }

    /** What the run found before writing: its plan, the changes, the guards, the counts, and its record so far. */
    private record Assessment(RunRecord record, Extracted now, RunPlan plan, Changes changes, boolean comparable,
            List<Guards.Result> guards, Counts counts, SchemaContract contract) {}

    /** Reads the model, plans the run, counts the changes and checks the guards; nothing is written. */
    private Assessment assess(ChangeState state, Activation activation, Request request, RunRecord record, Phases phases,
            Optional<ExportedSchema> lastSchema, java.util.function.Consumer<RunRecord> planned) throws SQLException {
        phases.begin("read");
        events.step("reading " + activation.target());
        Extracted now = state.extract();
        events.rowsRead(now.read(), now.skipped());
        events.step(String.format(Locale.ROOT, "read %,d rows%s", now.read(),
                now.skipped() > 0 ? String.format(Locale.ROOT, " (%,d left out: invalid primary key)", now.skipped()) : ""));
        Optional<String> previous = state.previousFingerprint();
        String stale = state.staleReason(now);
        SchemaContract contract = SchemaContract.decide(activation, SchemaContract.of(now), lastSchema, request.acceptHeld());
        // A run that starts a new folder (schema_changes: new_version) is full, so that the folder holds every row.
        RunPlan plan = Planner.plan(activation.runType(), activation.syncMode(), previous.isPresent(), request.fullResync(),
                stale == null && contract.movesFolder() ? contract.fullReason() : stale);
        record = record.planned(plan.kind().name().toLowerCase(Locale.ROOT), plan.kind() == RunKind.FULL ? plan.reason() : null)
                .withCounts(new Counts(now.read(), 0, 0, 0, 0, now.skipped(), 0)).withSchema(contract.schema());
        planned.accept(record);
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
        Counts counts = new Counts(now.read(), changes.added(), changes.updated(), changes.removed(), changes.unchanged(), now.skipped(), 0);
        events.changes(changes);
        events.step(String.format(Locale.ROOT, "changes: %,d added, %,d updated, %,d removed, %,d unchanged",
                changes.added(), changes.updated(), changes.removed(), changes.unchanged()));
        List<Guards.Result> guards = activation.guards().check(new Guards.Measured(now.read(), changes.added(), changes.updated(),
                changes.removed(), changes.updated() + changes.removed() + changes.unchanged(),
                comparable ? null : previous.isPresent() ? "values not compared: " + stale : "no previous snapshot to compare with"),
                request.acceptHeld());
        // A guard checked before reading (max_bytes_billed) comes first.
        guards = java.util.stream.Stream.concat(record.guards().stream(), guards.stream()).toList();
        record = record.withCounts(counts).withGuards(guards, request.acceptHeld());
        return new Assessment(record, now, plan, changes, comparable, guards, counts, contract);
    }

    /** Retention after a published run; never fails the run: what goes wrong there is a warning. */
    private RetentionReport retention(RunStore store, Destination destination, Destination.Lock lock, Activation activation, String run,
            Instant start, List<FileRecord> published, List<String> warnings) {
        if (activation.retention() == null) {
            return null;
        }
        if (lock.untilReleased()) {
            warnings.add("retention skipped: " + lock.rule() + ", so no file can be deleted before someone releases its hold");
            return null;
        }
        return new RetentionSweep(store, destination, activation, log).apply(run, start, published, clock.instant(), warnings);
    }

    /** Records a succeeded run; a history that cannot take it is a warning, and the next run records it. */
    private RunRecord saved(RunStore store, RunRecord record) {
        try {
            store.save(record);
        } catch (RuntimeException e) {
            log.accept("warning: run " + record.id() + " succeeded but could not be recorded (" + Secrets.redact(e.getMessage())
                    + "); the next run of " + record.activation() + " records it");
        }
        return record;
    }

    /**
     * The failure of a run, recorded (unless it is a dry run, or it had passed its decision point: then
     * it stays recorded as running, and the next run's recovery completes and records it).
     */
    private RuntimeException failed(RunStore store, RunDelivery delivery, Activation activation, Request request, RunRecord record,
            List<String> warnings, Phases phases, Exception e) {
        RunDelivery.Failure failure = delivery.fail(e, classify(e, activation));
        if (failure.decided()) {
            return new RunFailed(record.id(), null, failure.error());
        }
        String message = failure.error().getMessage();
        RunRecord failed = null;
        if (!request.dryRun()) {
            failed = record.failed(clock.instant(), record.counts(), warnings, message).withPhases(phases.end());
            try {
                store.save(failed);
            } catch (RuntimeException unrecorded) {
                message += " (this failure could not be recorded in the run history: " + Secrets.redact(unrecorded.getMessage())
                        + "; the next run records it)";
                failed = record.failed(clock.instant(), record.counts(), warnings, message);
            }
        }
        if (e instanceof WorkspaceException invalid) {
            return invalid;
        }
        return new RunFailed(record.id(), failed, new SluiceException(failure.error().kind(), message, failure.error().getCause()));
    }

    /** The latest succeeded run of the activation in the history. */
    private static Optional<String> latestSucceeded(RunStore store, Activation activation) {
        return store.page(new RunStore.Filter(activation.name(), RunStatus.SUCCEEDED, null), 1, 0).runs().stream().findFirst()
                .map(RunRecord::id);
    }

    /**
     * Ends a run that broke a guard: nothing was written or published, the snapshot is untouched, so
     * the next run compares with the same previous rows and nothing is lost.
     */
    private RunRecord hold(RunStore store, RunRecord record, Assessment seen, Phases phases) {
        List<Guards.Result> broken = seen.guards().stream().filter(Guards.Result::broken).toList();
        String message = "held by " + (broken.size() == 1 ? "a guard" : broken.size() + " guards") + ": "
                + broken.stream().map(Guards.Result::describe).collect(java.util.stream.Collectors.joining("; "))
                + "; nothing was published and the previous snapshot is kept. Check the model; to publish these changes anyway, run "
                + "`sluice run " + record.activation() + " --accept-held`";
        RunRecord held = record.held(clock.instant(), seen.counts(), message).withPhases(phases.end());
        log.accept(message);
        store.save(held);
        return held;
    }

    /**
     * Ends a run whose exported schema changed under {@code schema_changes: hold}: as a guard's hold,
     * nothing written or published, the snapshot and the schema version kept; the message holds the diff.
     */
    private RunRecord holdForSchema(RunStore store, RunRecord record, Assessment seen, Phases phases) {
        String message = seen.contract().holdMessage(record.activation());
        RunRecord held = record.held(clock.instant(), seen.counts(), message).withPhases(phases.end());
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
        RunObjects names = RunObjects.of(activation, start, run);
        return new RetentionSweep(store, destination, activation, line -> { }).preview(run, start, names::startsWithBase);
    }

    /**
     * Writes the run's files into the work folder, then the schema file ({@code schema_file: true}),
     * then the manifest when the activation has one. {@code writeOnce}: the bucket refuses
     * replacements, so the schema file, which each run replaces, is not written.
     */
    private List<LocalFile> write(Engine engine, ChangeState state, Activation activation, Assessment seen, RunRecord record,
            Instant start, Path dir, List<String> warnings, boolean writeOnce) throws IOException, SQLException {
        RunObjects names = RunObjects.of(activation, start, record.id());
        Extracted now = seen.now();
        List<LocalFile> files = new ArrayList<>();
        if (!activation.partitionBy().isEmpty()) {
            writePartitioned(engine, state, activation, seen, names, dir, warnings, files);
        }
        for (PlannedOutput output : activation.partitionBy().isEmpty() ? seen.plan().outputs() : List.<PlannedOutput>of()) {
            String name = names.outputName(output);
            events.step("writing " + name + activation.format().extension());
            WriteResult result = OutputWriter.write(activation, engine.connection(), state.select(output.content()), now.columns(),
                    dir, name);
            warnings.addAll(result.warnings());
            for (WrittenFile file : result.files()) {
                files.add(LocalFile.of(file.path(), names.object(file.fileName()),
                        output.content().name().toLowerCase(Locale.ROOT), file.rows(), activation.format().contentType()));
                events.written(files.get(files.size() - 1));
            }
        }
        if (activation.schemaFile() && writeOnce) {
            warnings.add("schema_file: " + names.schemaObject() + " was not written: the bucket refuses replacing objects "
                    + "(the manifest carries the schema)");
        } else if (activation.schemaFile()) {
            Path firstData = files.isEmpty() ? null : files.get(0).path();
            Path schema = SchemaFile.write(dir, activation.name(), activation.format().type(), record.schema(), engine, firstData);
            files.add(LocalFile.of(schema, names.schemaObject(), "schema", 0, "application/json"));
            events.written(files.get(files.size() - 1));
        }
        if (activation.manifest()) {
            LocalFile manifest = manifest(activation, record, seen.plan(), start, files, dir);
            if (activation.sign() != null) {
                // Published with the data files, before the manifest: a manifest present always has its signature.
                files.add(signature(activation, manifest));
                events.written(files.get(files.size() - 1));
            }
            files.add(manifest);
            events.written(files.get(files.size() - 1));
        }
        return files;
    }

    /**
     * The outputs of a partitioned activation: every output's partitions are listed and counted
     * against {@code max_partitions} first (nothing is written when there are too many), then each
     * partition's rows are written into its folder, outputs in plan order, partitions in value order.
     */
    private void writePartitioned(Engine engine, ChangeState state, Activation activation, Assessment seen, RunObjects names, Path dir,
            List<String> warnings, List<LocalFile> files) throws IOException, SQLException {
        // The run's folder holds the manifest and schema file even when no output has a row (then no partition has a file).
        PrivateFiles.createFolders(dir);
        try (PartitionedWriter writer = new PartitionedWriter(activation, engine.connection(), seen.now().columns())) {
            List<PartitionedWriter.Output> kept = new ArrayList<>();
            for (PlannedOutput output : seen.plan().outputs()) {
                kept.add(writer.keep(state.select(output.content())));
            }
            writer.check(kept);
            for (int i = 0; i < kept.size(); i++) {
                PlannedOutput output = seen.plan().outputs().get(i);
                String name = names.outputName(output);
                for (PartitionedWriter.Partition partition : kept.get(i).partitions()) {
                    events.step("writing " + partition.path() + "/" + name + activation.format().extension());
                    WriteResult result = writer.write(kept.get(i), partition, dir, name);
                    warnings.addAll(result.warnings());
                    for (WrittenFile file : result.files()) {
                        files.add(LocalFile.of(file.path(), names.inPartition(partition.path(), file.fileName()),
                                output.content().name().toLowerCase(Locale.ROOT), file.rows(), activation.format().contentType()));
                        events.written(files.get(files.size() - 1));
                    }
                }
            }
        }
    }

    /**
     * The objects a run of {@code plan} would write, for a dry run: each output's name (its first part
     * when size limits split it) with the rows it would hold, outputs without rows left out under
     * {@code empty_files: skip}, then the manifest. Bytes and CRC32C are not known (0 and null).
     */
    private static List<FileRecord> planned(Activation activation, Assessment seen, String run, Instant start) {
        RunObjects names = RunObjects.of(activation, start, run);
        Extracted now = seen.now();
        Changes changes = seen.changes();
        List<FileRecord> files = new ArrayList<>();
        for (PlannedOutput output : seen.plan().outputs()) {
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
            // A partitioned output's objects are in folders its rows name: shown as COLUMN=*.
            String object = activation.partitionBy().isEmpty() ? names.firstObject(output.suffix())
                    : names.inPartition(partitionPattern(activation), names.firstObject(output.suffix())
                            .substring(names.firstObject(output.suffix()).lastIndexOf('/') + 1));
            files.add(new FileRecord(object, output.content().name().toLowerCase(Locale.ROOT), rows, 0, null));
        }
        if (activation.schemaFile()) {
            files.add(new FileRecord(names.schemaObject(), "schema", 0, 0, null));
        }
        if (activation.manifest()) {
            if (activation.sign() != null) {
                files.add(new FileRecord(names.manifestObject() + SigningKey.SUFFIX, "signature", 0, 0, null));
            }
            files.add(new FileRecord(names.manifestObject(), "manifest", 0, 0, null));
        }
        return files;
    }

    /** The folders of a partitioned activation's objects with an asterisk for each value ({@code country=}, then the asterisk). */
    private static String partitionPattern(Activation activation) {
        return String.join("/", activation.partitionBy().parts().stream().map(p -> {
            String exported = activation.mapping().stream().filter(m -> m.from().equals(p.column())).map(dev.sluice.plan.Mapping::to)
                    .findFirst().orElse(p.column());
            return p.folderName(exported) + "=*";
        }).toList());
    }

    private LocalFile manifest(Activation activation, RunRecord record, RunPlan plan, Instant start, List<LocalFile> files, Path dir)
            throws IOException {
        files = List.copyOf(files);
        RunObjects names = RunObjects.of(activation, start, record.id());
        Path path = Manifest.write(dir.resolve(names.manifestFile()), record.id(), activation.name(),
                activation.runType().name().toLowerCase(Locale.ROOT), activation.syncMode().name().toLowerCase(Locale.ROOT),
                plan.kind().name().toLowerCase(Locale.ROOT), plan.kind() == RunKind.FULL ? plan.reason() : null,
                start, clock.instant(), files.stream().map(LocalFile::record).toList(), record.schema());
        return LocalFile.of(path, names.manifestObject(), "manifest", 0, "application/json");
    }

    /**
     * {@code NAME.manifest.json.sig} beside the manifest: the base64 Ed25519 signature of the
     * manifest file's exact bytes, on one line.
     */
    private static LocalFile signature(Activation activation, LocalFile manifest) throws IOException {
        String signature = activation.sign().sign(java.nio.file.Files.readAllBytes(manifest.path()));
        Path path = manifest.path().resolveSibling(manifest.path().getFileName() + SigningKey.SUFFIX);
        java.nio.file.Files.writeString(path, signature + "\n", java.nio.charset.StandardCharsets.US_ASCII);
        return LocalFile.of(path, manifest.objectName() + SigningKey.SUFFIX, "signature", 0, "text/plain");
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
