package dev.sluice.format;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** XML: a root element holding one record element per row, one child element per attribute. */
public record XmlFormat(String rootElement, String recordElement, TextCompression compression) implements FileFormat {

    /** An XML 1.0 name without a colon (an NCName), letters and digits from any script. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{Nd}\\p{Mn}\\p{Mc}_.\\-\\u00B7]*");

    /** The options of {@code format: {type: xml, …}}. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("root_element").withDefault("records").in("format", 1)
                    .help("an XML name: a letter or _, then letters, digits, _ . -"),
            SettingSpec.text("record_element").withDefault("record").in("format", 2).help("the element of each row; an XML name"),
            TextCompression.SETTING);

    static XmlFormat parse(Node node) {
        node.allowKeys(FileFormats.optionKeys(SETTINGS));
        String root = elementName(node, "root_element", "records");
        String record = elementName(node, "record_element", "record");
        return new XmlFormat(root, record, node.choice("compression", TextCompression.class, TextCompression.NONE));
    }

    private static String elementName(Node node, String key, String defaultValue) {
        String name = node.text(key, defaultValue);
        String why = whyInvalid(name);
        if (why != null) {
            node.problem(key, why);
            return defaultValue;
        }
        return name;
    }

    /** Why {@code name} cannot be an XML element name, or null when it can. */
    public static String whyInvalid(String name) {
        if (!NAME.matcher(name).matches()) {
            return "'" + name + "' is not a valid XML element name (start with a letter or _, then letters, digits, _ . -; no spaces or colons)";
        }
        if (name.regionMatches(true, 0, "xml", 0, 3)) {
            return "'" + name + "' is not a valid XML element name (names starting with 'xml' are reserved)";
        }
        return null;
    }

    @Override
    public void checkAttributeNames(List<String> names, Node at) {
        for (String name : names) {
            String why = whyInvalid(name);
            if (why != null) {
                at.problem(why + "; rename the attribute with mapping");
            }
        }
    }

    @Override
    public String type() {
        return "xml";
    }

    @Override
    public String extension() {
        return ".xml" + compression.suffix();
    }

    @Override
    public String contentType() {
        return "application/xml";
    }

    private static boolean hasAny(OutputRows rows, String any) throws SQLException {
        try (Statement statement = rows.engine().createStatement(); ResultSet rs = statement.executeQuery(any)) {
            return rs.next();
        }
    }

    static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    @Override
    public WriteResult write(OutputRows rows, Path dir, String baseName, SplitLimits limits) throws SQLException, IOException {
        List<String> warnings = new ArrayList<>();
        String any = Render.anyXmlIllegal(rows.sql(), rows.columns());
        long replaced = 0;
        if (any != null && hasAny(rows, any)) {
            String count = Render.countXmlIllegal(rows.sql(), rows.columns());
            try (Statement statement = rows.engine().createStatement(); ResultSet rs = statement.executeQuery(count)) {
                replaced = rs.next() ? rs.getLong(1) : 0;
                if (replaced > 0) {
                    warnings.add(replaced + " characters that XML 1.0 cannot hold were written as U+FFFD");
                }
            }
        }
        // Checked above: when no value holds such a character, the replacement is left out of every row.
        String select = EngineCopy.select(rows, Render.xmlRecord(rows.columns(), recordElement, replaced > 0) + " AS line");
        String open = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + rootElement + " xmlns:xsi=\"" + XSI + "\">\n";
        String close = "</" + rootElement + ">\n";
        Framing framing = Framing.of(open, "\n", "\n" + close, open + close);
        return TextWriting.write(rows.engine(), select, EngineCopy.verbatimLines(), framing, false, compression,
                dir, baseName, extension(), limits, warnings);
    }
}
