package dev.sluice.run;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.Counts;
import dev.sluice.history.RunStore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.error.Secrets;
import dev.sluice.notify.Notice;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.NotifyEvent;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a run tells its notifications once it has ended: one {@link Outgoing} per entry that listens
 * for the run's event, handed to {@link Deliveries}, which sends them and records what became of
 * each in the run history. Nothing here changes a run's outcome: its record, exception and exit
 * code stay as they were, and no delivery is under way while the run holds its activation.
 *
 * <p>The event is the run's end status (failed, held, succeeded); a success that follows one or more
 * failed or held runs of the activation is also {@code recovered}. An entry that listens for
 * {@code recovered} gets that event, one that listens for {@code succeeded} only gets
 * {@code succeeded}: one message per entry and run. Messages are stateful per activation: only the
 * first failed or held run of a streak is told; the next ones are counted, and the recovery says how
 * many there were. A run that pauses its activation ({@link FailurePause}) is told as {@code paused}.
 */
public final class RunNotifications {
    private final Workspace workspace;
    private final Path stateDir;
    private final Consumer<String> log;
    private final String publicUrl;
    private final Clock clock;

    /** {@code publicUrl}: the web UI's address ({@code serve --public-url}), for entries that do not set their own; may be null. */
    public RunNotifications(Workspace workspace, Path stateDir, Clock clock, Consumer<String> log, String publicUrl) {
        this.workspace = workspace;
        this.stateDir = stateDir;
        this.clock = clock;
        this.log = line -> log.accept(Secrets.redact(line));
        this.publicUrl = publicUrl;
    }

    /**
     * Runs {@code request} through {@code runner} and, once it has ended (its lock released), gives
     * its notifications to {@code send} (not called when there are none): the run's record, or its
     * {@link Runner.RunFailed}, unchanged. A dry run notifies nobody.
     */
    public RunRecord run(Runner runner, Runner.Request request, String runId, Consumer<List<Outgoing>> send) {
        return run(runner, request, runId, send, send);
    }

    /**
     * As above, the run's OpenLineage START given to {@code sendNow} as the run starts (a server
     * delivers it while the run goes; {@code send} may wait for the run to end).
     */
    public RunRecord run(Runner runner, Runner.Request request, String runId, Consumer<List<Outgoing>> sendNow,
            Consumer<List<Outgoing>> send) {
        String id = runId != null ? runId : RunIds.next(clock.instant());
        if (!request.dryRun()) {
            hand(lineageStart(request.activation(), id), sendNow);
        }
        RunRecord record;
        try {
            record = runner.run(request, id);
        } catch (Runner.RunFailed failed) {
            if (!request.dryRun()) {
                hand(afterFailure(request.activation(), failed), send);
            }
            throw failed;
        }
        if (!request.dryRun()) {
            hand(withLineage(after(record), record), send);
        }
        return record;
    }

    /** The run's OpenLineage START, handed over as it starts (a server delivers it at once; the CLI after the run, first). */
    private List<Outgoing> lineageStart(String activation, String runId) {
        try {
            return LineageEvents.start(workspace, activation, runId, clock.instant());
        } catch (RuntimeException e) {
            log.accept("warning: the lineage START of run " + runId + " could not be sent: " + e.getMessage());
            return List.of();
        }
    }

    private void hand(List<Outgoing> outgoing, Consumer<List<Outgoing>> send) {
        if (outgoing.isEmpty()) {
            return;
        }
        try {
            send.accept(outgoing);
        } catch (RuntimeException e) {
            log.accept("warning: the notifications of run " + outgoing.get(0).run() + " could not be sent: " + e.getMessage());
        }
    }

    /** The notifications of a run that ended with {@code record}, ready to be delivered. */
    public List<Outgoing> after(RunRecord record) {
        try {
            Optional<NotifyEvent> event = NotifyEvent.ofStatus(record.status().json());
            Activation activation = workspace.activations().get(record.activation());
            if (event.isEmpty() || activation == null) {
                return List.of();
            }
            FailurePause.Outcome outcome = pauseRule(activation, record);
            List<Notifier> notifiers = workspace.notificationsOf(activation);
            if (notifiers.isEmpty()) {
                return List.of();
            }
            int failedBefore = 0;
            if (event.get() == NotifyEvent.SUCCEEDED) {
                try (RunStore store = new RunStore(stateDir)) {
                    failedBefore = FailurePause.failedBefore(store, record);
                }
            }
            // Stateful: the first failed or held run of a streak is told, the next ones are only counted.
            boolean streakGoesOn = outcome.streak() > 1;
            List<Outgoing> outgoing = new ArrayList<>();
            for (Notifier notifier : notifiers) {
                NotifyEvent chosen = outcome.paused() && notifier.settings().wants(NotifyEvent.PAUSED) ? NotifyEvent.PAUSED
                        : streakGoesOn ? null : choose(notifier, event.get(), failedBefore > 0);
                if (chosen == null) {
                    continue;
                }
                Notice notice = notice(chosen, activation, record, chosen == NotifyEvent.PAUSED ? outcome.streak() : failedBefore,
                        outcome.resumed())
                        .withPublicUrl(notifier.settings().publicUrl() != null ? notifier.settings().publicUrl() : publicUrl);
                outgoing.add(new Outgoing(activation.name(), record.id(), notifier, notice));
            }
            return outgoing;
        } catch (RuntimeException e) {
            log.accept("warning: the notifications of run " + record.id() + " could not be sent: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * A failed run: its record as the history holds it; for one that failed after its decision point
     * (recorded as running until the next run completes it), its running record marked failed here.
     */
    private List<Outgoing> afterFailure(String activation, Runner.RunFailed failed) {
        Optional<RunRecord> record = failed.record();
        if (record.isEmpty()) {
            try (RunStore store = new RunStore(stateDir)) {
                record = store.get(failed.run()).map(r -> r.failed(clock.instant(), r.counts(), r.warnings(), failed.getMessage()));
            } catch (RuntimeException e) {
                log.accept("warning: the notifications of run " + failed.run() + " could not be sent: " + e.getMessage());
                return List.of();
            }
        }
        return record.map(r -> withLineage(after(r), r)).orElse(List.of());
    }

    /**
     * {@code outgoing}, then the run's OpenLineage end event when the workspace has lineage: (delivered
     * after the notifications; its START was handed over when the run started).
     */
    private List<Outgoing> withLineage(List<Outgoing> outgoing, RunRecord record) {
        try {
            List<Outgoing> events = LineageEvents.end(workspace, record);
            if (events.isEmpty()) {
                return outgoing;
            }
            List<Outgoing> all = new ArrayList<>(outgoing);
            all.addAll(events);
            return all;
        } catch (RuntimeException e) {
            log.accept("warning: the lineage events of run " + record.id() + " could not be sent: " + e.getMessage());
            return outgoing;
        }
    }

    /** The event {@code notifier} gets for a run that ended with {@code event}; null when it gets none. */
    static NotifyEvent choose(Notifier notifier, NotifyEvent event, boolean recovered) {
        if (event == NotifyEvent.SUCCEEDED && recovered && notifier.settings().wants(NotifyEvent.RECOVERED)) {
            return NotifyEvent.RECOVERED;
        }
        return notifier.settings().wants(event) ? event : null;
    }

    /**
     * {@code pause_after_failures} after the run: pauses the activation, or lifts the pause it made
     * (said in the log); never changes the run's outcome.
     */
    private FailurePause.Outcome pauseRule(Activation activation, RunRecord record) {
        try (RunStore store = new RunStore(stateDir)) {
            FailurePause.Outcome outcome = FailurePause.after(store, activation, record, clock.instant());
            if (outcome.paused()) {
                log.accept("paused after " + outcome.streak() + " failed runs in a row (pause_after_failures: "
                        + activation.pauseAfterFailures() + "); " + resumeHint(activation.name()));
            } else if (outcome.resumed()) {
                log.accept("resumed: the run succeeded, which lifts the pause made after failed runs");
            }
            return outcome;
        } catch (RuntimeException e) {
            log.accept("warning: pause_after_failures could not be applied after run " + record.id() + ": " + e.getMessage());
            return new FailurePause.Outcome(0, false, false);
        }
    }

    private static String resumeHint(String activation) {
        return "resume it with 'sluice resume " + activation + "' or the Resume button of the web UI; "
                + "a run started by hand that succeeds resumes it too";
    }

    private Notice notice(NotifyEvent event, Activation activation, RunRecord record, int count, boolean resumed) {
        String what = switch (event) {
            case RECOVERED -> "succeeded again after " + count + (count == 1 ? " failed run" : " failed runs");
            case PAUSED -> record.status().json() + "; " + activation.name() + " is paused after " + count + " failed runs in a row";
            default -> event.json();
        };
        String title = activation.name() + ": run " + record.id() + " " + what;
        List<String> lines = new ArrayList<>();
        if (event == NotifyEvent.PAUSED) {
            lines.add("the scheduler skips it until it is resumed: " + resumeHint(activation.name()));
        }
        if (resumed) {
            lines.add("it was paused after failed runs; this success resumed it");
        }
        Counts c = record.counts();
        String took = record.endedAt() == null ? "" : String.format(Locale.ROOT, " in %.1f s",
                Duration.between(record.startedAt(), record.endedAt()).toMillis() / 1000.0);
        lines.add((record.kind() == null ? "" : record.kind() + " run, ") + (record.trigger() == null ? "" : record.trigger() + " trigger, ")
                + "to " + activation.destination() + took);
        lines.add(String.format(Locale.ROOT, "read %,d · added %,d · updated %,d · removed %,d · unchanged %,d · written %,d",
                c.read(), c.added(), c.updated(), c.removed(), c.unchanged(), c.written()));
        if (!record.files().isEmpty()) {
            long bytes = record.files().stream().mapToLong(f -> f.bytes()).sum();
            lines.add(String.format(Locale.ROOT, "%d %s, %,d bytes", record.files().size(), record.files().size() == 1 ? "file" : "files",
                    bytes));
        }
        if (record.error() != null) {
            lines.add("error: " + record.error());
        }
        lines.replaceAll(Secrets::redact);
        ObjectNode document = JsonText.MAPPER.createObjectNode();
        document.put("event", event.json());
        document.put("activation", activation.name());
        document.put("destination", activation.destination());
        if (event == NotifyEvent.PAUSED) {
            document.put("failed_in_a_row", count);
            document.put("reason", "paused after " + count + " failed runs in a row (pause_after_failures: "
                    + activation.pauseAfterFailures() + "); " + resumeHint(activation.name()));
        } else if (event == NotifyEvent.RECOVERED) {
            document.put("failed_before", count);
        }
        document.set("run", redacted(record));
        return new Notice(event.json(), record.id(), Secrets.redact(title), lines, document, null);
    }

    /** The run record as JSON, passed through {@link Secrets#redact} (a record never holds a secret; this makes sure). */
    private static ObjectNode redacted(RunRecord record) {
        try {
            return (ObjectNode) JsonText.MAPPER.readTree(Secrets.redact(JsonText.MAPPER.writeValueAsString(record)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write run " + record.id() + " as JSON", e);
        }
    }
}
