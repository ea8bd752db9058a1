package dev.sluice.source.types;

import dev.sluice.source.Source;

import dev.sluice.source.duckdb.DuckDbSource;
import dev.sluice.source.postgres.PostgresSource;
import dev.sluice.source.jdbc.JdbcSource;
import dev.sluice.source.bigquery.BigQuerySource;

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

    /** The source of a workspace that names none: an in-memory DuckDB, reading files relative to {@code baseDir}. */
    public static Source defaultSource(String name, Path baseDir) {
        return new DuckDbSource(name, null, baseDir);
    }

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
