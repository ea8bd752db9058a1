package dev.sluice.format;

import dev.sluice.engine.LogicalType;
import java.util.Objects;

/** One exported attribute: the engine column it comes from, the name it is written under, its type. */
public record ExportColumn(String source, String name, LogicalType type) {
    public ExportColumn {
        Objects.requireNonNull(source, "source is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
    }
}
