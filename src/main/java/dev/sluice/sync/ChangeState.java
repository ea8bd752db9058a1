package dev.sluice.sync;

import dev.sluice.plan.OutputContent;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Where one run's rows are compared with the previous snapshot, and where the snapshot is kept:
 * in the embedded engine ({@link EngineState}, the default) or inside the source
 * ({@link SourceState}, {@code state: source}). The run drives both the same way:
 * {@link #extract}, then {@link #count} or {@link #classifyKeys}, {@link #prepare}, the output
 * files from {@link #select}, and {@link #commit} — the run's decision point.
 */
public interface ChangeState extends AutoCloseable {

    /** Reads this run's rows and checks their keys. */
    Extracted extract() throws SQLException;

    /**
     * The previous snapshot's fingerprint (see {@link Extracted#fingerprint}); empty without a
     * usable snapshot. Called after {@link #extract}.
     */
    Optional<String> previousFingerprint();

    /**
     * Why the previous snapshot cannot be compared with this run's rows (the run is then a full
     * run, its keys classified by {@link #classifyKeys}); null when it can, or when there is none.
     */
    default String staleReason(Extracted now) {
        return previousFingerprint().filter(f -> !f.equals(now.fingerprint()))
                .map(f -> "the mapping, primary key or attribute types changed since the last successful run").orElse(null);
    }

    /** Compares this run's rows with the previous snapshot (same fingerprint): the counts. */
    Changes count() throws SQLException;

    /** For a snapshot with other columns: keys new and gone, every kept key counted as updated. */
    Changes classifyKeys() throws SQLException;

    /**
     * Makes the rows the run writes readable by {@link #select} in the engine: every row
     * ({@code all}, a full run) or only the added and updated ones and the removed ones' last values.
     */
    void prepare(boolean all) throws SQLException;

    /** The SELECT, on the engine, of an output's rows: the exported attributes under their exported names. */
    String select(OutputContent content);

    /**
     * About how many bytes the commit may need in the state folder, for the free-space check before
     * the decision point; {@code filesBytes} is the size of this run's files (0 when the snapshot
     * lives elsewhere).
     */
    long commitBytes(long filesBytes) throws SQLException;

    /**
     * Makes this run's rows the committed snapshot: the run's decision point. {@code comparable}:
     * the rows were compared with the previous snapshot ({@link #count}), so only the changes need writing.
     */
    void commit(String run, boolean comparable, Instant at) throws SQLException;

    /** The run whose snapshot is in force; empty when none or unknown. */
    Optional<String> committedRun();

    @Override
    void close();
}
