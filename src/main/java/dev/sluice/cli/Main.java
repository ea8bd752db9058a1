package dev.sluice.cli;

import picocli.CommandLine;

/** The {@code sluice} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: subcommands, error handling and exit codes. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new SluiceCommand());
        cmd.setExecutionExceptionHandler(new ErrorReporter());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }
}
