package dev.sluice.format;

import dev.sluice.config.Node;
import dev.sluice.config.Registry;
import java.util.List;

/** The built-in file formats, in one place. */
public final class FileFormats {
    public static final Registry<FileFormat> REGISTRY = Registry.<FileFormat>builder("format", "formats")
            .add("csv", (name, node, baseDir) -> CsvFormat.parse(node))
            .add("json", (name, node, baseDir) -> JsonFormat.parse(node))
            .add("xml", (name, node, baseDir) -> XmlFormat.parse(node))
            .add("parquet", (name, node, baseDir) -> ParquetFormat.parse(node))
            .build();

    private FileFormats() {}

    public static List<String> typeNames() {
        return REGISTRY.names();
    }

    /**
     * Parses {@code format}: a mapping with {@code type} and the format's options, or just the
     * type's name ({@code format: parquet}). Defaults to csv when absent; null when unusable.
     */
    public static FileFormat parse(Node node) {
        String type;
        if (node.isUnset("csv")) {
            type = "csv";
        } else if (node.json().isTextual()) {
            type = node.asText();
        } else if (node.expectObject()) {
            type = node.requiredText("type");
        } else {
            return null;
        }
        if (type == null) {
            return null;
        }
        return REGISTRY.parse(type, node.json().isTextual() ? node : node.get("type"), null, node, null);
    }
}
