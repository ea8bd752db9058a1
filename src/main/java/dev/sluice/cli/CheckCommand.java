package dev.sluice.cli;

import dev.sluice.config.Suggestions;
import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.error.SluiceException;
import dev.sluice.plan.FolderPath;
import dev.sluice.workspace.Workspace;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice check DESTINATION}: writes, reads back and deletes a probe object. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Tests a destination: writes, reads and deletes a probe object.",
                "Connects with the destination's credentials and writes the probe under --folder; says plainly what is "
                        + "wrong when a step fails, and gives up on an endpoint that does not answer after about 15 seconds."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the destination works", "1:the destination could not be reached or failed",
                "2:a setting or a permission is wrong (the message names it)"})
public final class CheckCommand extends WorkspaceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DESTINATION", description = "The destination to check.")
    String destination;

    @Option(names = "--folder", paramLabel = "PATH", description = "Where to write the probe object (default: the bucket's root).")
    String folder;

    @Override
    public Integer call() {
        Workspace workspace = loadWorkspace();
        DestinationConfig config = workspace.destinations().get(destination);
        if (config == null) {
            throw SluiceException.user("no destination named '" + destination + "'"
                    + Suggestions.didYouMean(destination, workspace.destinations().keySet())
                    + (workspace.destinations().isEmpty() ? "; the workspace defines none"
                            : "; known: " + String.join(", ", workspace.destinations().keySet())));
        }
        String path;
        try {
            path = FolderPath.normalise(folder); // the rules of an activation's folder
        } catch (IllegalArgumentException e) {
            throw SluiceException.user("--folder: " + e.getMessage());
        }
        try (Destination opened = config.open()) {
            opened.check(path);
        }
        out().println(Terminal.green("ok: ") + "destination " + destination + " (" + config.describe() + ") works: wrote, read back, listed and deleted a probe object"
                + (path.isEmpty() ? "" : " under " + path + "/"));
        out().flush();
        return 0;
    }
}
