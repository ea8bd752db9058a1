package dev.sluice.run;

import dev.sluice.history.RunStatus;

import java.time.Instant;

/**
 * What a run tells while it goes, as it happens: published by the {@link Runner} to its
 * {@link RunListener}s (the command line's progress display and log, the server's live runs, its
 * metrics). Every event carries the run's id and its time on the Runner's one clock, the clock
 * that also gives the run record's {@code startedAt} and {@code endedAt}: the time since
 * {@link Started#at()} of any event is what the record will count.
 */
public sealed interface RunEvent {
    /** The run's id; null for what happens before the run has one (its recovery of earlier runs). */
    String run();

    /** When it happened, on the Runner's clock. */
    Instant at();

    /** The run has its id and record; {@code at} is the record's {@code startedAt}, after recovery. */
    record Started(String run, Instant at, String activation, String trigger) implements RunEvent {}

    /** A phase begins (recover, engine, read, detect, write, stage, commit, publish): see {@code RunRecord.phases}. */
    record PhaseStarted(String run, Instant at, String phase) implements RunEvent {}

    /** The model or segment is read: {@code rows} read, of which {@code skipped} left out (invalid primary key). */
    record RowsRead(String run, Instant at, long rows, long skipped) implements RunEvent {}

    /** The comparison with the last snapshot is done. */
    record ChangesFound(String run, Instant at, long added, long updated, long removed, long unchanged) implements RunEvent {}

    /** One file is written in the run's work folder ({@code output} as in the record's files: added, removed, …, manifest). */
    record FileWritten(String run, Instant at, String object, String output, long rows, long bytes) implements RunEvent {}

    /** Every file is written: {@code files} holding {@code rows} rows in {@code bytes} bytes go to {@code destination}. */
    record Publishing(String run, Instant at, int files, long rows, long bytes, String destination) implements RunEvent {}

    /** One file is uploaded to the destination (staged, or under its final name when publishing directly). */
    record FileUploaded(String run, Instant at, String object, long bytes) implements RunEvent {}

    /**
     * A line of the run's log, already free of secrets. {@code step}: the line of a step that the typed
     * events also tell (reading, read, changes, writing, publishing), which a progress display shows by
     * itself; the others (a full run's reason, warnings, recovery) are for every reader.
     */
    record Message(String run, Instant at, String text, boolean step) implements RunEvent {}

    /**
     * The run has ended with {@code status} (succeeded, held, failed, dry_run); {@code at} is its record's
     * {@code endedAt}. A run that failed after its decision point ends here as failed, though its record
     * stays running until the next run completes it.
     */
    record Finished(String run, Instant at, RunStatus status) implements RunEvent {}
}
