package dev.sluice.sync;


import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.plan.OutputContent;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The default {@link ChangeState}: the model's rows are read into the embedded engine
 * ({@link Extractor}), compared there with the snapshot file ({@link ChangeDetector}), and the
 * snapshot is kept under the state folder ({@link SnapshotStore}).
 */
public final class EngineState implements ChangeState {
    private final Engine engine;
    private final Workspace workspace;
    private final Activation activation;
    private final Clock clock;
    private final SnapshotStore snapshots;
    private Extracted now;
    private Optional<SnapshotStore.Snapshot> previous = Optional.empty();
    private ChangeDetector detector;
    private boolean compared;
    private final boolean fullResync;
    /** The model's query, when this run reads values from it a second time ({@link #extract}). */
    private Extractor.Query query;

    public EngineState(Engine engine, Workspace workspace, Activation activation, Clock clock, SnapshotStore snapshots,
            boolean fullResync) {
        this.engine = engine;
        this.workspace = workspace;
        this.activation = activation;
        this.clock = clock;
        this.snapshots = snapshots;
        this.fullResync = fullResync;
    }

    /** Whether the snapshot must keep the exported values: only {@code _removed} files need them. */
    private boolean keepsValues() {
        return activation.runType() == RunType.FULL_THEN_DELTA && activation.syncMode() == SyncMode.DIFFERENCE;
    }

    /**
     * Reads keys and hashes only, and the values again later from the model's query, where that
     * second read is cheaper than keeping every value: a full_only run (it writes every row and
     * compares only for its counts and guards) writes straight from the query; a delta run (a
     * comparable snapshot, no --full-resync, and the model not found to change between two reads
     * before) reads its changed rows again and checks their hashes ({@link #prepare}). Both only
     * when the model's source can be read twice ({@code Source.readableTwice}). Every other
     * run (first, full, after a change of columns) keeps every value of the rows it read, since what
     * it writes must be exactly what it compared.
     */
    @Override
    public Extracted extract() throws SQLException {
        previous = snapshots.current(activation.name());
        Extractor.Query described = Extractor.describe(engine, workspace, activation);
        // A fresh snapshot (another engine version hashed the previous one) needs every value: only an incremental commit will do.
        boolean delta = activation.runType() == RunType.FULL_THEN_DELTA && !fullResync && previous.isPresent()
                && previous.get().fingerprint().equals(described.fingerprint()) && staleReason(previous.get()) == null
                && previous.get().engine().equals(engine.version()) && !snapshots.readsOnce(activation.name());
        boolean keysOnly = (activation.runType() == RunType.FULL_ONLY || delta)
                && workspace.sourceOf(workspace.modelOf(activation.target())).readableTwice();
        Extractor.Query compiled = described.compile(engine, clock, workspace.file().toString(), keysOnly);
        now = keysOnly ? Extractor.keysOnly(engine, activation, compiled) : Extractor.materialise(engine, activation, compiled);
        query = now.holdsValues() ? null : compiled;
        detector = new ChangeDetector(engine, now);
        detector.usePrevious(previous.orElse(null));
        return now;
    }

    @Override
    public Optional<String> previousFingerprint() {
        return previous.map(SnapshotStore.Snapshot::fingerprint);
    }

    @Override
    public String staleReason(Extracted rows) {
        String reason = ChangeState.super.staleReason(rows);
        return reason != null || previous.isEmpty() ? reason : staleReason(previous.get());
    }

    /** Why a snapshot with this run's columns still cannot be compared with its rows, or null. */
    private String staleReason(SnapshotStore.Snapshot snapshot) {
        if (snapshot.values()) {
            return null;
        }
        if (keepsValues()) {
            return "the previous snapshot keeps only keys and row hashes (the activation was not full_then_delta × difference"
                    + " then), so the last values of removed rows are unknown";
        }
        try {
            if (!snapshot.engine().equals(engine.version())) {
                return "the previous snapshot's row hashes were computed by another engine version (" + snapshot.engine()
                        + ") and it keeps no values to compute them again";
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the engine's version: " + e.getMessage(), e);
        }
        return null;
    }

    @Override
    public Changes count() throws SQLException {
        compared = true;
        return detector.count();
    }

    @Override
    public Changes classifyKeys() throws SQLException {
        return detector.classifyKeys();
    }

    @Override
    public void prepare(boolean all) throws SQLException {
        if (!compared) {
            return;
        }
        if (query == null || activation.runType() == RunType.FULL_ONLY) {
            // The commit needs the changed rows as this run's table holds them (with values or not).
            detector.keepChangedRows();
        } else if (!detector.readChangedRows(query::selectChanged)) {
            snapshots.markReadsOnce(activation.name());
            throw SluiceException.external("activations." + activation.name() + ": the model " + query.model().name()
                    + " gave other rows when its changed rows were read a second time in this run (its result changes between two"
                    + " reads: random(), now(), LIMIT without ORDER BY …); nothing was published. From the next run on, "
                    + activation.name() + " reads every value once; run it again", null);
        }
    }

    @Override
    public String select(OutputContent content) {
        // Without values, this is a full_only run (all rows, straight from the model) or a delta run,
        // whose changed rows prepare read again; full runs of full_then_delta always hold values.
        if (!now.holdsValues() && content == OutputContent.ALL) {
            return now.rows();
        }
        return detector.select(content);
    }

    /**
     * The larger of the previous snapshot and the new one: a snapshot with values is about as large
     * as the files; one of keys and hashes holds 8 bytes of hash a row and its keys, whose width is
     * taken from a sample of 10,000 rows (as text, which for numbers and dates is wider than stored).
     */
    @Override
    public long commitBytes(long filesBytes) throws SQLException {
        long previousBytes = snapshots.sizeOf(previous);
        if (keepsValues()) {
            return Math.max(previousBytes, filesBytes);
        }
        String width = now.keys().stream().map(k -> "COALESCE(strlen(CAST(" + k + " AS VARCHAR)), 0) + 4")
                .collect(java.util.stream.Collectors.joining(" + "));
        long rows = now.read() - now.skipped();
        double keyBytes;
        try (java.sql.Statement statement = engine.connection().createStatement();
                java.sql.ResultSet rs = statement.executeQuery("SELECT COALESCE(avg(" + width + "), 0) FROM "
                        + WorkTables.NOW + " USING SAMPLE 10000 ROWS")) {
            rs.next();
            keyBytes = rs.getDouble(1);
        }
        return Math.max(previousBytes, (long) (rows * (8 + keyBytes)));
    }

    @Override
    public void commit(String run, boolean comparable, Instant at) {
        snapshots.commit(engine, activation.name(), run, now, comparable ? previous : Optional.empty(), at, keepsValues());
    }

    @Override
    public Optional<String> committedRun() {
        return snapshots.committedRun(activation.name());
    }

    @Override
    public void close() {
        // the engine belongs to the run
    }
}
