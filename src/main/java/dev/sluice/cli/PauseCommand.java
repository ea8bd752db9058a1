package dev.sluice.cli;

import dev.sluice.run.Pausing;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sluice pause}: the scheduler (of {@code sluice serve}) skips the activation until it is resumed. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Pauses an activation: sluice serve's scheduler skips it until 'sluice resume'.",
                "A run started by hand still runs, with a warning. Kept in the state folder, with who and when."})
public final class PauseCommand extends WorkspaceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ACTIVATION", description = "The activation to pause.")
    String activation;

    @Override
    public Integer call() {
        Workspace workspace = loadWorkspace();
        Activation found = workspace.activation(activation);
        out().println(Pausing.pause(StateOptions.stateDir(root, workspace), found, Clock.systemUTC().instant(), who()));
        out().flush();
        return 0;
    }

    /** Who pauses: the command line's user. */
    static String who() {
        return System.getProperty("user.name", "unknown") + " (sluice pause)";
    }
}
