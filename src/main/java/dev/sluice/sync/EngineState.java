package dev.sluice.sync;

import dev.sluice.engine.Engine;
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

    public EngineState(Engine engine, Workspace workspace, Activation activation, Clock clock, SnapshotStore snapshots) {
        this.engine = engine;
        this.workspace = workspace;
        this.activation = activation;
        this.clock = clock;
        this.snapshots = snapshots;
    }

    /** Whether the snapshot must keep the exported values: only {@code _removed} files need them. */
    private boolean keepsValues() {
        return activation.runType() == RunType.FULL_THEN_DELTA && activation.syncMode() == SyncMode.DIFFERENCE;
    }

    /**
     * A full_only run writes every row on every run and compares only for its counts and guards:
     * it reads keys and hashes, and writes straight from the model. Other runs keep every value of
     * the rows they read, since what they write must be exactly what they compared.
     */
    @Override
    public Extracted extract() throws SQLException {
        now = activation.runType() == RunType.FULL_ONLY ? Extractor.extractKeys(engine, workspace, activation, clock)
                : Extractor.extract(engine, workspace, activation, clock);
        previous = snapshots.current(activation.name());
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
        if (reason != null || previous.isEmpty() || previous.get().values()) {
            return reason;
        }
        if (keepsValues()) {
            return "the previous snapshot keeps only keys and row hashes (the activation was not full_then_delta × difference"
                    + " then), so the last values of removed rows are unknown";
        }
        try {
            if (!previous.get().engine().equals(engine.version())) {
                return "the previous snapshot's row hashes were computed by another engine version (" + previous.get().engine()
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
        if (compared) {
            detector.keepChangedRows();
        }
    }

    @Override
    public String select(OutputContent content) {
        if (!now.holdsValues()) {
            if (content != OutputContent.ALL) {
                throw new IllegalStateException("a run that read only keys and hashes can only write all rows, not " + content);
            }
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
