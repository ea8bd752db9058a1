package dev.sluice.run;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;

import dev.sluice.error.Secrets;
import dev.sluice.publish.LocalFile;
import dev.sluice.sync.Changes;
import java.time.Clock;
import java.time.Instant;

/**
 * The {@link Runner}'s side of its events: stamps each with the run's id and the Runner's clock and
 * hands it to the listener. A Runner does one run at a time (the command line and the server make
 * one per run), so the id of the run going is kept here from its start to its end.
 */
final class RunEvents {
    private final RunListener listener;
    private final Clock clock;
    private volatile String run;

    RunEvents(RunListener listener, Clock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    /** The id of the run going, null before it has one. */
    String run() {
        return run;
    }

    /** A line of the run's log, with secrets masked. */
    void message(String text) {
        listener.on(new RunEvent.Message(run, clock.instant(), Secrets.redact(text), false));
    }

    /** The log line of a step that typed events also tell (see {@link RunEvent.Message#step()}). */
    void step(String text) {
        listener.on(new RunEvent.Message(run, clock.instant(), Secrets.redact(text), true));
    }

    void started(RunRecord record) {
        run = record.id();
        listener.on(new RunEvent.Started(run, record.startedAt(), record.activation(), record.trigger()));
    }

    void phase(String name) {
        listener.on(new RunEvent.PhaseStarted(run, clock.instant(), name));
    }

    void rowsRead(long rows, long skipped) {
        listener.on(new RunEvent.RowsRead(run, clock.instant(), rows, skipped));
    }

    void changes(Changes changes) {
        listener.on(new RunEvent.ChangesFound(run, clock.instant(), changes.added(), changes.updated(), changes.removed(),
                changes.unchanged()));
    }

    void written(LocalFile file) {
        listener.on(new RunEvent.FileWritten(run, clock.instant(), file.objectName(), file.output(), file.rows(), file.bytes()));
    }

    void publishing(int files, long rows, long bytes, String destination) {
        listener.on(new RunEvent.Publishing(run, clock.instant(), files, rows, bytes, destination));
    }

    void uploaded(String object, long bytes) {
        listener.on(new RunEvent.FileUploaded(run, clock.instant(), object, bytes));
    }

    /** The run has ended at {@code at} (its record's end; now when it has none); what follows belongs to no run. */
    void finished(String id, RunStatus status, Instant at) {
        listener.on(new RunEvent.Finished(id, at != null ? at : clock.instant(), status));
        run = null;
    }
}
