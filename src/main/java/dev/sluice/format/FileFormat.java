package dev.sluice.format;

import dev.sluice.config.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * A file format and its options. Each built-in format is listed in {@link FileFormats} and parses
 * and validates its own options.
 */
public interface FileFormat {
    /** The workspace {@code format.type} value. */
    String type();

    /** The object name extension, including the dot and, when compressed, {@code .gz}. */
    String extension();

    /** The object's content type. */
    String contentType();

    /**
     * Records a problem (at {@code at}) for every exported attribute name this format cannot
     * write. Most formats accept any name.
     */
    default void checkAttributeNames(List<String> names, Node at) {}

    /**
     * Writes every row of {@code rows} into files in {@code dir}: one file named
     * {@code baseName + extension()}, or numbered parts {@code baseName-00001 + extension()} when
     * {@code limits} are set. An output without rows gives one file holding this format's empty form.
     */
    WriteResult write(OutputRows rows, Path dir, String baseName, SplitLimits limits) throws SQLException, IOException;
}
