package dev.sluice.cli;

import dev.sluice.error.ErrorKind;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error as one clear line (several for a workspace with several
 * problems), a stack trace only under {@code --debug}, and returns the exit code of its kind:
 * 2 for user errors, 1 for external failures and bugs. Secrets are scrubbed from everything printed.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        if (ex instanceof CommandLine.ParameterException usage) {
            return Main.usageError(usage, new String[0]); // found by the command itself: a usage error all the same
        }
        PrintWriter err = cmd.getErr();
        boolean debug = isDebug(parseResult);
        ErrorKind kind;
        String message;
        if (ex instanceof SluiceException sluice) {
            kind = sluice.kind();
            message = sluice.getMessage();
        } else {
            kind = ErrorKind.INTERNAL;
            message = "internal error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                    + (debug ? "" : "\nThis is a bug in Sluice; rerun with --debug and report the stack trace.");
        }
        err.println(Terminal.red("error: ") + Secrets.redact(debug ? message : withoutSqlPosition(message)));
        if (debug) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            err.print(Secrets.redact(trace.toString()));
        }
        err.flush();
        if (cmd.getCommand() instanceof AfterError after) {
            after.afterError();
        }
        return kind.exitCode();
    }

    /**
     * The engine's errors end with the SQL and a caret under the position ({@code LINE 2: SELECT …});
     * that part goes to {@code --debug}, and what comes before it is one line.
     */
    static String withoutSqlPosition(String message) {
        int at = message.indexOf("\nLINE ");
        if (at < 0) {
            return message;
        }
        return message.substring(0, at).strip().replaceAll("\\s*\\n\\s*", "; ") + " (rerun with --debug for the position in the SQL)";
    }

    private static boolean isDebug(ParseResult parseResult) {
        for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
