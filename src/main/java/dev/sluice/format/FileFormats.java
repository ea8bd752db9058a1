package dev.sluice.format;

import dev.sluice.config.Node;
import dev.sluice.config.Registry;
import dev.sluice.config.SettingSpec;
import java.util.List;

/** The built-in file formats, in one place. */
public final class FileFormats {
    public static final Registry<FileFormat> REGISTRY = Registry.<FileFormat>builder("format", "formats")
            .add("csv", (name, node, baseDir) -> CsvFormat.parse(node), CsvFormat.SETTINGS)
            .add("json", (name, node, baseDir) -> JsonFormat.parse(node), JsonFormat.SETTINGS)
            .add("xml", (name, node, baseDir) -> XmlFormat.parse(node), XmlFormat.SETTINGS)
            .add("parquet", (name, node, baseDir) -> ParquetFormat.parse(node), ParquetFormat.SETTINGS)
            .build();

    private FileFormats() {}

    public static List<String> typeNames() {
        return REGISTRY.names();
    }

    /** The keys a format mapping accepts: {@code type} and the format's options. */
    static List<String> optionKeys(List<SettingSpec> options) {
        List<String> keys = new java.util.ArrayList<>(List.of("type"));
        keys.addAll(SettingSpec.keys(options));
        return keys;
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
