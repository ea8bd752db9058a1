package dev.sluice.engine;

import dev.sluice.config.PrivateFiles;
import dev.sluice.error.SluiceException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The embedded DuckDB session of one run: in memory, spilling to {@code tempDir} beyond its
 * memory limit, with no extension downloads. Rows stay inside it from extract to file.
 */
public final class Engine implements AutoCloseable {
    /** DuckDB's buffer pool; the process needs more than this (DESIGN §2), so keep it under the target. */
    public static final String DEFAULT_MEMORY_LIMIT = "512MB";

    private final Connection connection;
    private final Path tempDir;

    private Engine(Connection connection, Path tempDir) {
        this.connection = connection;
        this.tempDir = tempDir;
    }

    /** Where the engine spills and where extract files are staged. */
    public Path tempDir() {
        return tempDir;
    }

    public static Engine open(Path tempDir, Path fileSearchPath, String memoryLimit, Integer threads) {
        try {
            PrivateFiles.createFolders(tempDir);
            Properties properties = new Properties();
            properties.setProperty("autoinstall_known_extensions", "false");
            properties.setProperty("autoload_known_extensions", "false");
            Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
            Engine engine = new Engine(connection, tempDir);
            engine.execute("SET temp_directory = " + literal(tempDir.toAbsolutePath().toString()));
            engine.execute("SET memory_limit = " + literal(memoryLimit == null ? DEFAULT_MEMORY_LIMIT : memoryLimit));
            engine.execute("SET preserve_insertion_order = true");
            engine.execute("SET file_search_path = " + literal(fileSearchPath.toAbsolutePath().toString()));
            if (threads != null) {
                engine.execute("SET threads = " + threads);
            }
            return engine;
        } catch (SQLException | java.io.IOException e) {
            throw SluiceException.external("cannot start the embedded engine: " + e.getMessage(), e);
        }
    }

    public Connection connection() {
        return connection;
    }

    /** Runs a statement on a fresh Statement (DuckDB closes a Statement whose execute failed). */
    public void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public long queryLong(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The engine's version, e.g. {@code v1.4.1}: hashes it computed are only compared with its own. */
    public String version() throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    public static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to release that the process exit would not
        }
    }
}
