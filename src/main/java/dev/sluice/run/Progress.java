package dev.sluice.run;

import java.time.Instant;

/**
 * A run's progress so far, folded from its {@link RunEvent}s: the phase going and the counts the
 * events have told. What the command line's progress display shows and what the server answers for
 * a live run. -1 for a figure not known yet.
 *
 * @param startedAt the run's start (its record's {@code startedAt}); null before it
 * @param rowsWritten rows in the files written so far (the manifest holds none)
 * @param bytesToUpload what the run will upload, known once every file is written
 * @param at the time of the last event, on the run's clock
 */
public record Progress(String run, String activation, Instant startedAt, String phase, long rowsRead, long rowsWritten,
        int filesWritten, int filesUploaded, long bytesUploaded, int filesToUpload, long bytesToUpload, Instant at) {

    /** Before anything happened. */
    public static final Progress NONE = new Progress(null, null, null, "recover", -1, 0, 0, 0, 0, -1, -1, null);

    /** The progress after {@code event}. */
    public Progress after(RunEvent event) {
        String id = run != null ? run : event.run();
        String name = activation;
        Instant start = startedAt;
        String now = phase;
        long read = rowsRead;
        long written = rowsWritten;
        int filesOut = filesWritten;
        int filesUp = filesUploaded;
        long bytesUp = bytesUploaded;
        int filesAll = filesToUpload;
        long bytesAll = bytesToUpload;
        if (event instanceof RunEvent.Started s) {
            name = s.activation();
            start = s.at();
        } else if (event instanceof RunEvent.PhaseStarted s) {
            now = s.phase();
        } else if (event instanceof RunEvent.RowsRead r) {
            read = r.rows();
        } else if (event instanceof RunEvent.FileWritten f) {
            written += f.rows();
            filesOut++;
        } else if (event instanceof RunEvent.Publishing p) {
            filesAll = p.files();
            bytesAll = p.bytes();
        } else if (event instanceof RunEvent.FileUploaded u) {
            filesUp++;
            bytesUp += u.bytes();
        } else if (event instanceof RunEvent.Finished f) {
            now = f.status().json();
        }
        return new Progress(id, name, start, now, read, written, filesOut, filesUp, bytesUp, filesAll, bytesAll, event.at());
    }
}
