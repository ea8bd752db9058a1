package dev.sluice.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows a run's progress. On a terminal: one live line of stable width (elapsed time, stage, rows
 * read, rows written, bytes being uploaded), redrawn in place and cleared at the end; lines it does not
 * summarise (a full run's reason, warnings) are printed above it. Otherwise: one plain log line per
 * step, with the seconds since the start, on standard error.
 */
final class RunProgress implements Consumer<String>, AutoCloseable {
    private static final Pattern READ = Pattern.compile("read ([\\d,]+) rows.*");
    private static final Pattern PUBLISHING = Pattern.compile("publishing \\d+ files? \\(([\\d,]+) rows, ([\\d,]+) bytes\\).*");

    /** What the live line shows; -1 for a figure not known yet. */
    record State(String stage, long read, long written, long bytes) {
        static final State START = new State("starting", -1, -1, -1);

        /** The state after one of the run's log lines; null when the line is not one the live line summarises. */
        State after(String line) {
            Matcher read = READ.matcher(line);
            Matcher publishing = PUBLISHING.matcher(line);
            if (line.startsWith("reading ")) {
                return new State("reading", read(), written, bytes);
            }
            if (read.matches()) {
                return new State("comparing", number(read.group(1)), written, bytes);
            }
            if (line.startsWith("changes: ")) {
                return new State("comparing", this.read, written, bytes);
            }
            if (line.startsWith("writing ")) {
                return new State("writing", this.read, written, bytes);
            }
            if (publishing.matches()) {
                return new State("uploading", this.read, number(publishing.group(1)), number(publishing.group(2)));
            }
            return null;
        }

        private static long number(String text) {
            return Long.parseLong(text.replace(",", ""));
        }
    }

    /**
     * The live line: always {@code width - 1} characters (the last column is left free, so that no
     * terminal wraps), whatever the figures, so that redrawing it leaves nothing behind.
     */
    static String render(String activation, State state, Duration elapsed, int width) {
        long s = elapsed.toSeconds();
        String time = s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
        // The figures first, in fixed columns; the activation's name last, cut when the terminal is narrow.
        String line = String.format(Locale.ROOT, "%7s %-9s read %11s  written %11s  upload %8s  %s", time, state.stage(),
                count(state.read()), count(state.written()), state.bytes() < 0 ? "-" : bytes(state.bytes()), activation);
        int room = Math.max(20, width - 1);
        if (line.length() > room) {
            line = line.substring(0, room - 1) + "…";
        }
        return line + " ".repeat(room - line.length());
    }

    private static String count(long n) {
        return n < 0 ? "-" : String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = n;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private final String activation;
    private final PrintWriter err;
    private final long started = System.nanoTime();
    private final boolean terminal;
    private final int width;
    private final ScheduledExecutorService ticker;
    private State state = State.START;
    private boolean shown;

    RunProgress(String activation, PrintWriter err, boolean terminal) {
        this.activation = activation;
        this.err = err;
        this.terminal = terminal;
        this.width = columns();
        this.ticker = terminal ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-progress");
            t.setDaemon(true);
            return t;
        }) : null;
        if (terminal) {
            ticker.scheduleAtFixedRate(this::draw, 0, 500, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void accept(String line) {
        if (!terminal) {
            err.printf(Locale.ROOT, "[%s %5.1fs] %s%n", activation, (System.nanoTime() - started) / 1e9, line);
            err.flush();
            return;
        }
        State next = state.after(line);
        if (next == null) {
            clear();
            err.println(line);
        } else {
            state = next;
        }
        draw();
    }

    private synchronized void draw() {
        err.print("\r" + render(activation, state, Duration.ofNanos(System.nanoTime() - started), width));
        err.flush();
        shown = true;
    }

    private void clear() {
        if (shown) {
            err.print("\r" + " ".repeat(Math.max(20, width - 1)) + "\r");
            shown = false;
        }
    }

    @Override
    public synchronized void close() {
        if (terminal) {
            ticker.shutdownNow();
            clear();
            err.flush();
        }
    }

    /** The terminal's width as the shell tells it ({@code COLUMNS}), else 80. */
    private static int columns() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").trim());
        } catch (NumberFormatException e) {
            return 80;
        }
    }
}
