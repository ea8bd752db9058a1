package dev.sluice.cli;

import dev.sluice.run.Progress;
import dev.sluice.run.RunEvent;
import dev.sluice.run.RunListener;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import me.tongfei.progressbar.DefaultProgressBarRenderer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;

/**
 * Shows a run's progress from its {@link RunEvent}s. Times count from the run's start (its record's
 * {@code startedAt}, taken after recovery) on the run's clock, as the summary does, so that the log
 * and the summary agree. On a terminal: a progress bar (me.tongfei:progressbar) with the elapsed
 * time, the phase, rows read and written, files, and bytes uploaded of the bytes to upload, redrawn
 * in place and cleared at the end; log lines are printed above it but for those of the steps it shows. Otherwise (pipes, CI): one plain
 * line per log line on standard error, {@code [activation seconds] text}, the last one the run's end.
 */
final class RunProgress implements RunListener, Consumer<String>, AutoCloseable {
    private final String activation;
    private final PrintWriter err;
    private final boolean terminal;
    private final Clock clock;
    private final int width;
    /** Guards what is written to the terminal: the bar's own thread draws through it too. */
    private final Object screen = new Object();
    private volatile Progress progress = Progress.NONE;
    private ProgressBar bar;
    private boolean shown;

    RunProgress(String activation, PrintWriter err, boolean terminal, Clock clock) {
        this.activation = activation;
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
        this.width = columns();
    }

    /** Seconds with one decimal, as the log and the summary both show a duration. */
    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }

    /** A run's event: the log line, the bar, or the run's end. */
    @Override
    public synchronized void on(RunEvent event) {
        progress = progress.after(event);
        if (!terminal) {
            if (event instanceof RunEvent.Message message) {
                plain(event.at(), message.text());
            } else if (event instanceof RunEvent.Finished finished) {
                plain(event.at(), "run " + finished.run() + " " + finished.status().json().replace('_', ' '));
            }
            return;
        }
        if (event instanceof RunEvent.Message message && !message.step()) {
            above(message.text());
        } else if (event instanceof RunEvent.Started) {
            bar = bar();
        } else if (event instanceof RunEvent.Finished) {
            endBar();
        } else if (bar != null) {
            Progress p = progress;
            if (p.bytesToUpload() >= 0) {
                bar.maxHint(Math.max(1, p.bytesToUpload()));
                bar.stepTo(p.bytesUploaded());
            }
            bar.refresh();
        }
    }

    /** A line that is not one of the run's events (its notifications, after it): printed as a log line. */
    @Override
    public synchronized void accept(String line) {
        if (terminal) {
            above(line);
        } else {
            plain(clock.instant(), line);
        }
    }

    private void plain(Instant at, String text) {
        Instant start = progress.startedAt();
        // Before the run's start (checking the bucket, recovering earlier runs) there is no elapsed time yet.
        String when = start == null ? "recover" : String.format(Locale.ROOT, "%5ss", seconds(Duration.between(start, at)));
        err.printf(Locale.ROOT, "[%s %s] %s%n", activation, when, text);
        err.flush();
    }

    private void above(String line) {
        synchronized (screen) {
            clear();
            err.println(line);
            err.flush();
        }
        if (bar != null) {
            bar.refresh();
        }
    }

    /** The bar, started at the run's start: the library's elapsed time begins where the run's did. */
    private ProgressBar bar() {
        Progress p = progress;
        Duration since = p.startedAt() == null ? Duration.ZERO : Duration.between(p.startedAt(), clock.instant());
        return new ProgressBarBuilder().setTaskName(activation).setInitialMax(-1).setStyle(ProgressBarStyle.ASCII)
                .setRenderer(new Figures()).setConsumer(new Line()).setUpdateIntervalMillis(500).continuousUpdate()
                .clearDisplayOnFinish().startsFrom(0, since.isNegative() ? Duration.ZERO : since).build();
    }

    private void endBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** What a phase is called on the bar. */
    static String words(String phase) {
        return switch (phase) {
            case "recover" -> "recovering";
            case "engine" -> "starting";
            case "read" -> "reading";
            case "detect" -> "comparing";
            case "write" -> "writing";
            case "stage" -> "uploading";
            case "commit" -> "committing";
            case "publish" -> "publishing";
            default -> phase.replace('_', ' ');
        };
    }

    /**
     * What the bar says beside it: the phase, then its figures (rows read and written; once every file
     * is written, files and bytes uploaded of those to upload, which the bar itself counts).
     */
    static String figures(Progress p) {
        StringBuilder text = new StringBuilder(words(p.phase()));
        if (p.bytesToUpload() >= 0) {
            text.append(String.format(Locale.ROOT, " · %d of %d %s · ", p.filesUploaded(), p.filesToUpload(),
                    p.filesToUpload() == 1 ? "file" : "files"));
            text.append(bytes(p.bytesUploaded())).append(" of ").append(bytes(p.bytesToUpload()));
        } else if (p.rowsRead() >= 0) {
            text.append(String.format(Locale.ROOT, " · read %,d", p.rowsRead()));
            if (p.filesWritten() > 0) {
                text.append(String.format(Locale.ROOT, " · written %,d", p.rowsWritten()));
            }
        }
        return text.toString();
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

    /** The library's renderer, with the run's phase and figures where it shows "current/max", and no "?" while the total is not known. */
    private final class Figures extends DefaultProgressBarRenderer {
        Figures() {
            super(ProgressBarStyle.ASCII, "", 1, false, null, null, false, state -> Optional.empty());
        }

        @Override
        protected String ratio(ProgressState state) {
            return figures(progress);
        }

        @Override
        protected String percentage(ProgressState state) {
            return state.isIndefinite() ? "" : super.percentage(state);
        }
    }

    /** Draws the bar on one line of standard error, in place; the last column is left free so that no terminal wraps. */
    private final class Line implements ProgressBarConsumer {
        @Override
        public int getMaxRenderedLength() {
            return Math.max(20, width - 1);
        }

        @Override
        public void accept(String rendered) {
            synchronized (screen) {
                String line = rendered.length() > getMaxRenderedLength() ? rendered.substring(0, getMaxRenderedLength()) : rendered;
                err.print("\r" + line + " ".repeat(getMaxRenderedLength() - line.length()));
                err.flush();
                shown = true;
            }
        }

        @Override
        public void clear() {
            synchronized (screen) {
                RunProgress.this.clear();
                err.flush();
            }
        }

        @Override
        public void close() {
            err.flush();
        }
    }

    /** Clears the bar's line; the caller holds {@link #screen}. */
    private void clear() {
        if (shown) {
            err.print("\r" + " ".repeat(Math.max(20, width - 1)) + "\r");
            shown = false;
        }
    }

    @Override
    public void close() {
        ProgressBar ending;
        synchronized (this) {
            ending = bar;
            bar = null;
        }
        if (ending != null) {
            ending.close();
        }
        synchronized (screen) {
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
