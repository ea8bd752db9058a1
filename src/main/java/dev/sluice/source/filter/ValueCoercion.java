package dev.sluice.source.filter;

import dev.sluice.engine.Column;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Turns a filter value as written in YAML into a value of the attribute's type, to be bound as a
 * parameter. IllegalArgumentException names the value and the type when it does not fit.
 */
final class ValueCoercion {
    private ValueCoercion() {}

    static Object coerce(Object raw, Column column) {
        try {
            return switch (column.type()) {
                case STRING -> text(raw);
                case INTEGER -> integer(raw);
                case FLOATING -> number(raw).doubleValue();
                case DECIMAL -> number(raw);
                case BOOLEAN -> bool(raw);
                case DATE -> LocalDate.parse(text(raw).trim());
                case TIME -> LocalTime.parse(text(raw).trim());
                case TIMESTAMP -> timestamp(text(raw).trim());
                case TIMESTAMP_TZ -> timestampTz(text(raw).trim());
                case BINARY -> throw new IllegalArgumentException("binary attributes can only be tested with is_null or is_not_null");
                case OTHER -> text(raw);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("value '" + text(raw) + "' does not fit attribute " + column.name()
                    + " of type " + column.sourceType() + hint(column));
        }
    }

    private static String hint(Column column) {
        return switch (column.type()) {
            case DATE -> " (write dates as 2025-04-14)";
            case TIMESTAMP -> " (write timestamps as 2025-04-14T10:00:00)";
            case TIMESTAMP_TZ -> " (write timestamps as 2025-04-14T10:00:00Z or with an offset, +02:00)";
            case TIME -> " (write times as 10:00:00)";
            case BOOLEAN -> " (write true or false)";
            default -> "";
        };
    }

    static String text(Object raw) {
        return raw instanceof BigDecimal d ? d.toPlainString() : String.valueOf(raw);
    }

    private static Object integer(Object raw) {
        if (raw instanceof Long) {
            return raw;
        }
        BigDecimal value = number(raw);
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            return value;
        }
    }

    private static BigDecimal number(Object raw) {
        if (raw instanceof Boolean) {
            throw new NumberFormatException();
        }
        return raw instanceof BigDecimal d ? d : new BigDecimal(text(raw).trim().replace("_", ""));
    }

    private static Boolean bool(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        String text = text(raw).trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        throw new NumberFormatException();
    }

    private static LocalDateTime timestamp(String text) {
        if (text.length() == 10) {
            return LocalDate.parse(text).atStartOfDay();
        }
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }

    private static OffsetDateTime timestampTz(String text) {
        String iso = text.replace(' ', 'T');
        if (iso.length() == 10) {
            return LocalDate.parse(iso).atStartOfDay().atOffset(ZoneOffset.UTC);
        }
        try {
            return OffsetDateTime.parse(iso);
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(iso).atOffset(ZoneOffset.UTC);
        }
    }
}
