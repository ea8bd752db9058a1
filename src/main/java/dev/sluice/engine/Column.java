package dev.sluice.engine;

import java.util.Objects;

/**
 * One column of a model: its name, its logical type, and the source's own type name (with
 * precision and scale for decimals).
 */
public record Column(String name, LogicalType type, String sourceType, int precision, int scale) {
    public Column {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(sourceType, "sourceType is null");
    }

    public static Column of(String name, LogicalType type) {
        return new Column(name, type, type.name(), 0, 0);
    }

    @Override
    public String toString() {
        return name + " " + sourceType;
    }
}
