package dev.sluice.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Warnings of a run that arise while its rows are staged in the engine (e.g. a column whose values
 * a decimal cannot hold), kept inside the run's engine session until the write stage adds them to
 * the run's warnings. Each message is kept once.
 */
public final class EngineWarnings {
    static final String TABLE = "sluice_run_warnings";

    private EngineWarnings() {}

    /** Keeps {@code message} for the run; a message already kept is not repeated. */
    public static void add(Engine engine, String message) throws SQLException {
        engine.execute("CREATE TEMP TABLE IF NOT EXISTS " + TABLE + " (n BIGINT, message VARCHAR)");
        engine.execute("INSERT INTO " + TABLE + " SELECT (SELECT count(*) FROM " + TABLE + "), " + Engine.literal(message)
                + " WHERE NOT EXISTS (SELECT 1 FROM " + TABLE + " WHERE message = " + Engine.literal(message) + ")");
    }

    /** The warnings kept so far, in the order they came, and forgets them. */
    public static List<String> take(Connection engine) throws SQLException {
        List<String> messages = new ArrayList<>();
        try (Statement statement = engine.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = '" + TABLE + "'")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return messages;
            }
        }
        try (Statement statement = engine.createStatement();
                ResultSet rs = statement.executeQuery("SELECT message FROM " + TABLE + " ORDER BY n")) {
            while (rs.next()) {
                messages.add(rs.getString(1));
            }
        }
        try (Statement statement = engine.createStatement()) {
            statement.execute("DELETE FROM " + TABLE);
        }
        return messages;
    }
}
