package dev.sluice.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.zetasql.StructType;
import com.google.zetasql.Type;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.Value;
import com.google.zetasql.ZetaSQLType.TypeKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Values between the fake's three forms: the fixture's text as DuckDB prints it, ZetaSQL's
 * {@link Value}, and BigQuery's REST encoding (schema fields and {@code {"v": …}} cells; INT64 as
 * text, TIMESTAMP as epoch seconds, BYTES as base64).
 */
final class ZetaValues {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    /** A type the reference evaluator cannot hold values of (GEOGRAPHY, INTERVAL, STRUCT): the statement runs in DuckDB. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    private ZetaValues() {}

    /** A BigQuery field type (legacy name, as the REST schema writes it) as ZetaSQL's type. */
    static Type type(String bigQueryType, boolean repeated) {
        Type element = switch (bigQueryType) {
            case "INTEGER", "INT64" -> simple(TypeKind.TYPE_INT64);
            case "FLOAT", "FLOAT64" -> simple(TypeKind.TYPE_DOUBLE);
            case "BOOLEAN", "BOOL" -> simple(TypeKind.TYPE_BOOL);
            case "BYTES" -> simple(TypeKind.TYPE_BYTES);
            case "DATE" -> simple(TypeKind.TYPE_DATE);
            case "TIME" -> simple(TypeKind.TYPE_TIME);
            case "DATETIME" -> simple(TypeKind.TYPE_DATETIME);
            case "TIMESTAMP" -> simple(TypeKind.TYPE_TIMESTAMP);
            case "NUMERIC" -> simple(TypeKind.TYPE_NUMERIC);
            case "BIGNUMERIC" -> simple(TypeKind.TYPE_BIGNUMERIC);
            case "JSON" -> simple(TypeKind.TYPE_JSON);
            case "GEOGRAPHY" -> simple(TypeKind.TYPE_GEOGRAPHY);
            case "INTERVAL" -> simple(TypeKind.TYPE_INTERVAL);
            case "RECORD" -> TypeFactory.createStructType(List.of(new StructType.StructField("value", simple(TypeKind.TYPE_STRING))));
            default -> simple(TypeKind.TYPE_STRING);
        };
        return repeated ? TypeFactory.createArrayType(element) : element;
    }

    private static Type simple(TypeKind kind) {
        return TypeFactory.createSimpleType(kind);
    }

    /** The DuckDB expression that reads a column for {@link #fromText}: text, epoch microseconds, JSON for lists, raw bytes. */
    static String readExpression(String quotedColumn, Type type) {
        if (type.isArray()) {
            return "CAST(to_json(" + quotedColumn + ") AS VARCHAR)";
        }
        return switch (type.getKind()) {
            case TYPE_BYTES -> quotedColumn;
            case TYPE_TIMESTAMP -> "CAST(epoch_us(" + quotedColumn + ") AS VARCHAR)";
            default -> "CAST(" + quotedColumn + " AS VARCHAR)";
        };
    }

    /** A fixture value (read by {@link #readExpression}) as ZetaSQL's value of {@code type}. */
    static Value fromText(Object raw, Type type) {
        if (type.isArray()) {
            if (raw == null) {
                return Value.createNullValue(type);
            }
            Type element = type.asArray().getElementType();
            List<Value> elements = new ArrayList<>();
            try {
                for (JsonNode item : JSON.readTree(raw.toString())) {
                    elements.add(fromText(item.isNull() ? null : item.asText(), element));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Value.createArrayValue(type.asArray(), elements);
        }
        if (raw == null) {
            if (type.isGeography() || type.isInterval() || type.isStruct()) {
                throw new Unsupported("ZetaSQL's evaluator holds no " + type.getKind() + " values");
            }
            return Value.createNullValue(type);
        }
        String text = raw instanceof byte[] ? null : raw.toString();
        return switch (type.getKind()) {
            case TYPE_INT64 -> Value.createInt64Value(Long.parseLong(text));
            case TYPE_DOUBLE -> Value.createDoubleValue(switch (text) {
                case "inf", "Infinity" -> Double.POSITIVE_INFINITY;
                case "-inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
                case "nan", "NaN" -> Double.NaN;
                default -> Double.parseDouble(text);
            });
            case TYPE_BOOL -> Value.createBoolValue(Boolean.parseBoolean(text));
            case TYPE_STRING -> Value.createStringValue(text);
            case TYPE_BYTES -> Value.createBytesValue(ByteString.copyFrom((byte[]) raw));
            case TYPE_DATE -> Value.createDateValue(LocalDate.parse(text));
            case TYPE_TIME -> Value.createTimeValue(LocalTime.parse(text));
            case TYPE_DATETIME -> Value.createDatetimeValue(LocalDateTime.parse(text.replace(' ', 'T')));
            case TYPE_TIMESTAMP -> Value.createTimestampValueFromUnixMicros(Long.parseLong(text));
            case TYPE_NUMERIC -> Value.createNumericValue(new BigDecimal(text));
            case TYPE_BIGNUMERIC -> Value.createBigNumericValue(new BigDecimal(text));
            case TYPE_JSON -> Value.createJsonValue(text);
            default -> throw new Unsupported("ZetaSQL's evaluator holds no " + type.getKind() + " values");
        };
    }

    /** A REST schema field for a result column of {@code type}. */
    static ObjectNode field(String name, Type type) {
        ObjectNode field = JSON.createObjectNode();
        field.put("name", name);
        Type element = type.isArray() ? type.asArray().getElementType() : type;
        field.put("type", restType(element));
        field.put("mode", type.isArray() ? "REPEATED" : "NULLABLE");
        if (element.isStruct()) {
            ArrayNode fields = field.putArray("fields");
            for (StructType.StructField f : element.asStruct().getFieldList()) {
                fields.add(field(f.getName(), f.getType()));
            }
        }
        return field;
    }

    private static String restType(Type type) {
        return switch (type.getKind()) {
            case TYPE_INT64 -> "INTEGER";
            case TYPE_DOUBLE -> "FLOAT";
            case TYPE_BOOL -> "BOOLEAN";
            case TYPE_STRUCT -> "RECORD";
            case TYPE_NUMERIC -> "NUMERIC";
            case TYPE_BIGNUMERIC -> "BIGNUMERIC";
            default -> type.getKind().name().substring("TYPE_".length());
        };
    }

    /** A value as a REST cell ({@code {"v": …}}). */
    static ObjectNode cell(Value value) {
        ObjectNode cell = JSON.createObjectNode();
        if (value.isNull()) {
            cell.putNull("v");
        } else if (value.getType().isArray()) {
            ArrayNode list = cell.putArray("v");
            for (Value element : value.getElementList()) {
                list.add(cell(element));
            }
        } else if (value.getType().isStruct()) {
            ArrayNode fields = cell.putObject("v").putArray("f");
            for (Value f : value.getFieldList()) {
                fields.add(cell(f));
            }
        } else {
            cell.put("v", text(value));
        }
        return cell;
    }

    /** A non-null simple value as BigQuery's REST API writes it. */
    static String text(Value value) {
        return switch (value.getType().getKind()) {
            case TYPE_INT64 -> Long.toString(value.getInt64Value());
            case TYPE_DOUBLE -> Double.toString(value.getDoubleValue());
            case TYPE_BOOL -> Boolean.toString(value.getBoolValue());
            case TYPE_STRING -> value.getStringValue();
            case TYPE_BYTES -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
            case TYPE_DATE -> value.getLocalDateValue().toString();
            case TYPE_TIME -> value.getLocalTimeValue().toString();
            case TYPE_DATETIME -> DATETIME.format(value.getLocalDateTimeValue());
            case TYPE_TIMESTAMP -> FakeBigQuery.epochSeconds(value.getTimestampUnixMicros());
            case TYPE_NUMERIC -> value.getNumericValue().toPlainString();
            case TYPE_BIGNUMERIC -> value.getBigNumericValue().toPlainString();
            case TYPE_JSON -> value.getJsonValue();
            default -> throw new Unsupported("no REST encoding for " + value.getType().getKind());
        };
    }

    /** The DuckDB type an exported Parquet column of {@code type} has (BIGNUMERIC and JSON as text, as DuckDB lacks them). */
    static String duckType(Type type) {
        if (type.isArray()) {
            return duckType(type.asArray().getElementType()) + "[]";
        }
        return switch (type.getKind()) {
            case TYPE_INT64 -> "BIGINT";
            case TYPE_DOUBLE -> "DOUBLE";
            case TYPE_BOOL -> "BOOLEAN";
            case TYPE_BYTES -> "BLOB";
            case TYPE_DATE -> "DATE";
            case TYPE_TIME -> "TIME";
            case TYPE_DATETIME -> "TIMESTAMP";
            case TYPE_TIMESTAMP -> "TIMESTAMPTZ";
            case TYPE_NUMERIC -> "DECIMAL(38,9)";
            default -> "VARCHAR";
        };
    }

    /** A value as a JDBC parameter for DuckDB's {@code CAST(? AS duckType)}: bytes raw, TIMESTAMP an ISO instant, others text. */
    static Object jdbc(Value value) {
        if (value.isNull()) {
            return null;
        }
        return switch (value.getType().getKind()) {
            case TYPE_BYTES -> value.getBytesValue().toByteArray();
            case TYPE_TIMESTAMP -> java.time.Instant.EPOCH.plus(value.getTimestampUnixMicros(), java.time.temporal.ChronoUnit.MICROS)
                    .toString();
            case TYPE_DATETIME -> DATETIME.format(value.getLocalDateTimeValue()).replace('T', ' ');
            case TYPE_ARRAY, TYPE_STRUCT -> throw new Unsupported("the fake exports no ARRAY or STRUCT columns");
            default -> text(value);
        };
    }

    /** A query parameter of the REST request ({@code parameterType}, {@code parameterValue}) as ZetaSQL's type. */
    static Type parameterType(JsonNode parameter) {
        String type = parameter.path("parameterType").path("type").asText("STRING");
        return type(type, false);
    }

    /** A query parameter's value. */
    static Value parameterValue(JsonNode parameter, Type type) {
        JsonNode value = parameter.path("parameterValue").path("value");
        if (value.isMissingNode() || value.isNull()) {
            return Value.createNullValue(type);
        }
        String text = value.asText();
        return switch (type.getKind()) {
            case TYPE_BYTES -> Value.createBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(text)));
            case TYPE_TIMESTAMP -> {
                java.time.Instant instant = java.time.OffsetDateTime.parse(text.replace(' ', 'T').replaceFirst("([+-]\\d\\d)$", "$1:00"))
                        .toInstant();
                yield Value.createTimestampValueFromUnixMicros(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                        instant.getNano() / 1000));
            }
            default -> fromText(text, type);
        };
    }
}
