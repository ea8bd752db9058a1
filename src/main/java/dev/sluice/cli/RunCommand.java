package dev.sluice.cli;

import dev.sluice.history.NotificationLog;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.JsonText;
import dev.sluice.engine.Engine;
import dev.sluice.history.FileRecord;
import dev.sluice.history.Counts;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import dev.sluice.plan.Guards;
import dev.sluice.run.Runner;
import dev.sluice.run.RunJson;
import dev.sluice.run.RunNotifications;
import dev.sluice.run.Deliveries;
import dev.sluice.run.Outgoing;
import java.io.PrintWriter;
import java.util.ArrayList;
import dev.sluice.notify.Delivery;
import java.nio.file.Path;
import java.util.List;
import dev.sluice.workspace.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice run}: one run of an activation. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs an activation once.",
                "Reads its model or segment, compares it with the last successful run, writes the files of its "
                        + "sync mode, publishes them and commits the new snapshot."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the run succeeded", "1:the run failed (see docs/runs.md: the next run repeats its changes, or completes its publish)",
                "2:invalid input or configuration", "3:the run was held by a guard: it needs a person to look, not a fix (--accept-held)"})
public final class RunCommand extends WorkspaceCommand implements Callable<Integer>, AfterError {
    /** The exit code of a run held by a guard: it needs a person, not a fix, so CI can tell it from a failure. */
    static final int HELD = 3;

    @Parameters(paramLabel = "ACTIVATION", arity = "0..*",
            description = "The activation to run; several run one after another in this process.")
    List<String> activations = new ArrayList<>();

    @Option(names = "--all", description = "Run every activation of the workspace, one after another, in the order of the workspace.")
    boolean all;

    @Option(names = "--with-dependents", description = "Run the activation, then every activation that runs after it (its after "
            + "setting, directly or through others), each after those it runs after; an activation whose upstream run failed or "
            + "was held here is not run.")
    boolean withDependents;

    /** The activation being run. */
    private String activation;

    @Option(names = "--full-resync", description = "Export everything, as on a first run.")
    boolean fullResync;

    @Option(names = "--dry-run", description = "Read and compare, show what would be exported; write, publish and record nothing.")
    boolean dryRun;

    @Option(names = "--accept-held", description = "Lift the activation's guards for this run (after checking a held run); recorded on the run.")
    boolean acceptHeld;

    @Option(names = "--json", description = "Print the run record as one JSON object on stdout.")
    boolean json;

    @Option(names = "--memory-limit", paramLabel = "SIZE", defaultValue = Engine.DEFAULT_MEMORY_LIMIT,
            description = "The engine's memory before it spills to disk (default: ${DEFAULT-VALUE}).")
    String memoryLimit;

    /** The run's notifications on their way; waited for after the result (or the error) is printed. */
    private Deliveries deliveries;
    /** A failed run, whose notifications are listed after its error. */
    private FailedRun failedRun;

    private record FailedRun(Path stateDir, String id) {}

    /**
     * One activation: its exit code. Several (or {@code --all}): each in turn, a failure reported as
     * the single run reports it and the next one run all the same; the exit code is the worst one
     * (2 invalid, then 1 failed, then 3 held, then 0).
     */
    @Override
    public Integer call() throws JsonProcessingException {
        if (all && !activations.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give activations or --all, not both");
        }
        if (!all && activations.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'ACTIVATION'");
        }
        if (withDependents) {
            if (all || activations.size() != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--with-dependents takes exactly one ACTIVATION");
            }
            if (dryRun) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--with-dependents cannot be a --dry-run: "
                        + "an activation runs after the runs it depends on have succeeded");
            }
            return chain(activations.get(0));
        }
        if (!all && activations.size() == 1) {
            activation = activations.get(0);
            return runOne();
        }
        StateOptions.memoryLimit(memoryLimit);
        Workspace workspace = loadWorkspace();
        List<String> names = all ? List.copyOf(workspace.activations().keySet()) : List.copyOf(activations);
        names.forEach(workspace::activation); // an unknown name stops everything before anything runs
        ErrorReporter reporter = new ErrorReporter();
        int worst = 0;
        for (String name : names) {
            worst = worse(worst, runNamed(name, reporter));
        }
        return worst;
    }

    /** Runs activation {@code name} as one of several; its exit code, an error reported as a single run's would be. */
    private int runNamed(String name, ErrorReporter reporter) {
        activation = name;
        deliveries = null;
        failedRun = null;
        try {
            return runOne();
        } catch (Exception e) {
            return reporter.handleExecutionException(e, spec.commandLine(), spec.root().commandLine().getParseResult());
        }
    }

    /**
     * {@code --with-dependents}: {@code first}, then its dependents in the order the chain gives; an
     * activation runs only when each activation it runs after that is part of this chain succeeded here
     * (those outside it are not looked at: this is a run by hand). The exit code is the worst one.
     */
    private int chain(String first) {
        StateOptions.memoryLimit(memoryLimit);
        Workspace workspace = loadWorkspace();
        workspace.activation(first);
        List<String> order = dev.sluice.workspace.Chains.of(workspace).withDependents(first);
        if (order.size() > 1 && !json) {
            err().println("running " + String.join(", then ", order));
            err().flush();
        }
        ErrorReporter reporter = new ErrorReporter();
        java.util.Map<String, Integer> codes = new java.util.LinkedHashMap<>();
        int worst = 0;
        for (String name : order) {
            List<String> notRun = workspace.activation(name).after().stream()
                    .filter(codes::containsKey).filter(upstream -> codes.get(upstream) != 0).toList();
            if (!notRun.isEmpty()) {
                codes.put(name, -1);
                err().println("not run: " + name + " runs after " + String.join(", ", notRun) + ", which "
                        + "did not succeed here");
                err().flush();
                continue;
            }
            int code = runNamed(name, reporter);
            codes.put(name, code);
            worst = worse(worst, code);
        }
        return worst;
    }

    /** The worse of two exit codes: invalid input (2), then a failure (1), then a held run (3), then success (0). */
    static int worse(int a, int b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(int code) {
        return switch (code) {
            case 0 -> 0;
            case HELD -> 1;
            case 1 -> 2;
            default -> 3;
        };
    }

    private int runOne() throws JsonProcessingException {
        String memory = StateOptions.memoryLimit(memoryLimit);
        Workspace workspace = loadWorkspace();
        workspace.activation(activation);
        RunRecord record = null;
        Runner.RunFailed failure = null;
        Path stateDir = StateOptions.stateDir(root, workspace);
        List<Outgoing> outgoing = new ArrayList<>();
        // One clock for the run's record, its log and its progress: elapsed times all count from the run's start.
        Clock clock = Clock.systemUTC();
        try (RunProgress progress = new RunProgress(activation, err(), Terminal.interactive() && !json, clock)) {
            Runner runner = new Runner(workspace, stateDir, clock, line -> { }, memory).listening(progress);
            try {
                // The run, then its notifications (which never change its outcome).
                record = new RunNotifications(workspace, stateDir, clock, progress, null)
                        .run(runner, new Runner.Request(activation, fullResync, dryRun, "manual", acceptHeld), null, outgoing::addAll);
            } catch (Runner.RunFailed failed) {
                failure = failed;
            }
        }
        // Sent once the run has ended and its progress line is gone; the result is printed meanwhile.
        deliveries = new Deliveries(stateDir, Clock.systemUTC(), line -> {
            err().println(line);
            err().flush();
        });
        deliveries.submit(outgoing);
        if (failure != null) {
            failedRun = new FailedRun(stateDir, failure.run());
            // With --json, a failed run's record is printed too (the error goes to stderr as usual, then the notifications).
            if (json && failure.record().isPresent()) {
                awaitNotifications();
                out().println(JsonText.MAPPER.writeValueAsString(RunJson.of(failure.record().get(), notifications(stateDir,
                        failure.record().get().id()))));
                out().flush();
            }
            throw failure;
        }
        if (json) {
            awaitNotifications();
            out().println(JsonText.MAPPER.writeValueAsString(RunJson.of(record, dryRun ? List.of() : notifications(stateDir, record.id()))));
        } else if (record.status() == RunStatus.HELD) {
            err().println("run " + record.id() + " of " + record.activation() + " " + record.error());
            err().flush();
            awaitNotifications();
            printNotifications(err(), stateDir, record.id());
        } else {
            print(record, dryRun);
            out().flush();
            if (!dryRun) {
                awaitNotifications();
                printNotifications(out(), stateDir, record.id());
            }
        }
        if (root.debug) {
            err().println(phases(record));
        }
        out().flush();
        return record.status() == RunStatus.HELD ? HELD : 0;
    }

    /** After a failed run's error is printed: its notifications, waited for, then listed. */
    @Override
    public void afterError() {
        if (deliveries != null && deliveries.pending() > 0) {
            awaitNotifications();
            if (!json && failedRun != null) {
                printNotifications(err(), failedRun.stateDir(), failedRun.id());
            }
        }
    }

    /**
     * Waits for the run's notifications: each has its {@code timeout} (and a little more for its last
     * attempt), after which it is recorded as not delivered. The exit code stays the run's.
     */
    private void awaitNotifications() {
        if (deliveries == null) {
            return;
        }
        int pending = deliveries.pending();
        Duration wait = deliveries.longestWait();
        if (pending > 0 && !json) {
            err().printf(Locale.ROOT, "sending %d %s (waiting up to %d s)%n", pending, pending == 1 ? "notification" : "notifications",
                    Math.max(1, wait.toSeconds()));
            err().flush();
        }
        // Each delivery settles by itself within that time; the margin only covers the workers' own pace.
        deliveries.stop(wait.plus(Deliveries.SLACK), "not delivered: sluice run stopped waiting for it");
    }

    private void printNotifications(PrintWriter to, Path stateDir, String run) {
        for (Delivery d : notifications(stateDir, run)) {
            to.println("  notification " + d.name() + " (" + d.type() + ", " + d.event() + "): " + d.status()
                    + (d.error() == null ? "" : ": " + d.error()));
        }
        to.flush();
    }

    /** What became of the run's notifications, as recorded; none when the history cannot be read. */
    private static List<Delivery> notifications(Path stateDir, String run) {
        try (RunStore store = new RunStore(stateDir)) {
            return new NotificationLog(store.database()).notifications(run);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Under --debug: the process start (JVM, command line, workspace) and each phase of the run, in ms. */
    private static String phases(RunRecord record) {
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        // The run's clock starts after its recovery, which the phases count on their own.
        long beforeRun = record.startedAt().toEpochMilli() - jvmStart - record.phases().getOrDefault("recover", 0L);
        StringBuilder text = new StringBuilder("phases (ms): start " + beforeRun);
        record.phases().forEach((phase, ms) -> text.append(", ").append(phase).append(' ').append(ms));
        return text.toString();
    }

    private void print(RunRecord record, boolean dry) {
        Counts c = record.counts();
        if (dry && record.kind() == null) {
            // Held before reading (max_bytes_billed): nothing was read, so there is no plan to show.
            out().printf(Locale.ROOT, "dry run of %s: the run would be held before reading anything%n", record.activation());
        } else if (dry) {
            out().printf(Locale.ROOT, "dry run of %s: a %s run would export from %,d rows read (%,d added, %,d updated, %,d removed, %,d unchanged, %,d left out)%n",
                    record.activation(), record.kind(), c.read(), c.added(), c.updated(), c.removed(), c.unchanged(), c.skipped());
        }
        if (dry) {
            if (record.billing() != null) {
                out().println("  billed: " + dev.sluice.run.BilledBytes.describe(record.billing()));
            }
            for (FileRecord file : record.files()) {
                out().printf(Locale.ROOT, "  would write %s (%,d rows)%n", file.object(), file.rows());
            }
            for (Guards.Result guard : record.guards()) {
                out().println("  guard " + guard.describe() + " — " + guard.outcome().replace('_', ' ')
                        + (guard.broken() ? ": the run would be held" : "") + (guard.note() == null ? "" : " (" + guard.note() + ")"));
            }
            if (record.retention() != null) {
                out().printf(Locale.ROOT, "  retention would delete %d objects of earlier runs%n", record.retention().wouldDelete().size());
                record.retention().wouldDelete().forEach(name -> out().println("    " + name));
            }
            record.warnings().forEach(warning -> out().println("  warning: " + warning));
            return;
        }
        // The same time and format as the log's last line: from the run's start to its end.
        Duration took = Duration.between(record.startedAt(), record.endedAt());
        out().printf(Locale.ROOT, "%s run %s of %s succeeded in %s s%s%n", record.kind(), record.id(), record.activation(),
                RunProgress.seconds(took), record.fullReason() == null ? "" : " (full: " + record.fullReason() + ")");
        out().printf(Locale.ROOT, "  read %,d · added %,d · updated %,d · removed %,d · unchanged %,d · left out %,d · written %,d%n",
                c.read(), c.added(), c.updated(), c.removed(), c.unchanged(), c.skipped(), c.written());
        for (FileRecord file : record.files()) {
            out().printf(Locale.ROOT, "  %s  %,d rows, %,d bytes%n", file.object(), file.rows(), file.bytes());
        }
        if (record.billing() != null) {
            out().println("  billed: " + dev.sluice.run.BilledBytes.describe(record.billing()));
        }
        for (Guards.Result guard : record.guards()) {
            if (guard.outcome().equals("lifted")) {
                out().println("  guard lifted (--accept-held): " + guard.describe());
            }
        }
        if (record.retention() != null && !record.retention().deleted().isEmpty()) {
            out().printf(Locale.ROOT, "  retention deleted %d objects of earlier runs%n", record.retention().deleted().size());
        }
        for (String warning : record.warnings()) {
            out().println("  warning: " + warning);
        }
    }
}
