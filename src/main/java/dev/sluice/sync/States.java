package dev.sluice.sync;

import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.source.Source;
import dev.sluice.source.WarehouseState;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** Where an activation keeps its snapshot ({@code state}: engine or source): the one place that chooses. */
public final class States {
    private States() {}

    /**
     * The run's change state. {@code latestSucceeded}: the activation's latest succeeded run, from
     * its history (a snapshot kept by another run is stale); {@code dryRun}: the run writes nothing,
     * not even the source's state schema.
     */
    public static ChangeState open(Engine engine, Workspace workspace, Activation activation, Clock clock, Path stateDir,
            Optional<String> latestSucceeded, boolean dryRun, boolean fullResync) {
        if (activation.state() == Activation.StateLocation.SOURCE) {
            Source source = sourceOf(workspace, activation);
            return new SourceState(engine, workspace, activation, clock, source, dialect(source, activation), latestSucceeded, dryRun);
        }
        return new EngineState(engine, workspace, activation, clock, new SnapshotStore(stateDir), fullResync);
    }

    /**
     * After a run's decision, in the location the activation does not use now: the snapshot kept
     * there is older than the one just committed, so it is forgotten (with {@code state: source},
     * the engine's; the source's old snapshot is never used again since it is not the latest
     * succeeded run's). Best effort: a snapshot left there is found stale by the same rule.
     */
    public static void forgetOtherLocation(Activation activation, Path stateDir) {
        if (activation.state() == Activation.StateLocation.SOURCE) {
            try {
                new SnapshotStore(stateDir).reset(activation.name());
            } catch (RuntimeException ignored) {
                // a later engine-state run finds it older than its history says and starts again
            }
        }
    }

    /** The run whose snapshot is in force; empty when none. */
    public static Optional<String> committedRun(Workspace workspace, Activation activation, Path stateDir) {
        if (activation.state() == Activation.StateLocation.SOURCE) {
            Source source = sourceOf(workspace, activation);
            return SourceState.committedRun(source, dialect(source, activation), activation.name());
        }
        return new SnapshotStore(stateDir).committedRun(activation.name());
    }

    /** Forgets the activation's snapshot wherever it is (the engine's, and the source's for {@code state: source}); whether there was one. */
    public static boolean reset(Workspace workspace, Activation activation, Path stateDir) {
        boolean had = new SnapshotStore(stateDir).reset(activation.name());
        if (activation.state() == Activation.StateLocation.SOURCE) {
            Source source = sourceOf(workspace, activation);
            had |= SourceState.reset(source, dialect(source, activation), activation.name());
        }
        return had;
    }

    /**
     * Checks a source: connects and runs a trivial query; for one that can keep state, also that
     * the state's schema and a table in it can be created (in a transaction rolled back). Returns
     * what was checked, for the message.
     */
    public static String check(Source source, java.util.List<dev.sluice.source.Model> models) {
        String checked = source.check(models);
        Optional<WarehouseState> dialect = source.warehouseState();
        if (dialect.isEmpty()) {
            return checked;
        }
        SourceState.probe(source, dialect.get());
        return "connected, ran a query, and may create the schema " + dialect.get().schema() + " and tables in it (for state: source)";
    }

    private static Source sourceOf(Workspace workspace, Activation activation) {
        return workspace.sourceOf(workspace.modelOf(activation.target()));
    }

    private static WarehouseState dialect(Source source, Activation activation) {
        return source.warehouseState().orElseThrow(() -> SluiceException.user("activations." + activation.name()
                + ".state: the source '" + source.name() + "' (" + source.type() + ") cannot keep state; remove the line"));
    }
}
