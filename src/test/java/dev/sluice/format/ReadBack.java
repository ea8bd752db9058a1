package dev.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads written files back with readers that are not the writer: DuckDB's own CSV, JSON and
 * Parquet readers (in a separate session), Jackson's streaming parser for exact JSON number
 * tokens, and the JDK's namespace-aware DOM parser for XML.
 */
public final class ReadBack {
    static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    private ReadBack() {}

    /** A table read back: column names and rows of values (null for NULL). */
    public record Table(List<String> names, List<List<String>> rows) {
        static Table concat(List<Table> parts) {
            List<List<String>> rows = new ArrayList<>();
            parts.forEach(p -> rows.addAll(p.rows()));
            return new Table(parts.isEmpty() ? List.of() : parts.get(0).names(), rows);
        }
    }

    static String sql(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static List<List<String>> strings(Connection reader, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = reader.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static List<String> names(Connection reader, String sql) throws SQLException {
        try (Statement statement = reader.createStatement(); ResultSet rs = statement.executeQuery(sql + " LIMIT 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnLabel(i));
            }
            return names;
        }
    }

    // ---------------------------------------------------------------- CSV

    /**
     * A CSV file through DuckDB's {@code read_csv}, every value as text. {@code allow_quoted_nulls=false}
     * keeps a quoted empty field (an empty string) apart from an unquoted one (NULL): DuckDB's
     * default reads both as NULL. {@code new_line} is given because SPEC §2 fixes it, and because
     * DuckDB's sniffer otherwise takes a carriage return inside a quoted first field for the line
     * terminator.
     */
    static Table csv(Connection reader, Path file, char delimiter, char quote, boolean header, String nullValue)
            throws SQLException {
        String from = "read_csv(" + sql(file.toString()) + ", delim=" + sql(String.valueOf(delimiter))
                + ", quote=" + sql(String.valueOf(quote)) + ", escape=" + sql(String.valueOf(quote))
                + ", header=" + header + ", nullstr=" + sql(nullValue) + ", all_varchar=true, allow_quoted_nulls=false"
                + ", new_line='\\n', strict_mode=true, sample_size=-1)";
        String select = "SELECT * FROM " + from;
        return new Table(names(reader, select), strings(reader, select));
    }

    // ---------------------------------------------------------------- JSON

    /** A JSON file through DuckDB's {@code read_json}, the given columns read as VARCHAR. */
    static Table jsonViaEngine(Connection reader, Path file, boolean lines, List<String> columns) throws SQLException {
        String struct = columns.stream().map(c -> sql(c) + ": 'VARCHAR'").collect(Collectors.joining(", ", "{", "}"));
        String select = "SELECT * FROM read_json(" + sql(file.toString()) + ", format="
                + (lines ? "'newline_delimited'" : "'array'") + ", columns=" + struct + ")";
        return new Table(names(reader, select), strings(reader, select));
    }

    /** One JSON member as Jackson's streaming parser saw it: its name, token kind and exact text. */
    record Member(String name, JsonToken token, String text) {}

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The objects of a JSON array file, member by member, exact token texts (so 12.30 stays 12.30). */
    static List<List<Member>> jsonArray(byte[] content) throws IOException {
        try (JsonParser parser = JSON.createParser(content)) {
            assertThat(parser.nextToken()).as("a JSON array").isEqualTo(JsonToken.START_ARRAY);
            List<List<Member>> records = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                records.add(members(parser));
            }
            assertThat(token).isEqualTo(JsonToken.END_ARRAY);
            assertThat(parser.nextToken()).as("nothing after the array").isNull();
            return records;
        }
    }

    /** The objects of a JSON Lines file: one object per line, every line ending with a line feed. */
    static List<List<Member>> jsonLines(byte[] content) throws IOException {
        String text = new String(content, StandardCharsets.UTF_8);
        List<List<Member>> records = new ArrayList<>();
        if (text.isEmpty()) {
            return records;
        }
        assertThat(text).as("JSON Lines end with a line feed").endsWith("\n");
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            assertThat(line).as("a line of JSON Lines").isNotEmpty().doesNotContain("\r");
            try (JsonParser parser = JSON.createParser(line)) {
                assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
                records.add(members(parser));
                assertThat(parser.nextToken()).as("one object per line").isNull();
            }
        }
        return records;
    }

    private static List<Member> members(JsonParser parser) throws IOException {
        List<Member> members = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            assertThat(value.isScalarValue()).as("member %s is a scalar", name).isTrue();
            members.add(new Member(name, value, value == JsonToken.VALUE_NULL ? null : parser.getText()));
        }
        assertThat(parser.currentToken()).isEqualTo(JsonToken.END_OBJECT);
        return members;
    }

    // ---------------------------------------------------------------- XML

    /** An XML document as the JDK's namespace-aware DOM parser reads it: one row per record element. */
    public static Table xml(byte[] content, String rootElement, String recordElement) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(new DefaultHandler() {
            @Override
            public void warning(SAXParseException e) throws SAXParseException {
                throw e;
            }

            @Override
            public void error(SAXParseException e) throws SAXParseException {
                throw e;
            }
        });
        Document document = builder.parse(new ByteArrayInputStream(content));
        assertThat(document.getXmlEncoding()).isEqualTo("UTF-8");
        Element root = document.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo(rootElement);
        assertThat(root.getNamespaceURI()).isNull();
        List<String> names = null;
        List<List<String>> rows = new ArrayList<>();
        for (org.w3c.dom.Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == org.w3c.dom.Node.TEXT_NODE) {
                assertThat(child.getNodeValue()).as("only whitespace between records").isBlank();
                continue;
            }
            assertThat(child.getNodeType()).isEqualTo(org.w3c.dom.Node.ELEMENT_NODE);
            Element record = (Element) child;
            assertThat(record.getLocalName()).isEqualTo(recordElement);
            assertThat(record.getAttributes().getLength()).isZero();
            List<String> recordNames = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (org.w3c.dom.Node field = record.getFirstChild(); field != null; field = field.getNextSibling()) {
                assertThat(field.getNodeType()).as("record %d holds only elements", rows.size() + 1)
                        .isEqualTo(org.w3c.dom.Node.ELEMENT_NODE);
                Element element = (Element) field;
                assertThat(element.getNamespaceURI()).isNull();
                recordNames.add(element.getLocalName());
                NamedNodeMap attributes = element.getAttributes();
                if (attributes.getLength() > 0) {
                    assertThat(attributes.getLength()).isEqualTo(1);
                    assertThat(element.getAttributeNS(XSI, "nil")).isEqualTo("true");
                    assertThat(element.hasChildNodes()).as("a nil element is empty").isFalse();
                    values.add(null);
                } else {
                    for (org.w3c.dom.Node text = element.getFirstChild(); text != null; text = text.getNextSibling()) {
                        assertThat(text.getNodeType()).isEqualTo(org.w3c.dom.Node.TEXT_NODE);
                    }
                    values.add(element.getTextContent());
                }
            }
            if (names == null) {
                names = recordNames;
            } else {
                assertThat(recordNames).isEqualTo(names);
            }
            rows.add(values);
        }
        return new Table(names == null ? List.of() : names, rows);
    }

    // ---------------------------------------------------------------- Parquet

    /** The column names and engine types of a Parquet file, as DuckDB's reader sees them. */
    static List<String> parquetSchema(Connection reader, Path file) throws SQLException {
        List<String> schema = new ArrayList<>();
        for (List<String> row : strings(reader, "DESCRIBE SELECT * FROM read_parquet(" + sql(file.toString()) + ")")) {
            schema.add(row.get(0) + " " + row.get(1));
        }
        return schema;
    }

    /** The compression codec of every column chunk of a Parquet file. */
    static List<String> parquetCodecs(Connection reader, Path file) throws SQLException {
        return strings(reader, "SELECT DISTINCT compression FROM parquet_metadata(" + sql(file.toString()) + ")")
                .stream().map(r -> r.get(0)).toList();
    }

    /** Rows of {@code sql} as typed Java values, in order: BLOBs as hex, zoned timestamps as instants. */
    static List<List<Object>> typed(Connection connection, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object value = rs.getObject(i);
                    if (value instanceof Blob blob) {
                        value = "0x" + HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()));
                    } else if (value instanceof OffsetDateTime t) {
                        value = t.toInstant();
                    }
                    row.add(value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- files

    static byte[] bytes(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    /** The file's content, decompressed when its name ends with .gz. */
    static byte[] content(Path file) throws IOException {
        return file.getFileName().toString().endsWith(".gz") ? gunzip(file) : bytes(file);
    }
}
