package dev.sluice.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run's progress: on a terminal, one live line (elapsed time, the stage and its counts:
 * rows read, rows written, files published); otherwise, one plain log line per step, with the
 * seconds since the start, on standard error.
 */
final class RunProgress implements Consumer<String>, AutoCloseable {
    private final String activation;
    private final PrintWriter err;
    private final long started = System.nanoTime();
    private final ProgressBar bar;

    RunProgress(String activation, PrintWriter err, boolean terminal) {
        this.activation = activation;
        this.err = err;
        this.bar = terminal
                ? new ProgressBarBuilder().setTaskName(activation).setInitialMax(-1).setStyle(ProgressBarStyle.ASCII)
                        .continuousUpdate().setUpdateIntervalMillis(200).hideEta().build()
                : null;
    }

    @Override
    public void accept(String line) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(" " + line);
        } else {
            err.printf(Locale.ROOT, "[%s %5.1fs] %s%n", activation, (System.nanoTime() - started) / 1e9, line);
            err.flush();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
