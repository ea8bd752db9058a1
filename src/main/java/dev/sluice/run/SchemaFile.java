package dev.sluice.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.engine.Engine;
import dev.sluice.history.ExportedSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code FOLDER/_schema.json} ({@code schema_file: true}): the exported schema for a consumer that
 * reads no manifest, in the terms of the activation's format. JSON (array or lines): a JSON Schema
 * (draft 2020-12) of one row. CSV and XML: the column list (name, Sluice's type, nullability,
 * position from 1). Parquet: the column list, and {@code parquet_schema}: Parquet's own schema of the
 * run's first data file, as DuckDB's {@code parquet_schema} reports it. Every form says the schema
 * version and the primary key.
 */
final class SchemaFile {
    static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

    private SchemaFile() {}

    /** Writes the schema file into {@code dir}; {@code firstDataFile} is a Parquet file of the run (null when none). */
    static Path write(Path dir, String activation, String format, ExportedSchema schema, Engine engine, Path firstDataFile)
            throws IOException, SQLException {
        ObjectNode root = format.equals("json") ? jsonSchema(activation, schema) : columnList(activation, format, schema);
        if (format.equals("parquet") && firstDataFile != null) {
            root.set("parquet_schema", parquetSchema(engine, firstDataFile));
        }
        Path file = dir.resolve("_schema.json");
        Files.write(file, JsonText.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }

    /** A JSON Schema of one row: each column a property of its JSON type, every column present (null as null), no others. */
    private static ObjectNode jsonSchema(String activation, ExportedSchema schema) {
        ObjectNode root = JsonText.MAPPER.createObjectNode();
        root.put("$schema", DRAFT).put("title", activation + " row")
                .put("description", "One row of activation " + activation + ", schema version " + schema.version()
                        + " (an array layout holds a list of such rows; jsonl one per line)")
                .put("type", "object");
        ObjectNode properties = root.putObject("properties");
        ArrayNode required = root.putArray("required");
        for (ExportedSchema.Field f : schema.columns()) {
            properties.set(f.name(), property(f));
            required.add(f.name());
        }
        root.put("additionalProperties", false);
        root.put("x-sluice-schema-version", schema.version());
        ArrayNode key = root.putArray("x-sluice-primary-key");
        schema.primaryKey().forEach(key::add);
        return root;
    }

    /** A column as JSON Sluice writes it: numbers bare (NaN and infinities as null), temporal and binary values as text. */
    static ObjectNode property(ExportedSchema.Field f) {
        ObjectNode p = JsonText.MAPPER.createObjectNode();
        String type = switch (f.type()) {
            case "integer" -> "integer";
            case "floating", "decimal" -> "number";
            case "boolean" -> "boolean";
            case "other" -> null; // lists, structs, JSON, UUID …: the value as the source holds it
            default -> "string";
        };
        // A floating value that is NaN or infinite is written as null.
        boolean nullable = f.nullable() || f.type().equals("floating");
        if (type != null) {
            if (nullable) {
                p.putArray("type").add(type).add("null");
            } else {
                p.put("type", type);
            }
        }
        switch (f.type()) {
            case "date" -> p.put("format", "date");
            case "timestamp_tz" -> p.put("format", "date-time");
            case "binary" -> p.put("contentEncoding", "base64");
            default -> { }
        }
        p.put("x-sluice-type", f.type());
        return p;
    }

    private static ObjectNode columnList(String activation, String format, ExportedSchema schema) {
        ObjectNode root = JsonText.MAPPER.createObjectNode();
        root.put("activation", activation).put("format", format).put("schema_version", schema.version());
        ArrayNode columns = root.putArray("columns");
        int position = 1;
        for (ExportedSchema.Field f : schema.columns()) {
            columns.addObject().put("name", f.name()).put("type", f.type()).put("nullable", f.nullable()).put("position", position++);
        }
        ArrayNode key = root.putArray("primary_key");
        schema.primaryKey().forEach(key::add);
        return root;
    }

    /** DuckDB's {@code parquet_schema} of a file: one object per schema element, its columns as DuckDB names them. */
    private static ArrayNode parquetSchema(Engine engine, Path parquet) throws SQLException {
        ArrayNode rows = JsonText.MAPPER.createArrayNode();
        try (Statement s = engine.connection().createStatement();
                ResultSet rs = s.executeQuery("SELECT * EXCLUDE (file_name) FROM parquet_schema(" + Engine.literal(parquet.toString()) + ")")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                ObjectNode row = rows.addObject();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    if (value == null) {
                        row.putNull(meta.getColumnLabel(i));
                    } else if (value instanceof Number n) {
                        row.put(meta.getColumnLabel(i), n.longValue());
                    } else {
                        row.put(meta.getColumnLabel(i), value.toString());
                    }
                }
            }
        }
        return rows;
    }
}
