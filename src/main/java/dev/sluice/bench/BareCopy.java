package dev.sluice.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The baseline of the whole-run benchmark, as a process of its own: opens the bench database with
 * the same DuckDB driver Sluice uses, with the same {@code memory_limit} as a run's engine, and runs
 * only {@code COPY (SELECT * FROM TABLE) TO FILE (OPTIONS)}. Nothing of Sluice is loaded.
 * Arguments: DATABASE TABLE FILE OPTIONS [MEMORY_LIMIT].
 */
public final class BareCopy {
    private BareCopy() {}

    public static void main(String[] args) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            if (args.length > 4) {
                statement.execute("SET memory_limit = '" + args[4].replace("'", "''") + "'");
            }
            statement.execute("ATTACH '" + args[0].replace("'", "''") + "' AS b (READ_ONLY)");
            statement.execute("COPY (SELECT * FROM b." + args[1] + ") TO '" + args[2].replace("'", "''") + "' (" + args[3] + ")");
        }
    }
}
