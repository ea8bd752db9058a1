package dev.sluice.cli;

import dev.sluice.config.ByteSize;
import dev.sluice.error.SluiceException;
import dev.sluice.run.Runner;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;

/** Where the state of a workspace lives, honouring {@code --state-dir}. */
final class StateOptions {
    private StateOptions() {}

    static Path stateDir(SluiceCommand root, Workspace workspace) {
        return Runner.stateDir(workspace, checked(root.stateDir));
    }

    /** {@code --state-dir} as given, or null; an empty value would put the history in the working folder. */
    static Path checked(Path stateDir) {
        if (stateDir != null && stateDir.toString().isBlank()) {
            throw SluiceException.user("--state-dir: must name a folder, got an empty value; leave the option out to use "
                    + ".sluice beside the workspace");
        }
        return stateDir;
    }

    /** {@code --memory-limit} checked before anything starts: a size the engine understands. */
    static String memoryLimit(String value) {
        try {
            ByteSize.parse(value.strip());
            return value.strip();
        } catch (IllegalArgumentException e) {
            throw SluiceException.user("--memory-limit: " + e.getMessage());
        }
    }
}
