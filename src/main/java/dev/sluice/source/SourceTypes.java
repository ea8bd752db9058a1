package dev.sluice.source;

import dev.sluice.workspace.Node;
import dev.sluice.workspace.Suggestions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The built-in source types, in one place. */
public enum SourceTypes {
    DUCKDB {
        @Override
        Source parse(String name, Node node, Path baseDir) {
            return DuckDbSource.parse(name, node, baseDir);
        }
    },
    POSTGRES {
        @Override
        Source parse(String name, Node node, Path baseDir) {
            return PostgresSource.parse(name, node);
        }
    },
    JDBC {
        @Override
        Source parse(String name, Node node, Path baseDir) {
            return JdbcSource.parse(name, node);
        }
    };

    abstract Source parse(String name, Node node, Path baseDir);

    public String typeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> typeNames() {
        return Arrays.stream(values()).map(SourceTypes::typeName).toList();
    }

    /** Parses a source entry; {@code type} defaults to duckdb. Returns null when it cannot be used. */
    public static Source parseSource(String name, Node node, Path baseDir) {
        if (!node.expectObject()) {
            return null;
        }
        String type = node.text("type", "duckdb");
        for (SourceTypes candidate : values()) {
            if (candidate.typeName().equals(type)) {
                return candidate.parse(name, node, baseDir);
            }
        }
        node.problem("type", "unknown source type '" + type + "'" + Suggestions.didYouMean(type, typeNames())
                + "; types: " + String.join(", ", typeNames()));
        return null;
    }
}
