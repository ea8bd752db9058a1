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
 * provides: its dialect's few differences and its bulk path out. The change-detection SQL itself
 * is written once, over this interface ({@code sync.SourceState}), so that another warehouse
 * needs only its own implementation of this.
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

    /** Statements run when a run's session on the source starts (e.g. memory for its joins). */
    default java.util.List<String> sessionSettings() {
        return java.util.List.of();
    }

    /** What to do when the state's schema or tables cannot be created: the privilege and the fix. */
    String missingPrivilege(SQLException cause);
}
