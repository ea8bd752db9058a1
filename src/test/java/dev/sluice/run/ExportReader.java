package dev.sluice.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads an exported file back with a reader that shares no code with Sluice: DuckDB's own
 * {@code read_csv}/{@code read_parquet} on a fresh in-memory connection, Jackson's tree parser for
 * JSON (it tells numbers from strings, which the checks below use), the JDK's DOM parser for XML.
 * Every value comes back as text, null as null.
 */
final class ExportReader {
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    /** Decimals keep their scale: 12.50 stays 12.50. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();

    private ExportReader() {}

    /** The formats the scenarios use, with what the reader needs to know. */
    enum Format {
        CSV(".csv"), JSON_ARRAY(".json"), JSON_LINES(".jsonl"), XML(".xml"), PARQUET(".parquet");

        final String extension;

        Format(String extension) {
            this.extension = extension;
        }
    }

    /**
     * A file's content: column names (empty when the format cannot say for an empty file: JSON and
     * XML), the engine's column types (Parquet only), and the rows.
     */
    record Table(List<String> columns, List<String> types, List<List<String>> rows) {}

    /**
     * @param csvDelimiter the CSV delimiter
     * @param xmlNames root and record element names
     * @param jsonNumbers exported attributes that must be JSON numbers (every other non-null value must be a JSON string or boolean)
     */
    static Table read(Path file, Format format, char csvDelimiter, String[] xmlNames, Set<String> jsonNumbers) {
        try {
            return switch (format) {
                case CSV -> duckdb("SELECT * FROM read_csv(" + literal(file) + ", all_varchar = true, header = true, delim = "
                        + literal(String.valueOf(csvDelimiter)) + ", quote = '\"', escape = '\"', new_line = '\\n')", false);
                case PARQUET -> duckdb("SELECT * FROM read_parquet(" + literal(file) + ")", true);
                case JSON_ARRAY, JSON_LINES -> json(file, format, jsonNumbers);
                case XML -> xml(file, xmlNames[0], xmlNames[1]);
            };
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read back " + file + ": " + e.getMessage(), e);
        }
    }

    private static String literal(Object text) {
        return "'" + text.toString().replace("'", "''") + "'";
    }

    private static Table duckdb(String select, boolean types) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            List<String> columnTypes = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("DESCRIBE " + select)) {
                while (rs.next()) {
                    columns.add(rs.getString("column_name"));
                    columnTypes.add(rs.getString("column_type"));
                }
            }
            // Cast in SQL, so that the text is DuckDB's rendering of the value and not the driver's.
            StringBuilder cast = new StringBuilder("SELECT ");
            for (int i = 0; i < columns.size(); i++) {
                String quoted = "\"" + columns.get(i).replace("\"", "\"\"") + "\"";
                cast.append(i == 0 ? "" : ", ").append("CAST(").append(quoted).append(" AS VARCHAR)");
            }
            cast.append(" FROM (").append(select).append(")");
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(cast.toString())) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            }
            return new Table(columns, types ? columnTypes : null, rows);
        }
    }

    private static Table json(Path file, Format format, Set<String> numbers) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        if (format == Format.JSON_ARRAY) {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isArray()) {
                throw new IllegalStateException(file + " does not hold a JSON array");
            }
            root.forEach(objects::add);
        } else {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isEmpty()) {
                    objects.add(JSON.readTree(line));
                }
            }
        }
        List<String> columns = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode object : objects) {
            if (!object.isObject()) {
                throw new IllegalStateException(file + ": not an object: " + object);
            }
            List<String> names = new ArrayList<>();
            List<String> row = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                names.add(field.getKey());
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    row.add(null);
                    continue;
                }
                boolean number = numbers.contains(field.getKey());
                if (number != value.isNumber()) {
                    throw new IllegalStateException(file + ": " + field.getKey() + " should " + (number ? "" : "not ")
                            + "be a JSON number, got " + value);
                }
                row.add(value.isNumber() ? value.decimalValue().toPlainString() : value.asText());
            }
            if (rows.isEmpty()) {
                columns = names;
            } else if (!names.equals(columns)) {
                throw new IllegalStateException(file + ": objects with different attributes: " + columns + " and " + names);
            }
            rows.add(row);
        }
        return new Table(columns, null, rows);
    }

    private static Table xml(Path file, String rootName, String recordName) throws IOException {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            document = factory.newDocumentBuilder().parse(file.toFile());
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IllegalStateException(file + " is not well-formed XML: " + e.getMessage(), e);
        }
        Element root = document.getDocumentElement();
        if (!root.getLocalName().equals(rootName)) {
            throw new IllegalStateException(file + ": root element " + root.getLocalName() + ", expected " + rootName);
        }
        List<String> columns = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (Element record : children(root)) {
            if (!record.getLocalName().equals(recordName)) {
                throw new IllegalStateException(file + ": record element " + record.getLocalName() + ", expected " + recordName);
            }
            List<String> names = new ArrayList<>();
            List<String> row = new ArrayList<>();
            for (Element value : children(record)) {
                names.add(value.getLocalName());
                boolean nil = "true".equals(value.getAttributeNS(XSI, "nil"));
                row.add(nil ? null : value.getTextContent());
            }
            if (rows.isEmpty()) {
                columns = names;
            } else if (!names.equals(columns)) {
                throw new IllegalStateException(file + ": records with different attributes: " + columns + " and " + names);
            }
            rows.add(row);
        }
        return new Table(columns, null, rows);
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element) {
                elements.add(element);
            } else if (node.getNodeType() == Node.TEXT_NODE && !node.getTextContent().isBlank()) {
                throw new IllegalStateException("unexpected text in <" + parent.getLocalName() + ">: " + node.getTextContent());
            }
        }
        return elements;
    }
}
