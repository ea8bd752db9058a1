package dev.sluice.cli;

import picocli.CommandLine;

/** The {@code sluice} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        dev.sluice.error.MaskedLogging.install();
        System.exit(commandLine().execute(args));
    }

    /**
     * A usage mistake: one {@code error:} line naming it, a suggestion when picocli has one, and
     * where the help is, instead of the whole help text. Exit code 2.
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The configured command line: subcommands, error handling and exit codes. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new SluiceCommand());
        cmd.setExecutionExceptionHandler(new ErrorReporter());
        cmd.setParameterExceptionHandler(Main::usageError);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        dropOptions(cmd.getSubcommands().get("demo"), "--config", "--state-dir");
        CommandLine bench = cmd.getSubcommands().get("bench");
        dropOptions(bench, "--config", "--state-dir");
        bench.getSubcommands().values().forEach(sub -> dropOptions(sub, "--config", "--state-dir"));
        dropOptions(bench.getSubcommands().get("upload"), "--repeat", "--heap", "--json");
        return cmd;
    }

    /**
     * Removes options a command inherits or mixes in but does not use (the demo and the benchmarks
     * build their own workspace), so that its help lists only what applies and giving one is a usage error.
     */
    private static void dropOptions(CommandLine command, String... names) {
        for (String name : names) {
            CommandLine.Model.OptionSpec option = command.getCommandSpec().findOption(name);
            if (option != null) {
                command.getCommandSpec().remove(option);
            }
        }
    }
}
