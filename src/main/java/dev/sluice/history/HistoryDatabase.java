package dev.sluice.history;

import dev.sluice.config.PrivateFiles;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * {@code STATE/runs.db}: SQLite, which several processes can open at once (the CLI while the server
 * runs). It holds the run history ({@link RunStore}), the delivery bookkeeping of unfinished runs
 * (the {@code delivery} package), the notification log ({@link NotificationLog}) and the
 * verifications ({@link VerificationStore}), each reading and
 * writing its own columns. Its schema is brought up to date by {@link #MIGRATIONS}, in order, under
 * SQLite's write lock, with the version reached kept in {@code PRAGMA user_version}.
 */
public final class HistoryDatabase implements AutoCloseable {
    /** One step of the schema: applied once, when the database's version is below {@code version}. */
    record Migration(int version, String what, List<String> statements) {}

    /**
     * The schema, step by step; a new column or table is a new step at the end. Step 1 is the schema
     * as it stood before versions were kept: it creates what is missing and adds the columns that
     * histories of earlier versions lack (these may hold some of them already).
     */
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "runs and notifications, with every column of the histories written before versions", List.of(
                    "CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, activation TEXT NOT NULL, status TEXT NOT NULL, "
                            + "started_at TEXT NOT NULL, staging TEXT, record TEXT NOT NULL, final_names TEXT)",
                    "CREATE INDEX IF NOT EXISTS runs_by_activation ON runs (activation, started_at)",
                    "+runs.final_names TEXT",
                    "+runs.direct_names TEXT",
                    "+runs.leftovers TEXT",
                    "+runs.decided_at TEXT",
                    "CREATE TABLE IF NOT EXISTS notifications (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, "
                            + "name TEXT NOT NULL, type TEXT NOT NULL, event TEXT NOT NULL, status TEXT NOT NULL, "
                            + "attempts INTEGER NOT NULL, error TEXT, at TEXT NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS notifications_by_run ON notifications (run_id)",
                    "+runs.retired_at TEXT",
                    // The destination a run published to (null in runs recorded before it was kept: any destination).
                    "+runs.destination TEXT")),
            new Migration(2, "paused activations (sluice pause, the API): who paused each and when", List.of(
                    "CREATE TABLE IF NOT EXISTS pauses (activation TEXT PRIMARY KEY, paused_at TEXT NOT NULL, paused_by TEXT NOT NULL)")),
            new Migration(3, "verifications: what sluice verify and the scheduled checks found, apart from the runs", List.of(
                    "CREATE TABLE IF NOT EXISTS verifications (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                            + "activation TEXT NOT NULL, at TEXT NOT NULL, ok INTEGER NOT NULL, findings TEXT NOT NULL, record TEXT NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS verifications_by_activation ON verifications (activation, seq)")),
            new Migration(4, "the schema each activation last published (schema_changes)", List.of(
                    "CREATE TABLE IF NOT EXISTS schemas (activation TEXT PRIMARY KEY, version INTEGER NOT NULL, schema TEXT NOT NULL, "
                            + "run_id TEXT NOT NULL)")));

    private final Connection connection;

    private HistoryDatabase(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating or upgrading) the database of a state folder. */
    public static HistoryDatabase open(Path stateDir) {
        try {
            Path file = stateDir.resolve("runs.db");
            PrivateFiles.createFolders(stateDir);
            // SQLite creates its -wal and -shm files with the mode of the database file: an empty
            // owner-only file (a new database to SQLite) makes all three private.
            PrivateFiles.file(file);
            PrivateFiles.restrict(file.resolveSibling("runs.db-wal"));
            PrivateFiles.restrict(file.resolveSibling("runs.db-shm"));
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try {
                migrate(connection);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return new HistoryDatabase(connection);
        } catch (IOException | SQLException e) {
            throw SluiceException.external("cannot open the run history in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** The schema version a database is at once opened: the last migration's. */
    static int currentVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    private static void migrate(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            walMode(s);
            // Processes and threads open the history at once: the schema is upgraded under SQLite's
            // write lock, so that only one of them applies a step.
            s.execute("BEGIN IMMEDIATE");
            try {
                int version;
                try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                    version = rs.next() ? rs.getInt(1) : 0;
                }
                if (version > currentVersion()) {
                    throw new SQLException("it was written by a newer version of Sluice (schema " + version + ", this version knows "
                            + currentVersion() + "); upgrade Sluice");
                }
                for (Migration migration : MIGRATIONS) {
                    if (migration.version() > version) {
                        for (String statement : migration.statements()) {
                            apply(s, statement);
                        }
                        s.execute("PRAGMA user_version = " + migration.version());
                    }
                }
                s.execute("COMMIT");
            } catch (SQLException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    /**
     * Switches the database to write-ahead logging. Switching needs the database to itself: when
     * other processes or threads open it at the same moment, SQLite answers "busy" at once, without
     * waiting for the busy timeout, so the switch is tried again for up to ten seconds.
     */
    private static void walMode(Statement s) throws SQLException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                s.execute("PRAGMA journal_mode = WAL");
                return;
            } catch (SQLException e) {
                boolean busy = String.valueOf(e.getMessage()).contains("SQLITE_BUSY") || String.valueOf(e.getMessage()).contains("locked");
                if (!busy || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** A statement, or {@code +TABLE.COLUMN TYPE}: adds the column unless the table has it. */
    private static void apply(Statement s, String statement) throws SQLException {
        if (!statement.startsWith("+")) {
            s.execute(statement);
            return;
        }
        String[] parts = statement.substring(1).split("[. ]", 3);
        try (PreparedStatement check = s.getConnection().prepareStatement("SELECT 1 FROM pragma_table_info(?) WHERE name = ?")) {
            check.setString(1, parts[0]);
            check.setString(2, parts[1]);
            try (ResultSet rs = check.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        s.execute("ALTER TABLE " + parts[0] + " ADD COLUMN " + parts[1] + " " + parts[2]);
    }

    /** The connection every part of the history shares. */
    public Connection connection() {
        return connection;
    }

    /** Runs an update with text parameters. */
    public void update(String sql, String... values) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setString(i + 1, values[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** A failure of the database, as the external failure it is. */
    public static SluiceException failure(SQLException e) {
        return SluiceException.external("the run history failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing is best effort
        }
    }
}
