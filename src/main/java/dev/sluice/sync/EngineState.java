package dev.sluice.sync;

import dev.sluice.engine.Engine;
import dev.sluice.plan.OutputContent;
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

    @Override
    public Extracted extract() throws SQLException {
        now = Extractor.extract(engine, workspace, activation, clock);
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
        return detector.select(content);
    }

    @Override
    public long previousBytes() {
        return snapshots.sizeOf(previous);
    }

    @Override
    public void commit(String run, boolean comparable, Instant at) {
        snapshots.commit(engine, activation.name(), run, now, comparable ? previous : Optional.empty(), at);
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
