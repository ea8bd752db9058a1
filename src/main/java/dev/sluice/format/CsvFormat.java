package dev.sluice.format;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/** CSV per RFC 4180, lines ending with {@code \n}. */
public record CsvFormat(char delimiter, boolean header, char quote, QuoteMode quoteMode, String nullValue,
        TextCompression compression) implements FileFormat {

    public enum QuoteMode { MINIMAL, ALL }

    /** The options of {@code format: {type: csv, …}}. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("delimiter").withDefault(",").in("format", 1)
                    .help("one character except a line break; \\t for tab"),
            SettingSpec.bool("header", true).in("format", 2).help("the first line names the columns"),
            SettingSpec.text("quote").withDefault("\"").in("format", 3).help("one ASCII character, different from the delimiter"),
            SettingSpec.choice("quote_mode", QuoteMode.class).withDefault("minimal").in("format", 4)
                    .help("minimal quotes fields holding the delimiter, the quote or a line break; all quotes every field"),
            SettingSpec.text("null_value").withDefault("", "empty").in("format", 5)
                    .help("text written for null; must not hold the delimiter, the quote or a line break"),
            TextCompression.SETTING);

    static CsvFormat parse(Node node) {
        node.allowKeys(FileFormats.optionKeys(SETTINGS));
        char delimiter = singleChar(node, "delimiter", ',');
        char quote = singleChar(node, "quote", '"');
        if (quote > 0x7F) {
            // The engine's CSV writer takes a one-byte quote, and parts are cut at line breaks outside quotes byte by byte.
            node.problem("quote", "must be an ASCII character, got '" + quote + "'");
            quote = '"';
        }
        if (delimiter == quote) {
            node.problem(node.has("quote") ? "quote" : "delimiter", "must differ from the "
                    + (node.has("quote") ? "delimiter" : "quote") + ", both are '" + printable(String.valueOf(quote)) + "'");
        }
        String nullValue = node.text("null_value", "");
        if (nullValue.indexOf(delimiter) >= 0 || nullValue.indexOf(quote) >= 0
                || nullValue.indexOf('\n') >= 0 || nullValue.indexOf('\r') >= 0) {
            node.problem("null_value", "must not contain the delimiter, the quote or a line break, got '"
                    + printable(nullValue) + "'");
        }
        return new CsvFormat(delimiter, node.bool("header", true), quote,
                node.choice("quote_mode", QuoteMode.class, QuoteMode.MINIMAL), nullValue,
                node.choice("compression", TextCompression.class, TextCompression.NONE));
    }

    private static char singleChar(Node node, String key, char defaultValue) {
        String text = node.text(key, String.valueOf(defaultValue));
        if (text.equals("\\t")) {
            return '\t';
        }
        if (text.length() != 1) {
            node.problem(key, "must be one character, got '" + printable(text) + "'");
            return defaultValue;
        }
        char c = text.charAt(0);
        if (c == '\n' || c == '\r') {
            node.problem(key, "must not be a line break");
            return defaultValue;
        }
        return c;
    }

    private static String printable(String text) {
        return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    @Override
    public String type() {
        return "csv";
    }

    @Override
    public String extension() {
        return ".csv" + compression.suffix();
    }

    @Override
    public String contentType() {
        return "text/csv";
    }

    @Override
    public WriteResult write(OutputRows rows, Path dir, String baseName, SplitLimits limits) throws SQLException, IOException {
        String select = EngineCopy.select(rows, rows.columns().stream()
                .map(c -> Render.text(c) + " AS " + Engine.identifier(c.name())).collect(Collectors.joining(", ")));
        String options = "FORMAT csv, HEADER " + header + ", DELIMITER " + Engine.literal(String.valueOf(delimiter))
                + ", QUOTE " + Engine.literal(String.valueOf(quote)) + ", ESCAPE " + Engine.literal(String.valueOf(quote))
                + ", NULLSTR " + Engine.literal(nullValue) + ", NEW_LINE '\\n'"
                + (quoteMode == QuoteMode.ALL ? ", FORCE_QUOTE *" : "");
        return TextWriting.write(rows.engine(), select, options, Framing.csv(quote, header), true, compression,
                dir, baseName, extension(), limits, List.of());
    }
}
