package dev.sluice.source;

import dev.sluice.engine.Column;
import dev.sluice.engine.ColumnTypes;
import dev.sluice.engine.Engine;
import dev.sluice.engine.LogicalType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Copies a model's rows from a database other than DuckDB into the engine through a CSV file:
 * the engine reads CSV at over a million rows a second, far faster than row-by-row inserts
 * (DESIGN §2). Each column gets the engine type of its logical type; a decimal without a precision
 * the engine can hold gets its type from the data ({@link UnboundedDecimals}).
 */
public final class EngineStaging {
    public static final String TABLE = "sluice_model_rows";

    private EngineStaging() {}

    /** The columns of the model's query on the source, without reading its rows. */
    public static List<Column> describe(Connection source, Model model) throws SQLException {
        try (Statement statement = source.createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM " + model.asSubquery() + " WHERE 1 = 0")) {
            return ColumnTypes.columns(rs.getMetaData());
        }
    }

    public static Path tempCsv(Engine engine) throws IOException {
        return Files.createTempFile(engine.tempDir(), "sluice-extract-", ".csv");
    }

    /** Loads {@code csv} (no header, {@code \N} for null) into a temporary table and returns its name. */
    public static String load(Engine engine, List<Column> columns, Path csv) throws SQLException {
        load(engine, columns, csv, TABLE);
        return TABLE;
    }

    /** As {@link #load(Engine, List, Path)}, into the temporary table {@code table}. */
    public static void load(Engine engine, List<Column> columns, Path csv, String table) throws SQLException {
        String definitions = columns.stream().map(c -> Engine.literal(c.name()) + ": " + Engine.literal(stagedType(c)))
                .collect(Collectors.joining(", "));
        String conversions = columns.stream().map(EngineStaging::conversion).collect(Collectors.joining(", "));
        engine.execute("CREATE OR REPLACE TEMP TABLE " + table + " AS SELECT " + conversions + " FROM read_csv("
                + Engine.literal(csv.toAbsolutePath().toString()) + ", header = false, nullstr = '\\N', allow_quoted_nulls = false, quote = '\"', escape = '\"', "
                + "delim = ',', new_line = '\\n', auto_detect = false, columns = {" + definitions + "})");
        UnboundedDecimals.settle(engine, table, columns);
    }

    /**
     * Loads Parquet files into the same temporary table as {@link #load}, each column cast to the
     * engine type its logical type gets there.
     */
    public static String loadParquet(Engine engine, List<Column> columns, List<Path> files) throws SQLException {
        String list = files.stream().map(f -> Engine.literal(f.toAbsolutePath().toString())).collect(Collectors.joining(", ", "[", "]"));
        String casts = columns.stream().map(c -> "CAST(" + Engine.identifier(c.name()) + " AS " + engineType(c) + ") AS "
                + Engine.identifier(c.name())).collect(Collectors.joining(", "));
        engine.execute("CREATE OR REPLACE TEMP TABLE " + TABLE + " AS SELECT " + casts + " FROM read_parquet(" + list + ")");
        UnboundedDecimals.settle(engine, TABLE, columns);
        return TABLE;
    }

    private static String engineType(Column column) {
        return switch (column.type()) {
            case INTEGER -> "BIGINT";
            case BINARY -> "BLOB";
            default -> stagedType(column);
        };
    }

    /** Writes one CSV line the way {@link #load} reads it; a null value is NULL. */
    public static void writeRow(Writer out, List<String> values) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            String value = values.get(i);
            out.write(value == null ? "\\N" : quote(value));
        }
        out.write('\n');
    }

    /** The engine type the CSV column is read as. */
    private static String stagedType(Column column) {
        return switch (column.type()) {
            case BOOLEAN -> "BOOLEAN";
            case INTEGER -> "HUGEINT";
            case FLOATING -> "DOUBLE";
            case DECIMAL -> UnboundedDecimals.declared(column) ? "DECIMAL(" + column.precision() + "," + column.scale() + ")" : "VARCHAR";
            case DATE -> "DATE";
            // DuckDB's TIMETZ would pass for a timestamp with a zone downstream: the text keeps the offset.
            case TIME -> column.sourceType().equalsIgnoreCase("timetz") ? "VARCHAR" : "TIME";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMP_TZ -> "TIMESTAMPTZ";
            // JSON stays JSON: nested in JSON files, its text elsewhere.
            case OTHER -> column.sourceType().equalsIgnoreCase("json") || column.sourceType().equalsIgnoreCase("jsonb") ? "JSON" : "VARCHAR";
            default -> "VARCHAR";
        };
    }

    private static String conversion(Column column) {
        String c = Engine.identifier(column.name());
        return switch (column.type()) {
            case INTEGER -> "CASE WHEN " + c + " BETWEEN -9223372036854775808 AND 9223372036854775807 THEN CAST(" + c
                    + " AS BIGINT) END AS " + c;
            case BINARY -> "from_base64(" + c + ") AS " + c;
            default -> c;
        };
    }

    /** Writes a JDBC result set as CSV the way {@link #load} reads it. */
    public static long writeCsv(ResultSet rs, List<Column> columns, Path csv) throws SQLException, IOException {
        long rows = 0;
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8), 1 << 16)) {
            while (rs.next()) {
                for (int i = 0; i < columns.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    String value = text(rs, i + 1, columns.get(i).type());
                    out.write(value == null ? "\\N" : quote(value));
                }
                out.write('\n');
                rows++;
            }
        }
        return rows;
    }

    private static String text(ResultSet rs, int index, LogicalType type) throws SQLException {
        Object value = switch (type) {
            case DATE -> rs.getObject(index, java.time.LocalDate.class);
            case TIMESTAMP -> rs.getObject(index, java.time.LocalDateTime.class);
            case TIMESTAMP_TZ -> rs.getObject(index, java.time.OffsetDateTime.class);
            case DECIMAL -> {
                BigDecimal d = rs.getBigDecimal(index);
                yield d == null ? null : d.toPlainString();
            }
            case BINARY -> {
                byte[] bytes = rs.getBytes(index);
                yield bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
            }
            default -> rs.getString(index);
        };
        return value == null ? null : value.toString();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
