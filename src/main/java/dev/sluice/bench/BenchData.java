package dev.sluice.bench;

import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmarks' data: a table of N synthetic customers in a DuckDB database file, with the
 * column types of DESIGN §2's measurements — a BIGINT key, three strings, a DECIMAL, a DOUBLE,
 * a TIMESTAMP (half of them with milliseconds), a BOOLEAN and a DATE.
 */
public final class BenchData {
    static final String DATABASE = "bench.duckdb";
    static final String TABLE = "customers";
    static final String WORKSPACE = "sluice.yaml";
    /** The first line of the workspace a benchmark writes: a folder with another workspace file is not the benchmark's to use. */
    static final String MARK = "# written by sluice bench; the files beside it are removed by the next benchmark here";
    /** What a benchmark creates in its folder. */
    private static final List<String> ENTRIES = List.of(WORKSPACE, DATABASE, DATABASE + ".wal", "out", ".sluice", "engine-tmp");

    private BenchData() {}

    /**
     * Removes what an earlier benchmark left in {@code dir}, then (re)creates {@value #DATABASE} there
     * with {@code rows} rows; returns the seconds it took.
     */
    static double generate(Path dir, long rows) throws SQLException, IOException {
        clean(dir);
        Files.createDirectories(dir);
        long started = System.nanoTime();
        execute(dir, "CREATE TABLE " + TABLE + " AS SELECT i AS id, 'user' || i || '@example.com' AS email, "
                + "'Name ' || (i % 1000) AS name, (['FR','DE','US','GB'])[1 + i % 4] AS country, "
                + "round((i * 7919 % 100000) / 100.0, 2)::DECIMAL(12,2) AS value, (i * 31 % 1000) / 7.0 AS score, "
                + "TIMESTAMP '2020-01-01' + INTERVAL (i % 100000000) SECOND + INTERVAL ((i % 2) * 250) MILLISECOND AS created_at, "
                + "i % 3 = 0 AS active, DATE '1950-01-01' + CAST(i % 20000 AS INTEGER) AS birth_date "
                + "FROM range(" + rows + ") t(i)");
        return (System.nanoTime() - started) / 1e9;
    }

    /** A day's changes on a table of {@code rows} rows: 1% updated, 0.5% removed, 0.5% added. */
    static void change(Path dir, long rows) throws SQLException {
        execute(dir, "UPDATE " + TABLE + " SET value = value + 1 WHERE id % 100 = 1");
        execute(dir, "DELETE FROM " + TABLE + " WHERE id % 200 = 2");
        execute(dir, "INSERT INTO " + TABLE + " SELECT * REPLACE (id + " + rows + " AS id) FROM " + TABLE + " WHERE id % 200 = 3");
    }

    /** Keeps a copy of the generated table, so that benchmarks that change it can start again from the same data. */
    static void keepOriginal(Path dir) throws SQLException {
        execute(dir, "CREATE OR REPLACE TABLE " + TABLE + "_original AS SELECT * FROM " + TABLE);
    }

    /** The generated table as {@link #keepOriginal} kept it. */
    static void restoreOriginal(Path dir) throws SQLException {
        execute(dir, "CREATE OR REPLACE TABLE " + TABLE + " AS SELECT * FROM " + TABLE + "_original");
    }

    /** The version of the embedded engine. */
    static String engineVersion() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Writes the benchmark's workspace file, marked as the benchmark's. */
    static Path writeWorkspace(Path dir, String yaml) throws IOException {
        return Files.writeString(dir.resolve(WORKSPACE), MARK + "\n" + yaml);
    }

    /**
     * Removes what a benchmark creates in {@code dir} (and nothing else); refuses a folder holding a
     * workspace file that a benchmark did not write.
     */
    public static void clean(Path dir) throws IOException {
        Path workspace = dir.resolve(WORKSPACE);
        if (Files.isRegularFile(workspace) && !Files.readString(workspace).startsWith(MARK)) {
            throw SluiceException.user("--dir: " + dir + " holds a " + WORKSPACE + " that sluice bench did not write; "
                    + "choose an empty folder for the benchmark");
        }
        for (String entry : ENTRIES) {
            deleteTree(dir.resolve(entry));
        }
    }

    private static void execute(Path dir, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DATABASE).toAbsolutePath());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Deletes {@code root} and everything under it, if it exists. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
