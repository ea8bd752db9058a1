package dev.sluice.format;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/** JSON: one array of objects ({@code .json}) or one object per line ({@code .jsonl}). */
public record JsonFormat(Layout layout, TextCompression compression) implements FileFormat {

    public enum Layout { ARRAY, LINES }

    /** The options of {@code format: {type: json, …}}. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.choice("layout", Layout.class).withDefault("array").in("format", 1)
                    .help("array: one JSON array of objects (.json); lines: one object per line (.jsonl)"),
            TextCompression.SETTING);

    static JsonFormat parse(Node node) {
        node.allowKeys(FileFormats.optionKeys(SETTINGS));
        return new JsonFormat(node.choice("layout", Layout.class, Layout.ARRAY),
                node.choice("compression", TextCompression.class, TextCompression.NONE));
    }

    @Override
    public String type() {
        return "json";
    }

    @Override
    public String extension() {
        return (layout == Layout.ARRAY ? ".json" : ".jsonl") + compression.suffix();
    }

    @Override
    public String contentType() {
        return layout == Layout.ARRAY ? "application/json" : "application/x-ndjson";
    }

    @Override
    public WriteResult write(OutputRows rows, Path dir, String baseName, SplitLimits limits) throws SQLException, IOException {
        String select = EngineCopy.select(rows, Render.jsonObject(rows.columns()) + " AS line");
        Framing framing = layout == Layout.LINES ? Framing.lines() : Framing.of("[\n\t", ",\n\t", "\n]\n", "[]\n");
        return TextWriting.write(rows.engine(), select, EngineCopy.verbatimLines(), framing, layout == Layout.LINES,
                compression, dir, baseName, extension(), limits, List.of());
    }
}
