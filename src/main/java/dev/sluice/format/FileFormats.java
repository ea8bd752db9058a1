package dev.sluice.format;

import dev.sluice.workspace.Node;
import dev.sluice.workspace.Suggestions;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The built-in file formats, in one place. */
public enum FileFormats {
    CSV(CsvFormat::parse),
    JSON(JsonFormat::parse),
    XML(XmlFormat::parse),
    PARQUET(ParquetFormat::parse);

    private final Function<Node, FileFormat> parser;

    FileFormats(Function<Node, FileFormat> parser) {
        this.parser = parser;
    }

    public String typeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> typeNames() {
        return Arrays.stream(values()).map(FileFormats::typeName).toList();
    }

    /**
     * Parses {@code format}: a mapping with {@code type} and the format's options, or just the
     * type's name ({@code format: parquet}). Defaults to csv when absent; null when unusable.
     */
    public static FileFormat parse(Node node) {
        String type;
        if (node.isMissing()) {
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
        for (FileFormats format : values()) {
            if (format.typeName().equals(type)) {
                return format.parser.apply(node);
            }
        }
        Node at = node.json().isTextual() ? node : node.get("type");
        at.problem("unknown format '" + type + "'" + Suggestions.didYouMean(type, typeNames())
                + "; formats: " + String.join(", ", typeNames()));
        return null;
    }
}
