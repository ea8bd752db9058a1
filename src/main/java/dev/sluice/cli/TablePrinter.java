package dev.sluice.cli;

import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints rows as an aligned text table. Cells are cut at {@value #MAX_WIDTH} characters with "…";
 * line breaks and tabs are shown as \n, \r and \t so that each row stays on one line; null is
 * shown as NULL.
 */
final class TablePrinter {
    static final int MAX_WIDTH = 32;

    void print(ResultSet rs, PrintWriter out) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[n];
        int[] widths = new int[n];
        for (int i = 0; i < n; i++) {
            header[i] = cell(meta.getColumnLabel(i + 1));
            widths[i] = header[i].codePointCount(0, header[i].length());
        }
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                Object value = rs.getObject(i + 1);
                row[i] = value == null ? "NULL" : cell(render(value, zoned(meta, i + 1)));
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
            rows.add(row);
        }
        line(out, header, widths);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < n; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
        for (String[] row : rows) {
            line(out, row, widths);
        }
    }

    /** Whether column {@code i} is a timestamp with a time zone: its values are shown as UTC instants, with their Z. */
    static boolean zoned(ResultSetMetaData meta, int i) throws SQLException {
        if (meta.getColumnType(i) == java.sql.Types.TIMESTAMP_WITH_TIMEZONE) {
            return true;
        }
        String type = String.valueOf(meta.getColumnTypeName(i)).toLowerCase(java.util.Locale.ROOT);
        return type.equals("timestamptz") || type.startsWith("timestamp with time zone");
    }

    /** Adds {@code value} to a JSON row: numbers and booleans as JSON values (non-finite as text), others as their text. */
    static void json(com.fasterxml.jackson.databind.node.ArrayNode row, Object value, boolean zoned) {
        if (value == null) {
            row.addNull();
        } else if (value instanceof Boolean b) {
            row.add(b);
        } else if (value instanceof java.math.BigDecimal d) {
            row.add(d);
        } else if (value instanceof java.math.BigInteger i) {
            row.add(i);
        } else if ((value instanceof Double || value instanceof Float) && !Double.isFinite(((Number) value).doubleValue())) {
            row.add(render(value, zoned));
        } else if (value instanceof Double || value instanceof Float) {
            row.add(((Number) value).doubleValue());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            row.add(((Number) value).longValue());
        } else {
            row.add(render(value, zoned));
        }
    }

    static String render(Object value, boolean zoned) {
        if (value instanceof byte[] bytes) {
            return java.util.Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return zoned ? timestamp.toInstant().toString() : timestamp.toLocalDateTime().toString();
        }
        if (value instanceof java.time.OffsetDateTime time) {
            return time.toInstant().toString();
        }
        if (value instanceof java.math.BigDecimal decimal) {
            return decimal.toPlainString();
        }
        return value.toString();
    }

    static String cell(String text) {
        String shown = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        StringBuilder clean = new StringBuilder();
        shown.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                clean.append(String.format("\\u%04x", cp));
            } else {
                clean.appendCodePoint(cp);
            }
        });
        shown = clean.toString();
        if (shown.codePointCount(0, shown.length()) > MAX_WIDTH) {
            shown = shown.substring(0, shown.offsetByCodePoints(0, MAX_WIDTH - 1)) + "…";
        }
        return shown;
    }

    private static void line(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append(" | ");
            }
            line.append(cells[i]);
            if (i < cells.length - 1) {
                line.append(" ".repeat(widths[i] - cells[i].codePointCount(0, cells[i].length())));
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
