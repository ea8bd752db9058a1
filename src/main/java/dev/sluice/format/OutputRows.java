package dev.sluice.format;

import java.sql.Connection;
import java.util.List;
import java.util.Objects;

/**
 * The rows of one output inside the engine: a DuckDB connection, a SELECT that produces them, and
 * the attributes to export, in order, under their exported names.
 */
public record OutputRows(Connection engine, String sql, List<ExportColumn> columns) {
    public OutputRows {
        Objects.requireNonNull(engine, "engine is null");
        Objects.requireNonNull(sql, "sql is null");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("an output needs at least one column");
        }
    }
}
