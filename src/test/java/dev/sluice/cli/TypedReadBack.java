package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The values of one exported record, read back from each format by a reader that is not the
 * writer: a plain RFC 4180 parser for CSV, Jackson for JSON (numbers kept exactly, so 7.50 is not
 * 7.5), the JDK's DOM parser for XML, DuckDB's read_parquet (in a separate session) for Parquet
 * with each column's type.
 */
final class TypedReadBack {
    /** Reads JSON numbers exactly: 7.50 and 7.5 are different nodes, a number is never a string. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private TypedReadBack() {}

    /** One CSV field: its text (null for an unquoted empty field, the null value) and whether it was quoted. */
    record Field(String text, boolean quoted) {}

    /** The CSV file's records by the value of {@code key}, each a map from header name to field. */
    static Map<String, Map<String, Field>> csv(Path file, String key) throws IOException {
        List<List<Field>> lines = parseCsv(Files.readString(file, StandardCharsets.UTF_8));
        List<String> header = lines.get(0).stream().map(Field::text).toList();
        Map<String, Map<String, Field>> records = new LinkedHashMap<>();
        for (List<Field> line : lines.subList(1, lines.size())) {
            assertThat(line).as("fields of a CSV line").hasSize(header.size());
            Map<String, Field> record = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                record.put(header.get(i), line.get(i));
            }
            records.put(record.get(key).text(), record);
        }
        return records;
    }

    private static List<List<Field>> parseCsv(String text) {
        List<List<Field>> lines = new ArrayList<>();
        List<Field> line = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (inQuotes) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    inQuotes = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                inQuotes = true;
                quoted = true;
            } else if (ch == ',' || ch == '\n') {
                line.add(new Field(!quoted && field.length() == 0 ? null : field.toString(), quoted));
                field.setLength(0);
                quoted = false;
                if (ch == '\n') {
                    lines.add(line);
                    line = new ArrayList<>();
                }
            } else {
                field.append(ch);
            }
        }
        assertThat(line).as("the file ends with a line feed").isEmpty();
        return lines;
    }

    /** The JSON file's objects (an array, or one per line) by the value of {@code key}. */
    static Map<String, JsonNode> json(Path file, String key, boolean lines) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        if (lines) {
            for (String line : Files.readString(file, StandardCharsets.UTF_8).split("\n")) {
                objects.add(JSON.readTree(line));
            }
        } else {
            JSON.readTree(file.toFile()).forEach(objects::add);
        }
        Map<String, JsonNode> records = new LinkedHashMap<>();
        objects.forEach(o -> records.put(o.get(key).asText(), o));
        return records;
    }

    /** One XML element's value: its text, or null when it says {@code xsi:nil="true"}. */
    static Map<String, Map<String, String>> xml(Path file, String key) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        org.w3c.dom.Document document = factory.newDocumentBuilder().parse(file.toFile());
        NodeList records = document.getDocumentElement().getChildNodes();
        Map<String, Map<String, String>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < records.getLength(); i++) {
            if (records.item(i).getNodeType() != Node.ELEMENT_NODE) {
                continue;
            }
            Map<String, String> record = new LinkedHashMap<>();
            NodeList values = records.item(i).getChildNodes();
            for (int j = 0; j < values.getLength(); j++) {
                if (values.item(j) instanceof Element value) {
                    boolean nil = "true".equals(value.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "nil"));
                    record.put(value.getLocalName(), nil ? null : value.getTextContent());
                }
            }
            byKey.put(record.get(key), record);
        }
        return byKey;
    }

    /** A Parquet column as DuckDB reads it: its type, and its value (as DuckDB's text, in UTC) for each key. */
    record ParquetColumn(String type, Map<String, String> values) {}

    static Map<String, ParquetColumn> parquet(Path file, String key) throws Exception {
        Map<String, ParquetColumn> columns = new LinkedHashMap<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            String from = "read_parquet('" + file.toString().replace("'", "''") + "')";
            List<String[]> described = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + from + ")")) {
                while (rs.next()) {
                    described.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] column : described) {
                Map<String, String> values = new LinkedHashMap<>();
                String c = "\"" + column[0].replace("\"", "\"\"") + "\"";
                try (ResultSet rs = s.executeQuery("SELECT CAST(\"" + key + "\" AS VARCHAR), CAST(" + c + " AS VARCHAR) FROM " + from)) {
                    while (rs.next()) {
                        values.put(rs.getString(1), rs.getString(2));
                    }
                }
                columns.put(column[0], new ParquetColumn(column[1], values));
            }
        }
        return columns;
    }
}
