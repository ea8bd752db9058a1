package dev.sluice.history;

/** A run's row counts: read from the source, changes against the previous snapshot, left out, written to files. */
public record Counts(long read, long added, long updated, long removed, long unchanged, long skipped, long written) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0);

    /** These counts with {@code written} rows written to files. */
    public Counts withWritten(long written) {
        return new Counts(read, added, updated, removed, unchanged, skipped, written);
    }
}
