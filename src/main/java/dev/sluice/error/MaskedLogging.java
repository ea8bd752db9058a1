package dev.sluice.error;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes what libraries log through {@code java.util.logging} (the PostgreSQL and SQLite drivers,
 * Google's clients) through {@link Secrets#redact}: a driver quoting a URL or a connection string
 * in a warning must not carry its password to the terminal or a log file. Installed once at the
 * start of the command line and of the server, it replaces the root logger's handlers by one that
 * prints each record of level WARNING and above to stderr as one line,
 * {@code warning: LOGGER: MESSAGE (EXCEPTION)}, masked. A logging configuration file given with
 * {@code -Djava.util.logging.config.file} keeps its levels, not its handlers.
 */
public final class MaskedLogging {
    private static volatile boolean installed;

    private MaskedLogging() {}

    public static synchronized void install() {
        if (installed) {
            return;
        }
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(new MaskingHandler());
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            root.setLevel(Level.WARNING);
        }
        installed = true;
    }

    /** One record as one masked line, without the time stamp and source line of the JDK's console format. */
    static String line(LogRecord record) {
        String level = record.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "warning";
        String message = new Formatter() {
            @Override
            public String format(LogRecord r) {
                return formatMessage(r);
            }
        }.format(record);
        StringBuilder line = new StringBuilder(level).append(": ");
        if (record.getLoggerName() != null && !record.getLoggerName().isEmpty()) {
            line.append(record.getLoggerName()).append(": ");
        }
        line.append(message);
        if (record.getThrown() != null) {
            line.append(" (").append(record.getThrown()).append(')');
        }
        return Secrets.redact(line.toString()).strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** Prints to the stderr of the moment, so that a replaced {@code System.err} receives it too. */
    private static final class MaskingHandler extends Handler {
        MaskingHandler() {
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (record == null || !isLoggable(record)) {
                return;
            }
            PrintStream err = System.err;
            err.println(line(record));
            err.flush();
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
