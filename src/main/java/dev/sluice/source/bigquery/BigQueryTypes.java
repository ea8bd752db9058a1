package dev.sluice.source.bigquery;


import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import dev.sluice.engine.Column;
import dev.sluice.engine.LogicalType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * BigQuery's types as the engine's: INT64 → BIGINT, FLOAT64 → DOUBLE, NUMERIC → DECIMAL(38,9) (or its
 * declared precision), BIGNUMERIC → DECIMAL(P,S) when declared with at most 38 digits, otherwise a
 * decimal whose scale the data choose ({@link UnboundedDecimals}), BOOL → BOOLEAN, STRING → VARCHAR,
 * BYTES → BLOB, DATE → DATE, DATETIME → TIMESTAMP, TIME → TIME, TIMESTAMP → TIMESTAMP WITH TIME
 * ZONE, JSON → JSON, GEOGRAPHY and INTERVAL → text. Arrays (REPEATED) and STRUCTs are refused with
 * a message that says how to send them as JSON text.
 */
final class BigQueryTypes {
    /** BIGNUMERIC without declared precision holds 76 digits, 38 of them after the point. */
    static final int BIGNUMERIC_PRECISION = 76;
    static final int BIGNUMERIC_SCALE = 38;

    /**
     * Parameter texts as the client accepts them: seconds and six fraction digits always written
     * ({@code LocalDateTime.toString()} drops zero seconds, which the client refuses).
     */
    private static final java.time.format.DateTimeFormatter DATETIME = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");
    private static final java.time.format.DateTimeFormatter TIMESTAMP = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(java.time.ZoneOffset.UTC);

    private BigQueryTypes() {}

    /** The columns of a result; a list of the columns it cannot read in {@code refused}. */
    static List<Column> columns(Schema schema, List<String> refused) {
        List<Column> columns = new ArrayList<>();
        if (schema == null) {
            return columns;
        }
        for (Field field : schema.getFields()) {
            StandardSQLTypeName type = field.getType().getStandardType();
            if (field.getMode() == Field.Mode.REPEATED || type == StandardSQLTypeName.STRUCT || type == StandardSQLTypeName.ARRAY
                    || type == StandardSQLTypeName.RANGE) {
                String what = field.getMode() == Field.Mode.REPEATED ? "an ARRAY (REPEATED " + type + ")" : "a " + type;
                refused.add("column '" + field.getName() + "' is " + what + ", which Sluice does not read from BigQuery; "
                        + "select it as JSON text, e.g. TO_JSON_STRING(" + field.getName() + ") AS " + field.getName());
                continue;
            }
            columns.add(column(field, type));
        }
        return columns;
    }

    private static Column column(Field field, StandardSQLTypeName type) {
        String name = field.getName();
        return switch (type) {
            case INT64 -> new Column(name, LogicalType.INTEGER, "INT64", 0, 0);
            case FLOAT64 -> new Column(name, LogicalType.FLOATING, "FLOAT64", 0, 0);
            case BOOL -> new Column(name, LogicalType.BOOLEAN, "BOOL", 0, 0);
            case STRING -> new Column(name, LogicalType.STRING, "STRING", 0, 0);
            case BYTES -> new Column(name, LogicalType.BINARY, "BYTES", 0, 0);
            case DATE -> new Column(name, LogicalType.DATE, "DATE", 0, 0);
            case DATETIME -> new Column(name, LogicalType.TIMESTAMP, "DATETIME", 0, 0);
            case TIME -> new Column(name, LogicalType.TIME, "TIME", 0, 0);
            case TIMESTAMP -> new Column(name, LogicalType.TIMESTAMP_TZ, "TIMESTAMP", 0, 0);
            case NUMERIC -> decimal(field, "NUMERIC", 38, 9);
            case BIGNUMERIC -> decimal(field, "BIGNUMERIC", BIGNUMERIC_PRECISION, BIGNUMERIC_SCALE);
            default -> new Column(name, LogicalType.OTHER, type.name(), 0, 0);
        };
    }

    private static Column decimal(Field field, String type, int defaultPrecision, int defaultScale) {
        if (field.getPrecision() == null) {
            return new Column(field.getName(), LogicalType.DECIMAL, type, defaultPrecision, defaultScale);
        }
        int precision = field.getPrecision().intValue();
        int scale = field.getScale() == null ? 0 : field.getScale().intValue();
        return new Column(field.getName(), LogicalType.DECIMAL, type + "(" + precision + ", " + scale + ")", precision, scale);
    }

    /**
     * A value as the staging CSV carries it (null for NULL): the REST API's text for most types
     * (BYTES already base64), TIMESTAMP turned from epoch seconds into an ISO instant.
     */
    static String text(FieldValue value, Column column) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (column.type() == LogicalType.TIMESTAMP_TZ) {
            long micros = value.getTimestampValue();
            Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
            return instant.toString();
        }
        return value.getStringValue();
    }

    /** A bound filter value as a BigQuery query parameter. */
    static QueryParameterValue parameter(Object value) {
        if (value == null) {
            return QueryParameterValue.string(null);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof java.math.BigInteger) {
            return QueryParameterValue.int64(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            return QueryParameterValue.float64(((Number) value).doubleValue());
        }
        if (value instanceof BigDecimal d) {
            return d.precision() - d.scale() <= 29 && d.scale() <= 9 ? QueryParameterValue.numeric(d) : QueryParameterValue.bigNumeric(d);
        }
        if (value instanceof Boolean b) {
            return QueryParameterValue.bool(b);
        }
        if (value instanceof LocalDate d) {
            return QueryParameterValue.date(d.toString());
        }
        if (value instanceof LocalDateTime t) {
            return QueryParameterValue.dateTime(DATETIME.format(t));
        }
        if (value instanceof LocalTime t) {
            return QueryParameterValue.time(TIME.format(t));
        }
        if (value instanceof OffsetDateTime t) {
            return QueryParameterValue.timestamp(TIMESTAMP.format(t.toInstant()));
        }
        if (value instanceof Instant t) {
            return QueryParameterValue.timestamp(TIMESTAMP.format(t));
        }
        if (value instanceof byte[] bytes) {
            return QueryParameterValue.bytes(bytes);
        }
        return QueryParameterValue.string(value.toString());
    }
}
