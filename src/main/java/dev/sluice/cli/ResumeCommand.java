package dev.sluice.cli;

import dev.sluice.run.Pausing;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sluice resume}: lifts the pause of {@code sluice pause} (or of the web UI). */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Resumes a paused activation: sluice serve's scheduler runs it again from its next scheduled time.",
                "An activation with enabled: false in its file is resumed by editing the file."})
public final class ResumeCommand extends WorkspaceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ACTIVATION", description = "The activation to resume.")
    String activation;

    @Override
    public Integer call() {
        Workspace workspace = loadWorkspace();
        Activation found = workspace.activation(activation);
        out().println(Pausing.resume(StateOptions.stateDir(root, workspace), found));
        out().flush();
        return 0;
    }
}
