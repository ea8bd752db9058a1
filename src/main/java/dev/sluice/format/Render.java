package dev.sluice.format;


import static dev.sluice.engine.Engine.identifier;
import static dev.sluice.engine.Engine.literal;

import dev.sluice.engine.LogicalType;

/**
 * SQL expressions (DuckDB dialect) that render a column as text exactly as the specification's
 * value rules say, so that every text format shows a value the same way: ISO-8601 timestamps
 * ({@code Z} only for zoned types, fractional seconds only when non-zero), plain decimals, base64
 * binary, {@code NaN}/{@code Infinity}/{@code -Infinity}. Null stays null.
 */
public final class Render {
    /** Characters XML 1.0 cannot hold (the engine's strings are UTF-8, so no lone surrogates). */
    static final String XML_ILLEGAL = "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x{FFFE}\\x{FFFF}]";

    private Render() {}

    /** The column as VARCHAR, per the text rules. */
    public static String text(ExportColumn column) {
        String c = identifier(column.source());
        return switch (column.type()) {
            case STRING -> c;
            case FLOATING -> "CASE WHEN isnan(" + c + ") THEN 'NaN' WHEN isinf(" + c + ") THEN CASE WHEN " + c
                    + " > 0 THEN 'Infinity' ELSE '-Infinity' END ELSE CAST(" + c + " AS VARCHAR) END";
            case TIMESTAMP -> isoTimestamp(c, "");
            case TIMESTAMP_TZ -> isoTimestamp("timezone('UTC', " + c + ")", "Z");
            case BINARY -> "base64(" + c + ")";
            default -> "CAST(" + c + " AS VARCHAR)";
        };
    }

    /**
     * ISO-8601 with fractional seconds only when non-zero. For years 1 to 9999 the engine's own text
     * form is exactly that with a space for the {@code T} (it trims the fraction's zeros and leaves
     * out a zero fraction): one cast and one replace, about 0.4-1.4 s less than strftime at 10 M
     * rows. Outside that range (BC, five-digit years, infinities) the strftime form, as before.
     */
    private static String isoTimestamp(String ts, String zone) {
        String fraction = "rtrim(strftime(" + ts + ", '%Y-%m-%dT%H:%M:%S.%f'), '0')";
        String general = "CASE WHEN microsecond(" + ts + ") % 1000000 = 0 THEN strftime(" + ts + ", '%Y-%m-%dT%H:%M:%S" + zone + "') ELSE "
                + (zone.isEmpty() ? fraction : fraction + " || '" + zone + "'") + " END"; // || keeps a null null; concat() would not
        return "CASE WHEN " + ts + " BETWEEN TIMESTAMP '0001-01-01' AND TIMESTAMP '9999-12-31 23:59:59.999999' THEN replace(CAST(" + ts
                + " AS VARCHAR), ' ', 'T')" + (zone.isEmpty() ? "" : " || '" + zone + "'") + " ELSE " + general + " END";
    }

    /** The column as a JSON value's text: numbers and booleans bare (decimals as stored), the rest as strings, null as null. */
    public static String json(ExportColumn column) {
        String c = identifier(column.source());
        String value = switch (column.type()) {
            case INTEGER, DECIMAL, BOOLEAN -> "CAST(" + c + " AS VARCHAR)";
            case FLOATING -> "CASE WHEN isnan(" + c + ") OR isinf(" + c + ") THEN NULL ELSE CAST(" + c + " AS VARCHAR) END";
            case OTHER -> "CAST(to_json(" + c + ") AS VARCHAR)";
            // Their text holds digits, letters and - : . T Z + / = ( ) and spaces only: nothing to escape.
            case DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, BINARY -> "('\"' || " + text(column) + " || '\"')";
            default -> "CAST(to_json(" + text(column) + ") AS VARCHAR)";
        };
        return "COALESCE(" + value + ", 'null')";
    }

    /** One JSON object per row, on one line: {@code {"name":value,...}}. */
    public static String jsonObject(java.util.List<ExportColumn> columns) {
        // One concat() of every part: a chain of || builds an intermediate string at each step.
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ExportColumn column = columns.get(i);
            parts.add(literal((i == 0 ? "{" : ",") + jsonString(column.name()) + ":"));
            parts.add(json(column));
        }
        parts.add("'}'");
        return "concat(" + String.join(", ", parts) + ")";
    }

    /** A JSON string literal for {@code text} (keys are written at plan time, not by the engine). */
    static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * The column as XML element content: markup characters escaped, CR and LF as character
     * references, and with {@code illegalPossible} characters XML 1.0 cannot hold as U+FFFD (without
     * it, the data were checked and hold none, so the costly regular-expression replacement is left out).
     */
    static String xmlText(ExportColumn column, boolean illegalPossible) {
        String text = text(column);
        return switch (column.type()) {
            case INTEGER, DECIMAL, FLOATING, BOOLEAN, DATE, TIMESTAMP, TIMESTAMP_TZ, BINARY -> text;
            default -> {
                // Most values need no escaping: five cheap searches spare five replacements (and their copies).
                String escaped = "CASE WHEN contains(" + text + ", '&') OR contains(" + text + ", '<') OR contains(" + text
                        + ", '>') OR contains(" + text + ", chr(13)) OR contains(" + text + ", chr(10)) THEN "
                        + "replace(replace(replace(replace(replace(" + text
                        + ", '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), chr(13), '&#13;'), chr(10), '&#10;') ELSE " + text + " END";
                yield illegalPossible ? "regexp_replace(" + escaped + ", '" + XML_ILLEGAL + "', '\uFFFD', 'g')" : escaped;
            }
        };
    }

    /**
     * One XML record per row, on one line, indented by two spaces; {@code illegalPossible} false when
     * the data hold no character XML 1.0 cannot hold (see {@link #xmlText}).
     */
    static String xmlRecord(java.util.List<ExportColumn> columns, String recordElement, boolean illegalPossible) {
        // One concat() of every part: a chain of || builds an intermediate string at each step.
        java.util.List<String> parts = new java.util.ArrayList<>();
        parts.add(literal("  <" + recordElement + ">"));
        for (ExportColumn column : columns) {
            String name = column.name();
            parts.add("CASE WHEN " + identifier(column.source()) + " IS NULL THEN " + literal("<" + name + " xsi:nil=\"true\"/>")
                    + " ELSE concat(" + literal("<" + name + ">") + ", " + xmlText(column, illegalPossible) + ", "
                    + literal("</" + name + ">") + ") END");
        }
        parts.add(literal("</" + recordElement + ">"));
        return "concat(" + String.join(", ", parts) + ")";
    }

    /** Whether any text value of {@code sql} holds a character XML 1.0 cannot hold (a search, cheaper than counting them). */
    public static String anyXmlIllegal(String sql, java.util.List<ExportColumn> columns) {
        StringBuilder any = new StringBuilder();
        for (ExportColumn column : columns) {
            if (column.type() == LogicalType.STRING || column.type() == LogicalType.OTHER) {
                any.append(any.length() == 0 ? "" : " OR ").append("regexp_matches(").append(text(column)).append(", '")
                        .append(XML_ILLEGAL).append("')");
            }
        }
        return any.length() == 0 ? null : "SELECT 1 FROM (" + sql + ") AS sluice_src WHERE " + any + " LIMIT 1";
    }

    /** Counts the characters XML 1.0 cannot hold in the text columns of {@code sql}. */
    public static String countXmlIllegal(String sql, java.util.List<ExportColumn> columns) {
        StringBuilder sum = new StringBuilder();
        for (ExportColumn column : columns) {
            if (column.type() == LogicalType.STRING || column.type() == LogicalType.OTHER) {
                String text = text(column);
                sum.append(sum.length() == 0 ? "" : " + ").append("COALESCE(sum(length(").append(text)
                        .append(") - length(regexp_replace(").append(text).append(", '").append(XML_ILLEGAL)
                        .append("', '', 'g'))), 0)");
            }
        }
        return sum.length() == 0 ? null : "SELECT " + sum + " FROM (" + sql + ") AS sluice_src";
    }
}
