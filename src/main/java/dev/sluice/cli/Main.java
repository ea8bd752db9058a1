package dev.sluice.cli;

import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** The {@code sluice} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        dev.sluice.error.MaskedLogging.install();
        System.exit(commandLine(args).execute(args));
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

    /** Sluice's subcommands, in the order of {@code sluice --help}. */
    static final List<Class<?>> SUBCOMMANDS = List.of(DemoCommand.class, ValidateCommand.class, PreviewCommand.class,
            RunCommand.class, ListCommand.class, RunsCommand.class, ResetCommand.class, PauseCommand.class, ResumeCommand.class,
            CheckCommand.class, VerifyCommand.class, NotifyCommand.class, ServeCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class);
    /** The top-level options that take a value, which a search for the subcommand's name skips with it. */
    private static final Set<String> ROOT_OPTIONS_WITH_VALUE = Set.of("-c", "--config", "--state-dir");

    /** The configured command line with every subcommand: for help, completion and tests. */
    public static CommandLine commandLine() {
        return commandLine(new String[0], true);
    }

    /**
     * The command line for {@code args}: when they name a subcommand, only that one is built.
     * Building a picocli command reads its annotations by reflection; building all of Sluice's took
     * about 0.5 s of CPU at every start (picocli's own classes are Java 5 classes, which the class-data
     * archive cannot hold), more than {@code --version} or {@code validate} needs in all. Without a
     * subcommand's name (help, a mistyped name) every subcommand is built, so that help lists them
     * and a mistake gets its suggestion; {@code --version} alone builds none.
     */
    public static CommandLine commandLine(String[] args) {
        return commandLine(args, false);
    }

    private static CommandLine commandLine(String[] args, boolean all) {
        String named = all ? null : subcommandNamed(args);
        boolean versionOnly = !all && args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
        CommandLine cmd = new CommandLine(new SluiceCommand());
        for (Class<?> subcommand : SUBCOMMANDS) {
            String name = subcommand.getAnnotation(CommandLine.Command.class).name();
            if (!versionOnly && (named == null || named.equals(name))) {
                cmd.addSubcommand(name, subcommand);
            }
        }
        cmd.setExecutionExceptionHandler(new ErrorReporter());
        cmd.setParameterExceptionHandler(Main::usageError);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine demo = cmd.getSubcommands().get("demo");
        if (demo != null) {
            dropOptions(demo, "--config", "--state-dir");
        }
        CommandLine bench = cmd.getSubcommands().get("bench");
        if (bench != null) {
            dropOptions(bench, "--config", "--state-dir");
            bench.getSubcommands().values().forEach(sub -> dropOptions(sub, "--config", "--state-dir"));
            dropOptions(bench.getSubcommands().get("upload"), "--repeat", "--heap", "--json");
        }
        return cmd;
    }

    /**
     * The subcommand {@code args} name: their first word that is not a top-level option or its
     * value, when it is the name of a subcommand other than {@code help}; null otherwise.
     */
    static String subcommandNamed(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (ROOT_OPTIONS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (!arg.startsWith("-")) {
                boolean known = SUBCOMMANDS.stream()
                        .anyMatch(c -> c.getAnnotation(CommandLine.Command.class).name().equals(arg));
                return known && !arg.equals("help") ? arg : null;
            } else if (arg.equals("--")) {
                return null;
            }
        }
        return null;
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
