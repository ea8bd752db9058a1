package dev.sluice.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top-level command: global options shared by every subcommand. Its subcommands are listed in
 * {@link Main#SUBCOMMANDS}, which adds only the one a command line names (see there why).
 */
@Command(name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Keeps files in a bucket in sync with SQL models and segments.",
        usageHelpAutoWidth = true)
public final class SluiceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Workspace file (default: ${DEFAULT-VALUE}).", defaultValue = "sluice.yaml")
    Path config;

    @Option(names = "--state-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            // Two lines: picocli breaks lines where java.text.BreakIterator allows, which includes after the
            // dot of '.sluice'; on a line of its own the default always fits (CliTest checks widths 70 to 140).
            description = {"Where Sluice keeps state and run history.", "(default: .sluice beside the workspace)"})
    Path stateDir;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Show stack traces of errors.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
