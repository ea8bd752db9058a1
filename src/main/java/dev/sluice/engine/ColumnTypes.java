package dev.sluice.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads a query's columns from JDBC metadata and maps each type to a {@link LogicalType}. */
public final class ColumnTypes {
    private ColumnTypes() {}

    /** The columns of {@code sql} as the engine on {@code connection} sees them, without reading its rows. */
    public static List<Column> describe(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM (" + sql + ") AS sluice_src LIMIT 0")) {
            return columns(rs.getMetaData());
        }
    }

    public static List<Column> columns(ResultSetMetaData meta) throws SQLException {
        List<Column> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String typeName = meta.getColumnTypeName(i);
            LogicalType type = logicalType(meta.getColumnType(i), typeName);
            int precision = type == LogicalType.DECIMAL ? meta.getPrecision(i) : 0;
            int scale = type == LogicalType.DECIMAL ? meta.getScale(i) : 0;
            String label = meta.getColumnLabel(i);
            columns.add(new Column(label == null || label.isEmpty() ? meta.getColumnName(i) : label,
                    type, typeName == null ? "unknown" : typeName, precision, scale));
        }
        return columns;
    }

    static LogicalType logicalType(int jdbcType, String typeName) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (name.equals("timestamptz") || name.contains("with time zone") || name.equals("timestamp_tz")) {
            return LogicalType.TIMESTAMP_TZ;
        }
        switch (jdbcType) {
            case Types.BOOLEAN:
            case Types.BIT:
                return LogicalType.BOOLEAN;
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
                return LogicalType.INTEGER;
            case Types.REAL:
            case Types.FLOAT:
            case Types.DOUBLE:
                return LogicalType.FLOATING;
            case Types.DECIMAL:
            case Types.NUMERIC:
                return name.equals("hugeint") || name.equals("uhugeint") || name.equals("ubigint")
                        ? LogicalType.INTEGER : LogicalType.DECIMAL;
            case Types.CHAR:
            case Types.VARCHAR:
            case Types.LONGVARCHAR:
            case Types.NCHAR:
            case Types.NVARCHAR:
            case Types.LONGNVARCHAR:
            case Types.CLOB:
                return name.equals("json") || name.equals("uuid") ? LogicalType.OTHER : LogicalType.STRING;
            case Types.DATE:
                return LogicalType.DATE;
            case Types.TIME:
            case Types.TIME_WITH_TIMEZONE:
                return LogicalType.TIME;
            case Types.TIMESTAMP:
                return LogicalType.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return LogicalType.TIMESTAMP_TZ;
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY:
            case Types.BLOB:
                return LogicalType.BINARY;
            default:
                return byName(name);
        }
    }

    private static LogicalType byName(String name) {
        return switch (name) {
            case "utinyint", "usmallint", "uinteger", "ubigint", "hugeint", "uhugeint" -> LogicalType.INTEGER;
            case "text", "varchar", "string" -> LogicalType.STRING;
            default -> LogicalType.OTHER;
        };
    }
}
