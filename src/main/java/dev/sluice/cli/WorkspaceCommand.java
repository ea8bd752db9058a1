package dev.sluice.cli;

import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Base of the commands that work on a workspace: its loading and the command's output streams. */
abstract class WorkspaceCommand {
    @ParentCommand
    SluiceCommand root;

    @Spec
    CommandSpec spec;

    /**
     * The workspace; settings whose {@code ${VAR}} is unset are refused only by what needs them
     * ({@link Workspace#requireSet}), so commands that do not (history, list) work without.
     */
    Workspace loadWorkspace() {
        return WorkspaceLoader.withSystemEnv().loadDeferringUnset(root.config);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
