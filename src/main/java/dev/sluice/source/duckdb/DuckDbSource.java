package dev.sluice.source.duckdb;

import dev.sluice.source.Source;
import dev.sluice.source.Model;
import dev.sluice.source.ConnectionErrors;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The embedded DuckDB engine, on a database file (opened read-only) or in memory. Relative file
 * names in its SQL (read_csv('data/x.csv')) are looked up beside the workspace file.
 */
public record DuckDbSource(String name, Path path, Path baseDir) implements Source {

    /** The settings of a duckdb source. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.typeKey("source", "duckdb"),
            SettingSpec.text("path").absent("none: in-memory").in("duckdb", 1)
                    .help("a DuckDB database file, opened read-only; omit it for an in-memory database"));

    public static DuckDbSource parse(String name, Node node, Path baseDir) {
        node.allowKeys(SettingSpec.keys(SETTINGS));
        String text = node.text("path", null);
        Path path = null;
        if (text != null && !text.isBlank() && !text.equals(":memory:")) {
            path = baseDir.resolve(text).normalize();
            if (!Files.isRegularFile(path)) {
                node.problem("path", "no DuckDB database file at " + path
                        + " (relative paths are relative to the workspace file); omit path for an in-memory database");
            }
        }
        return new DuckDbSource(name, path, baseDir);
    }

    @Override
    public String type() {
        return "duckdb";
    }

    @Override
    public Connection connect() {
        Properties properties = new Properties();
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        properties.setProperty("file_search_path", baseDir.toAbsolutePath().toString());
        if (path != null) {
            properties.setProperty("duckdb.read_only", "true");
        }
        try {
            return DriverManager.getConnection("jdbc:duckdb:" + (path == null ? "" : path.toAbsolutePath()), properties);
        } catch (SQLException e) {
            throw ConnectionErrors.cannotConnect(this, e);
        }
    }

    @Override
    public String loadInto(dev.sluice.engine.Engine engine, Model model) throws SQLException {
        if (path != null) {
            engine.execute("ATTACH " + dev.sluice.engine.Engine.literal(path.toAbsolutePath().toString())
                    + " AS sluice_source (READ_ONLY)");
            engine.execute("USE sluice_source");
        }
        return model.asSubquery();
    }

    /**
     * A database file is (attached read-only for the run). Without one, a model can only read files
     * through table functions (read_csv …), which may be pipes or be rewritten between two reads.
     */
    @Override
    public boolean readableTwice() {
        return path != null;
    }

    @Override
    public String lineageNamespace() {
        return path == null ? "duckdb://memory" : "duckdb://" + path.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return path == null ? "an in-memory DuckDB database" : "the DuckDB database " + path;
    }
}
