package dev.sluice.source;

import dev.sluice.engine.Column;
import dev.sluice.engine.Engine;
import dev.sluice.engine.EngineWarnings;
import dev.sluice.engine.LogicalType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Decimals without a precision the engine can hold (PostgreSQL's {@code numeric} without
 * precision, {@code numeric(p,s)} with p above 38, BigQuery's BIGNUMERIC without one, a JDBC
 * source's NUMBER …) get their type from the data, so that they stay numbers and no value is
 * rounded: staged as text, then turned into {@code DECIMAL(38,S)} where S is the largest number of
 * digits after the point among the values (as the source writes them, trailing zeros included),
 * lowered only by trailing zeros when the integer digits need the room. When a value needs more
 * than the 38 digits a decimal holds, the column stays text (every digit kept) and the run warns,
 * naming the column. NaN and infinities, which a decimal cannot hold, become null, with a warning.
 */
public final class UnboundedDecimals {
    /** The most digits a decimal of the engine holds. */
    public static final int MAX_PRECISION = 38;

    private UnboundedDecimals() {}

    /** Whether the source declares a decimal the engine can hold as it is. */
    public static boolean declared(Column column) {
        return column.precision() > 0 && column.precision() <= MAX_PRECISION && column.scale() >= 0 && column.scale() <= column.precision();
    }

    /** Whether {@code column} is staged as text first and typed from the data by {@link #settle}. */
    public static boolean unbounded(Column column) {
        return column.type() == LogicalType.DECIMAL && !declared(column);
    }

    /** Gives each unbounded decimal column of the temporary table {@code table} its type, from its values. */
    public static void settle(Engine engine, String table, List<Column> columns) throws SQLException {
        for (Column column : columns) {
            if (unbounded(column)) {
                settle(engine, table, column);
            }
        }
    }

    private static void settle(Engine engine, String table, Column column) throws SQLException {
        String c = Engine.identifier(column.name());
        String special = "lower(" + c + ") IN ('nan', 'infinity', '+infinity', '-infinity', 'inf', '+inf', '-inf')";
        String plain = "regexp_full_match(" + c + ", '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)')";
        String integer = "split_part(ltrim(" + c + ", '+-'), '.', 1)";
        String fraction = "split_part(" + c + ", '.', 2)";
        String stats = "SELECT coalesce(max(length(ltrim(" + integer + ", '0'))) FILTER (WHERE " + plain + "), 0), "
                + "coalesce(max(length(" + fraction + ")) FILTER (WHERE " + plain + "), 0), "
                + "coalesce(max(length(rtrim(" + fraction + ", '0'))) FILTER (WHERE " + plain + "), 0), "
                + "count(*) FILTER (WHERE " + special + "), "
                + "count(*) FILTER (WHERE NOT " + plain + " AND NOT " + special + "), "
                + "max(" + c + ") FILTER (WHERE NOT " + plain + " AND NOT " + special + "), "
                + "arg_max(" + c + ", length(ltrim(" + integer + ", '0')) + length(rtrim(" + fraction + ", '0'))) FILTER (WHERE " + plain + ") "
                + "FROM " + table;
        int integerDigits;
        int scale;
        int neededScale;
        long specials;
        long others;
        String other;
        String longest;
        try (Statement statement = engine.connection().createStatement(); ResultSet rs = statement.executeQuery(stats)) {
            rs.next();
            integerDigits = rs.getInt(1);
            scale = rs.getInt(2);
            neededScale = rs.getInt(3);
            specials = rs.getLong(4);
            others = rs.getLong(5);
            other = rs.getString(6);
            longest = rs.getString(7);
        }
        String what = "column '" + column.name() + "' (" + column.sourceType() + ")";
        if (others > 0) {
            EngineWarnings.add(engine, what + " holds " + others + (others == 1 ? " value" : " values") + " that " + (others == 1 ? "is" : "are")
                    + " not a plain decimal, e.g. '" + abbreviate(other) + "': the column is written as text; "
                    + "cast it in the model's SQL to choose its type");
            return;
        }
        if (integerDigits + neededScale > MAX_PRECISION) {
            EngineWarnings.add(engine, what + " holds a value of " + (integerDigits + neededScale) + " digits or more ("
                    + abbreviate(longest) + "), more than the " + MAX_PRECISION + " a decimal holds: the column is written as text, "
                    + "every digit kept; to write numbers, cast it in the model's SQL to a decimal of at most 38 digits (which rounds) "
                    + "or to a floating-point type");
            return;
        }
        int s = Math.min(scale, MAX_PRECISION - integerDigits);
        String type = "DECIMAL(" + MAX_PRECISION + "," + s + ")";
        engine.execute("ALTER TABLE " + table + " ALTER COLUMN " + c + " SET DATA TYPE " + type + " USING CASE WHEN " + special
                + " THEN NULL ELSE CAST(" + c + " AS " + type + ") END");
        if (specials > 0) {
            EngineWarnings.add(engine, what + ": " + specials + (specials == 1 ? " value is" : " values are")
                    + " NaN or an infinity, which a decimal cannot hold: written as null");
        }
    }

    private static String abbreviate(String value) {
        return value == null || value.length() <= 60 ? value : value.substring(0, 28) + "…" + value.substring(value.length() - 28);
    }
}
