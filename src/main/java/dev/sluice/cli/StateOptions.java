package dev.sluice.cli;

import dev.sluice.run.Runner;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;

/** Where the state of a workspace lives, honouring {@code --state-dir}. */
final class StateOptions {
    private StateOptions() {}

    static Path stateDir(SluiceCommand root, Workspace workspace) {
        return Runner.stateDir(workspace, root.stateDir);
    }
}
