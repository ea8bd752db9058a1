package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.source.SourceSession;
import dev.sluice.source.filter.CompiledQuery;
import dev.sluice.workspace.Catalog;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

/**
 * A model's or segment's row count and first rows, by the queries of {@code sluice preview}:
 * {@code count} and {@code sample: {columns, rows}}, numbers and booleans as JSON values, other
 * values as their text, null as null.
 */
final class SampleRows {
    private SampleRows() {}

    static void read(Catalog catalog, String target, int limit, ObjectNode into) {
        CompiledQuery query = catalog.query(target);
        String source = catalog.workspace().modelOf(target).source();
        SourceSession session = catalog.session(source);
        try {
            into.put("count", count(session, query));
            rows(session, query, limit, into.putObject("sample"));
        } catch (SQLException e) {
            throw SluiceException.external("preview of " + target + " failed on source '" + source + "': "
                    + Secrets.redact(String.valueOf(e.getMessage()).strip()), e);
        }
    }

    /** The rows {@code query} keeps, counted on the source. */
    static long count(SourceSession session, CompiledQuery query) throws SQLException {
        CompiledQuery counting = query.wrap("SELECT count(*) FROM ", "");
        return session.query(counting.sql(), counting.parameters(), rs -> {
            rs.next();
            return rs.getLong(1);
        });
    }

    /** The first {@code limit} rows {@code query} keeps, as {@code columns} and {@code rows} in {@code into}. */
    static void rows(SourceSession session, CompiledQuery query, int limit, ObjectNode into) throws SQLException {
        ArrayNode columns = into.putArray("columns");
        ArrayNode rows = into.putArray("rows");
        CompiledQuery first = query.wrap("SELECT * FROM ", " LIMIT " + limit);
        session.query(first.sql(), first.parameters(), rs -> {
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
            }
            while (rs.next()) {
                ArrayNode row = rows.addArray();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    add(row, rs.getObject(i), zoned(meta, i));
                }
            }
            return null;
        });
    }

    private static boolean zoned(ResultSetMetaData meta, int i) throws SQLException {
        if (meta.getColumnType(i) == Types.TIMESTAMP_WITH_TIMEZONE) {
            return true;
        }
        String type = String.valueOf(meta.getColumnTypeName(i)).toLowerCase(java.util.Locale.ROOT);
        return type.equals("timestamptz") || type.startsWith("timestamp with time zone");
    }

    private static void add(ArrayNode row, Object value, boolean zoned) {
        if (value == null) {
            row.addNull();
        } else if (value instanceof Boolean b) {
            row.add(b);
        } else if (value instanceof java.math.BigDecimal d) {
            row.add(d.toPlainString());
        } else if (value instanceof java.math.BigInteger i) {
            row.add(i);
        } else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            row.add(((Number) value).doubleValue());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            row.add(((Number) value).longValue());
        } else if (value instanceof byte[] bytes) {
            row.add(java.util.Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof java.sql.Timestamp timestamp) {
            row.add(zoned ? timestamp.toInstant().toString() : timestamp.toLocalDateTime().toString());
        } else if (value instanceof java.time.OffsetDateTime time) {
            row.add(time.toInstant().toString());
        } else {
            row.add(value.toString());
        }
    }
}
