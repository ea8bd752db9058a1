package dev.sluice.demo;

import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Writes the demo workspace: {@code sluice.yaml}, a DuckDB database of synthetic customers with
 * nulls and awkward strings, and an empty {@code exports} folder for the local destination.
 */
public final class DemoWorkspace {
    public static final String DATABASE = "warehouse.duckdb";

    private DemoWorkspace() {}

    /** Creates (or recreates) the demo in {@code dir} and returns the workspace file. */
    public static Path create(Path dir, long rows) {
        if (rows < 1) {
            throw SluiceException.user("--rows: must be at least 1, got " + rows);
        }
        try {
            deleteTree(dir.resolve("exports"));
            deleteTree(dir.resolve(".sluice"));
            Files.createDirectories(dir.resolve("exports"));
            Path workspace = dir.resolve("sluice.yaml");
            Files.writeString(workspace, resource("sluice.yaml"));
            Path database = dir.resolve(DATABASE);
            Files.deleteIfExists(database);
            Files.deleteIfExists(dir.resolve(DATABASE + ".wal"));
            String sql = resource("customers.sql").replace("${ROWS}", Long.toString(rows));
            try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath());
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            return workspace;
        } catch (IOException e) {
            throw SluiceException.external("cannot write the demo in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw SluiceException.internal("cannot build the demo database: " + e.getMessage(), e);
        }
    }

    /** Changes the demo data as a day would: some customers change, some leave, some arrive. */
    public static void applyChanges(Path dir) {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DATABASE).toAbsolutePath());
                Statement statement = connection.createStatement()) {
            statement.execute(resource("changes.sql"));
        } catch (IOException | SQLException e) {
            throw SluiceException.internal("cannot change the demo data: " + e.getMessage(), e);
        }
    }

    /** Deletes a folder the demo owns (its exports and state), so that a new demo starts clean. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoWorkspace.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) {
                throw new IOException("resource /demo/" + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
