package dev.sluice.cli;

import dev.sluice.run.Runner;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sluice reset}: forget an activation's snapshot, so that its next run is a first run. */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = {"Forgets the snapshot of an activation: its next run is a first (full) run.",
                "The run history is kept."})
public final class ResetCommand extends WorkspaceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ACTIVATION", description = "The activation to reset.")
    String activation;

    @Override
    public Integer call() {
        Workspace workspace = loadWorkspace();
        workspace.requireSet("reset activation " + activation, workspace.needsOfTarget(workspace.activation(activation).target()));
        Path state = StateOptions.stateDir(root, workspace);
        boolean had = new Runner(workspace, state, java.time.Clock.systemUTC(), line -> err().println(line), null).reset(activation);
        out().println(had ? "reset " + activation + ": forgot its snapshot (the rows it believes were delivered); its next run "
                + "is a first run: every row in full, and for difference mode nothing in _removed (its manifest says full, "
                + "first run: consumers replace their state). The history and published files are kept."
                : activation + " had no snapshot: its next run is a first run already");
        out().flush();
        return 0;
    }
}
