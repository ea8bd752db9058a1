package dev.sluice.source.filter;

import dev.sluice.config.Problems;
import dev.sluice.config.Suggestions;
import dev.sluice.engine.Column;
import dev.sluice.engine.LogicalType;
import dev.sluice.source.TextMatch;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Compiles a segment's filter to SQL over its model as a subquery. Every value is a bind
 * parameter of the attribute's type; attribute names are quoted identifiers checked against the
 * model's columns. The SQL is standard (LIKE … ESCAPE, IN, BETWEEN, CAST) so that DuckDB,
 * PostgreSQL and other JDBC databases run it alike.
 *
 * <p>Null handling: {@code neq}, {@code not_in} and {@code not_contains} also match rows where
 * the attribute is null ("not FR" includes "unknown"); every other operator never matches null.
 * {@code within_last} matches values from now minus the window up to now; timestamps without a
 * time zone are taken as UTC.
 */
public final class SegmentCompiler {
    private static final char ESCAPE = '!';
    private static final Pattern SIMPLE_TYPE = Pattern.compile("[A-Za-z_][A-Za-z0-9_ ]*");

    private final Clock clock;
    /** Where compiled values are read from: null for {@code ?} placeholders, else a one-row table (see {@link #valuesFrom}). */
    private final String valuesTable;
    /** How text is matched: LIKE … ESCAPE, or functions where the dialect has no ESCAPE clause (BigQuery). */
    private final TextMatch textMatch;

    public SegmentCompiler(Clock clock) {
        this(clock, null, TextMatch.LIKE_ESCAPE);
    }

    private SegmentCompiler(Clock clock, String valuesTable, TextMatch textMatch) {
        this.clock = clock;
        this.valuesTable = valuesTable;
        this.textMatch = textMatch;
    }

    /**
     * A compiler that writes {@code contains}, {@code starts_with} and {@code ends_with} as
     * {@code textMatch} says: with {@link TextMatch#FUNCTIONS}, {@code STRPOS(col, ?) > 0},
     * {@code STARTS_WITH(col, ?)} and {@code ENDS_WITH(col, ?)} on the value as given, so that
     * {@code %}, {@code _} and {@code \} in it are plain characters without any escaping.
     */
    public SegmentCompiler textMatch(TextMatch textMatch) {
        return new SegmentCompiler(clock, valuesTable, textMatch);
    }

    /**
     * A compiler whose queries read each value from column {@code pN} of the one-row table
     * {@code table} instead of a {@code ?} placeholder, so that the query can be used where
     * nothing can be bound (inside {@code COPY}, twice in one run). Values still never reach the
     * SQL text: {@link CompiledQuery#bindInto} creates the table with the values bound.
     */
    public SegmentCompiler valuesFrom(String table) {
        return new SegmentCompiler(clock, table, textMatch);
    }

    /**
     * Checks the segment against the columns of the relation {@code from} (a table or a model's
     * query as a subquery) and compiles it. Problems (unknown attributes, operators that do not
     * apply to a type, values that do not fit) are added to {@code problems} under the filter's key
     * paths, in which case null is returned.
     */
    public CompiledQuery compile(String from, Segment segment, List<Column> columns, String identifierQuote,
            Problems problems, String file) {
        Map<String, Column> byName = columns.stream()
                .collect(Collectors.toMap(Column::name, Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new));
        Context context = new Context(byName, identifierQuote, problems, file, clock.instant(), valuesTable, textMatch);
        String where = context.filter(segment.filter());
        if (context.failed) {
            return null;
        }
        return new CompiledQuery("SELECT * FROM " + from + "\nWHERE " + where, context.parameters);
    }

    /** Quotes an identifier with {@code quote}, doubling any quote inside it. */
    public static String quote(String identifier, String quote) {
        return quote + identifier.replace(quote, quote + quote) + quote;
    }

    private static final class Context {
        private final Map<String, Column> columns;
        private final String identifierQuote;
        private final Problems problems;
        private final String file;
        private final Instant now;
        private final List<Object> parameters = new ArrayList<>();
        private boolean failed;

        private final String valuesTable;
        private final TextMatch textMatch;

        Context(Map<String, Column> columns, String identifierQuote, Problems problems, String file, Instant now, String valuesTable,
                TextMatch textMatch) {
            this.valuesTable = valuesTable;
            this.textMatch = textMatch;
            this.columns = columns;
            this.identifierQuote = identifierQuote;
            this.problems = problems;
            this.file = file;
            this.now = now;
        }

        String filter(Filter filter) {
            if (filter instanceof FilterGroup group) {
                String joiner = group.combinator() == FilterGroup.Combinator.ALL ? " AND " : " OR ";
                return group.children().stream().map(this::filter).collect(Collectors.joining(joiner, "(", ")"));
            }
            return condition((Condition) filter);
        }

        private void problem(Condition condition, String key, String message) {
            problems.add(file, condition.path() + (key.isEmpty() ? "" : "." + key), message);
            failed = true;
        }

        private String condition(Condition c) {
            Column column = columns.get(c.attribute());
            if (column == null) {
                problem(c, "attribute", "unknown attribute '" + c.attribute() + "'"
                        + Suggestions.didYouMean(c.attribute(), columns.keySet())
                        + "; the model's columns: " + String.join(", ", columns.keySet()));
                return "FALSE";
            }
            String why = inapplicable(c.op(), column);
            if (why != null) {
                problem(c, "op", why);
                return "FALSE";
            }
            String col = quote(c.attribute(), identifierQuote);
            if (c.op().isTextMatch() && textMatch == TextMatch.FUNCTIONS) {
                return textFunction(c, col);
            }
            return switch (c.op()) {
                case EQ -> col + " = " + param(c, column, 0);
                case NEQ -> "(" + col + " <> " + param(c, column, 0) + " OR " + col + " IS NULL)";
                case LT -> col + " < " + param(c, column, 0);
                case LTE -> col + " <= " + param(c, column, 0);
                case GT -> col + " > " + param(c, column, 0);
                case GTE -> col + " >= " + param(c, column, 0);
                case IN -> col + " IN " + list(c, column);
                case NOT_IN -> "(" + col + " NOT IN " + list(c, column) + " OR " + col + " IS NULL)";
                case CONTAINS -> col + " LIKE " + like(c, true, true) + " ESCAPE '" + ESCAPE + "'";
                case NOT_CONTAINS -> "(" + col + " NOT LIKE " + like(c, true, true) + " ESCAPE '" + ESCAPE + "' OR " + col + " IS NULL)";
                case STARTS_WITH -> col + " LIKE " + like(c, false, true) + " ESCAPE '" + ESCAPE + "'";
                case ENDS_WITH -> col + " LIKE " + like(c, true, false) + " ESCAPE '" + ESCAPE + "'";
                case IS_NULL -> col + " IS NULL";
                case IS_NOT_NULL -> col + " IS NOT NULL";
                case BETWEEN -> col + " BETWEEN " + param(c, column, 0) + " AND " + param(c, column, 1);
                case WITHIN_LAST -> "(" + col + " >= " + bind(since(column, c)) + " AND " + col + " <= " + bind(until(column)) + ")";
            };
        }

        private static String inapplicable(Operator op, Column column) {
            LogicalType type = column.type();
            String what = "attribute " + column.name() + " has type " + column.sourceType();
            if (op.isTextMatch() && type != LogicalType.STRING) {
                return op.keyword() + " applies to text attributes; " + what;
            }
            if (op == Operator.WITHIN_LAST && !type.isTemporal()) {
                return "within_last applies to date and timestamp attributes; " + what;
            }
            if (op.isOrderComparison() && !type.isOrdered()) {
                return op.keyword() + " needs ordered values (numbers, text, dates, times); " + what;
            }
            if (type == LogicalType.BINARY && op != Operator.IS_NULL && op != Operator.IS_NOT_NULL) {
                return "binary attributes can only be tested with is_null or is_not_null; " + what;
            }
            return null;
        }

        private String param(Condition c, Column column, int index) {
            Object raw = c.values().get(index);
            try {
                Object value = ValueCoercion.coerce(raw, column);
                if (column.type() == LogicalType.OTHER) {
                    return cast(value, column);
                }
                return bind(value);
            } catch (IllegalArgumentException e) {
                problem(c, "value", e.getMessage());
                return "NULL";
            }
        }

        /** Types Sluice does not model (UUID, JSON, enums …): bind text and let the database cast it. */
        private String cast(Object value, Column column) {
            if (!SIMPLE_TYPE.matcher(column.sourceType()).matches()) {
                failed = true;
                problems.add(file, "", "attribute " + column.name() + " has type " + column.sourceType()
                        + ", which filters can only test with is_null or is_not_null");
                return "NULL";
            }
            return "CAST(" + bind(value) + " AS " + column.sourceType() + ")";
        }

        private String list(Condition c, Column column) {
            List<String> marks = new ArrayList<>();
            for (int i = 0; i < c.values().size(); i++) {
                marks.add(param(c, column, i));
            }
            return "(" + String.join(", ", marks) + ")";
        }

        /** contains, not_contains, starts_with, ends_with without LIKE: the value is matched as written. */
        private String textFunction(Condition c, String col) {
            String value = bind(ValueCoercion.text(c.values().get(0)));
            return switch (c.op()) {
                case CONTAINS -> "STRPOS(" + col + ", " + value + ") > 0";
                case NOT_CONTAINS -> "(STRPOS(" + col + ", " + value + ") = 0 OR " + col + " IS NULL)";
                case STARTS_WITH -> "STARTS_WITH(" + col + ", " + value + ")";
                case ENDS_WITH -> "ENDS_WITH(" + col + ", " + value + ")";
                default -> throw new IllegalStateException("not a text match: " + c.op());
            };
        }

        private String like(Condition c, boolean leading, boolean trailing) {
            String text = ValueCoercion.text(c.values().get(0));
            StringBuilder pattern = new StringBuilder();
            if (leading) {
                pattern.append('%');
            }
            for (char ch : text.toCharArray()) {
                if (ch == '%' || ch == '_' || ch == ESCAPE) {
                    pattern.append(ESCAPE);
                }
                pattern.append(ch);
            }
            if (trailing) {
                pattern.append('%');
            }
            return bind(pattern.toString());
        }

        private Object since(Column column, Condition c) {
            Instant start = now.minus(c.window());
            return switch (column.type()) {
                case DATE -> LocalDate.ofInstant(start, ZoneOffset.UTC);
                case TIMESTAMP -> LocalDateTime.ofInstant(start, ZoneOffset.UTC);
                default -> start.atOffset(ZoneOffset.UTC);
            };
        }

        private Object until(Column column) {
            return switch (column.type()) {
                case DATE -> LocalDate.ofInstant(now, ZoneOffset.UTC);
                case TIMESTAMP -> LocalDateTime.ofInstant(now, ZoneOffset.UTC);
                default -> now.atOffset(ZoneOffset.UTC);
            };
        }

        private String bind(Object value) {
            parameters.add(value);
            return valuesTable == null ? "?" : "(SELECT p" + (parameters.size() - 1) + " FROM " + valuesTable + ")";
        }
    }
}
