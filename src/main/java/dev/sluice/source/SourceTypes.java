package dev.sluice.source;

import dev.sluice.config.Node;
import dev.sluice.config.Registry;
import java.nio.file.Path;
import java.util.List;

/** The built-in source types, in one place. */
public final class SourceTypes {
    public static final Registry<Source> REGISTRY = Registry.<Source>builder("source type", "types")
            .add("duckdb", DuckDbSource::parse, DuckDbSource.SETTINGS)
            .add("postgres", (name, node, baseDir) -> PostgresSource.parse(name, node), PostgresSource.SETTINGS)
            .add("jdbc", (name, node, baseDir) -> JdbcSource.parse(name, node), JdbcSource.SETTINGS)
            .add("bigquery", BigQuerySource::parse, BigQuerySource.SETTINGS)
            .build();

    private SourceTypes() {}

    public static List<String> typeNames() {
        return REGISTRY.names();
    }

    /** Parses a source entry; {@code type} defaults to duckdb. Returns null when it cannot be used. */
    public static Source parseSource(String name, Node node, Path baseDir) {
        if (!node.expectObject()) {
            return null;
        }
        String type = node.text("type", "duckdb");
        return REGISTRY.parse(type, node.get("type"), name, node, baseDir);
    }
}
