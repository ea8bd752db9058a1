package dev.sluice.source;

import dev.sluice.engine.Column;
import dev.sluice.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What a source that can keep an activation's snapshot inside itself ({@code state: source})
 * provides: its dialect's differences (quoting, row hash, text cast, temporary tables, the
 * statements that delete and upsert, its error codes) and its bulk path out. The change-detection
 * SQL itself is written once ({@code sync.ChangeQueries}, driven by {@code sync.SourceState}), so
 * that another warehouse needs only its own implementation of this.
 */
public interface WarehouseState {
    /** The schema Sluice owns in the source: one state table per activation and a meta table. */
    String schema();

    /** The identifier quoted for this dialect. */
    String quote(String identifier);

    /**
     * A stable hash of a row's values (the expressions given, in order), as text: stored with the
     * snapshot and compared by later runs, so it must not change between versions of the source.
     */
    String rowHash(List<String> expressions);

    /** A value as text, for comparing keys whose types changed. */
    String asText(String expression);

    /** The expression that sends {@code column} out in the form {@link #load} reads (binary as base64). */
    String exported(Column column, String expression);

    /** The columns of a query's result, without reading its rows. */
    List<Column> describe(Connection connection, String select) throws SQLException;

    /** Streams the rows of {@code select} to {@code csv} in bulk (no header, {@code \N} for null). Returns the rows. */
    long copyOut(Connection connection, String select, Path csv) throws SQLException, IOException;

    /** Loads such a CSV into the engine as the temporary table {@code table} with {@code columns}' types. */
    default void load(Engine engine, List<Column> columns, Path csv, String table) throws SQLException {
        EngineStaging.load(engine, columns, csv, table);
    }

    /** A temporary CSV file in the engine's folder. */
    default Path tempCsv(Engine engine) throws IOException {
        return EngineStaging.tempCsv(engine);
    }

    /**
     * Statements run when a run's session on the source starts: its time zone UTC (timestamps read
     * as the engine reads them), and e.g. memory for its joins.
     */
    List<String> sessionSettings();

    /**
     * The statements that create, when missing, {@link #schema()} and in it the table
     * {@code metaTable} of the snapshots in force: text columns {@code activation} (its key),
     * {@code run}, {@code fingerprint}, {@code state_table} and {@code committed_at}.
     */
    List<String> createStateSchema(String metaTable);

    /**
     * The statement that records a committed snapshot in {@code metaTable}, replacing the
     * activation's previous record: parameters activation, run, fingerprint, state_table, committed_at.
     */
    String recordSnapshot(String metaTable);

    /** The statements that (re)create {@code table}, temporary to the session, as the rows of {@code select}. */
    List<String> createTempTable(String table, String select);

    /** The statement that gathers the planner's statistics of {@code table}; empty when the source needs none. */
    List<String> gatherStatistics(String table);

    /**
     * The statement that deletes the rows of {@code table} whose key columns {@code keys} are among
     * the rows of {@code keysSelect} (a subquery in parentheses, of the same columns).
     */
    String deleteKeys(String table, List<String> keys, String keysSelect);

    /**
     * The statements that create, when missing, an activation's change log {@code table}
     * ({@code audit: true}): text columns {@code sluice_run_id}, {@code sluice_change} (added, updated,
     * removed) and {@code sluice_committed_at} (an ISO instant in UTC, fixed width, so that it sorts),
     * then the key columns as {@code keysSelect} (a query, with no rows, of the keys named and typed as
     * the log keeps them) has them.
     */
    List<String> createChangeLog(String table, String keysSelect);

    /**
     * The statement that deletes the change log's rows of runs that the activation's retention no
     * longer keeps: a run's rows stay while the run is among the {@code keepRuns} newest runs of the
     * log, or was committed at or after the first parameter (an ISO instant as the log writes it);
     * null bounds are unset (at least one is set).
     */
    default String trimChangeLog(String table, Long keepRuns, boolean byDays) {
        String newest = keepRuns == null ? null : "sluice_run_id IN (SELECT sluice_run_id FROM (SELECT sluice_run_id, max(sluice_committed_at) "
                + "AS last_at FROM " + table + " GROUP BY sluice_run_id ORDER BY last_at DESC LIMIT " + keepRuns + ") AS newest)";
        String recent = byDays ? "sluice_committed_at >= ?" : null;
        String kept = newest == null ? recent : recent == null ? newest : "(" + newest + " OR " + recent + ")";
        return "DELETE FROM " + table + " WHERE NOT " + kept;
    }

    /** Whether {@code cause} says the user may not create the state's schema or tables (a user's mistake to fix). */
    boolean privilegeDenied(SQLException cause);

    /** Whether {@code cause} says the state's schema or meta table does not exist (no state kept yet). */
    boolean stateMissing(SQLException cause);

    /** What to do when the state's schema or tables cannot be created: the privilege and the fix. */
    String missingPrivilege(SQLException cause);
}
