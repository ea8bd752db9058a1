package dev.sluice.source.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.config.Node;
import dev.sluice.config.Problems;
import dev.sluice.engine.Column;
import dev.sluice.engine.ColumnTypes;
import dev.sluice.source.filter.Segment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The segment compiler's contract, run unchanged on every engine: one fixture table loaded alike,
 * a table of filters covering every operator on every type it applies to, nested groups and null
 * semantics, each with the primary keys it must select; then values that look like SQL or like
 * LIKE wildcards, which must select as data and leave the table in place.
 *
 * <p>The clock is pinned at {@link #NOW}, so within_last is exact; the fixture keeps rows just
 * inside, well outside and in the future of every window.
 */
abstract class SegmentCompilerContract {
    static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");
    static final String TABLE = "sluice_fx";

    /** An open connection to the engine under test. */
    abstract Connection connection();

    /** The engine's type for the text column: PostgreSQL's is given the "C" collation, so text order is by code point as in DuckDB. */
    abstract String textType();

    /**
     * id | n | d | f | t | dt | ts | tstz (UTC) | b. Row 4 is null everywhere; tstz values are
     * written with various offsets.
     */
    static final String[] ROWS = {
        "(1, 10, 1.50, 0.5, 'alpha', '2025-01-10', '2025-01-10 08:00:00', '2025-01-10 08:00:00+00', true)",
        "(2, 20, 20.00, 2.25, 'O''Brien', '2025-02-20', '2025-02-20 12:30:00', '2025-02-20 14:30:00+02', false)",
        "(3, -5, -3.75, -1.5, 'Zoë 東京 🚀', '2024-12-31', '2024-12-31 23:59:59.5', '2024-12-31 23:59:59+00', true)",
        "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "(5, 0, 0.00, 0, '100%', '2025-03-01', '2025-03-01 00:00:00', '2025-03-01 01:00:00+01', false)",
        "(6, 30, 999.99, 1000000, 'a_b', '2025-06-01', '2025-06-14 12:00:00', '2025-06-15 10:00:00+00', true)",
        "(7, 40, 12.34, 3.5, 'back\\slash', '2025-06-15', '2025-05-01 00:00:00', '2025-05-17 00:00:00+02', NULL)",
        "(8, 50, 5.00, NULL, 'x'' OR ''1''=''1', '2025-07-01', '2025-06-16 00:00:00', '2025-07-01 00:00:00+00', false)",
        "(9, 60, NULL, 7.25, '', NULL, NULL, NULL, true)",
        "(10, NULL, 100.00, NULL, 'ALPHA', '2020-01-01', '2020-01-01 00:00:00', '2020-01-01 00:00:00+00', NULL)",
        "(11, 70, 50.50, 8, '100 percent!', '2023-05-05', '2023-05-05 05:05:05', '2023-05-05 05:05:05+00', true)",
        "(12, 80, 8.00, 9, 'axb', '2023-05-05', '2023-05-05 05:05:05', '2023-05-05 05:05:05+00', false)",
        "(13, 90, 9.99, 10, 'alphabet', '2023-05-06', '2023-05-06 00:00:00', '2023-05-06 00:00:00+00', true)",
    };

    void createFixture() throws SQLException {
        try (Statement s = connection().createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id integer PRIMARY KEY, n integer, d numeric(10,2), f double precision, t "
                    + textType() + ", dt date, ts timestamp, tstz timestamp with time zone, b boolean)");
            s.execute("INSERT INTO " + TABLE + " VALUES " + String.join(",\n", ROWS));
        }
    }

    record Case(String name, String filter, Set<Integer> expected) {
        @Override
        public String toString() {
            return name + ": " + filter;
        }
    }

    private static Case c(String filter, Integer... ids) {
        return new Case(filter, filter, new TreeSet<>(List.of(ids)));
    }

    private static Case c(String name, String filter, Integer... ids) {
        return new Case(name, filter, new TreeSet<>(List.of(ids)));
    }

    /** Every operator on every type it applies to, groups, and null semantics. */
    static final List<Case> CASES = List.of(
            // integers
            c("{attribute: n, op: eq, value: 20}", 2),
            c("{attribute: n, op: eq, value: '20'}", 2),
            c("neq also matches null", "{attribute: n, op: neq, value: 20}", 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13),
            c("{attribute: n, op: lt, value: 10}", 3, 5),
            c("{attribute: n, op: lte, value: 10}", 1, 3, 5),
            c("{attribute: n, op: gt, value: 60}", 11, 12, 13),
            c("{attribute: n, op: gte, value: 60}", 9, 11, 12, 13),
            c("{attribute: n, op: in, value: [10, 30, 999]}", 1, 6),
            c("not_in also matches null", "{attribute: n, op: not_in, value: [10, 30]}", 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13),
            c("{attribute: n, op: between, value: [0, 30]}", 1, 2, 5, 6),
            c("{attribute: n, op: between, value: [-5, -5]}", 3),
            c("{attribute: n, op: is_null}", 4, 10),
            c("{attribute: n, op: is_not_null}", 1, 2, 3, 5, 6, 7, 8, 9, 11, 12, 13),
            // decimals
            c("{attribute: d, op: eq, value: 1.5}", 1),
            c("{attribute: d, op: eq, value: '20.00'}", 2),
            c("{attribute: d, op: gt, value: 99.99}", 6, 10),
            c("{attribute: d, op: lt, value: 0}", 3),
            c("{attribute: d, op: lte, value: 1.50}", 1, 3, 5),
            c("{attribute: d, op: gte, value: 100}", 6, 10),
            c("{attribute: d, op: between, value: [5, 12.34]}", 7, 8, 12, 13),
            c("{attribute: d, op: in, value: [0, 50.5]}", 5, 11),
            c("{attribute: d, op: not_in, value: [0, 50.5]}", 1, 2, 3, 4, 6, 7, 8, 9, 10, 12, 13),
            c("{attribute: d, op: neq, value: 0}", 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13),
            c("{attribute: d, op: is_null}", 4, 9),
            c("{attribute: d, op: is_not_null}", 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13),
            // floating point
            c("{attribute: f, op: gte, value: 1000000}", 6),
            c("{attribute: f, op: lt, value: 0}", 3),
            c("{attribute: f, op: eq, value: 0.5}", 1),
            c("{attribute: f, op: between, value: [2, 8]}", 2, 7, 9, 11),
            c("{attribute: f, op: in, value: [9, 10]}", 12, 13),
            c("{attribute: f, op: is_null}", 4, 8, 10),
            // text
            c("eq is case-sensitive", "{attribute: t, op: eq, value: alpha}", 1),
            c("{attribute: t, op: eq, value: \"O'Brien\"}", 2),
            c("{attribute: t, op: eq, value: \"Zoë 東京 🚀\"}", 3),
            c("{attribute: t, op: eq, value: ''}", 9),
            c("{attribute: t, op: neq, value: alpha}", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13),
            c("{attribute: t, op: in, value: [alpha, ALPHA, \"O'Brien\"]}", 1, 2, 10),
            c("{attribute: t, op: not_in, value: [alpha, '']}", 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13),
            c("contains is case-sensitive", "{attribute: t, op: contains, value: lph}", 1, 13),
            c("{attribute: t, op: contains, value: 東京}", 3),
            c("{attribute: t, op: contains, value: \"'\"}", 2, 8),
            c("not_contains also matches null", "{attribute: t, op: not_contains, value: a}", 2, 3, 4, 5, 8, 9, 10, 11),
            c("{attribute: t, op: starts_with, value: al}", 1, 13),
            c("{attribute: t, op: ends_with, value: 🚀}", 3),
            c("{attribute: t, op: ends_with, value: t}", 13),
            c("text order is by code point", "{attribute: t, op: lt, value: b}", 1, 2, 3, 5, 6, 9, 10, 11, 12, 13),
            c("{attribute: t, op: gte, value: x}", 8),
            c("{attribute: t, op: lte, value: '100%'}", 5, 9, 11),
            c("{attribute: t, op: gt, value: alpha}", 7, 8, 12, 13),
            c("{attribute: t, op: between, value: [a, alpha]}", 1, 6),
            c("{attribute: t, op: is_null}", 4),
            c("{attribute: t, op: is_not_null}", 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13),
            // dates
            c("{attribute: dt, op: eq, value: 2025-01-10}", 1),
            c("{attribute: dt, op: neq, value: 2023-05-05}", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13),
            c("{attribute: dt, op: lt, value: 2025-01-01}", 3, 10, 11, 12, 13),
            c("{attribute: dt, op: lte, value: 2020-01-01}", 10),
            c("{attribute: dt, op: gt, value: 2025-06-15}", 8),
            c("{attribute: dt, op: gte, value: 2025-06-15}", 7, 8),
            c("{attribute: dt, op: between, value: [2025-02-01, 2025-06-01]}", 2, 5, 6),
            c("{attribute: dt, op: in, value: [2023-05-05, 2025-07-01]}", 8, 11, 12),
            c("{attribute: dt, op: not_in, value: [2023-05-05, 2025-07-01]}", 1, 2, 3, 4, 5, 6, 7, 9, 10, 13),
            c("within_last on dates counts whole days up to today, not the future",
                    "{attribute: dt, op: within_last, value: 30d}", 6, 7),
            c("{attribute: dt, op: within_last, value: 1w}", 7),
            c("{attribute: dt, op: is_null}", 4, 9),
            // timestamps without time zone
            c("{attribute: ts, op: eq, value: '2025-02-20T12:30:00'}", 2),
            c("{attribute: ts, op: eq, value: '2025-02-20 12:30:00'}", 2),
            c("{attribute: ts, op: neq, value: '2023-05-05T05:05:05'}", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13),
            c("{attribute: ts, op: gt, value: '2024-12-31T23:59:59'}", 1, 2, 3, 5, 6, 7, 8),
            c("{attribute: ts, op: lt, value: '2024-12-31T23:59:59.6'}", 3, 10, 11, 12, 13),
            c("a date-only value is midnight", "{attribute: ts, op: lte, value: 2023-05-06}", 10, 11, 12, 13),
            c("{attribute: ts, op: gte, value: '2025-06-14T12:00:00'}", 6, 8),
            c("{attribute: ts, op: between, value: [2025-01-01, '2025-03-01T00:00:00']}", 1, 2, 5),
            c("{attribute: ts, op: in, value: ['2020-01-01T00:00:00', '2025-03-01 00:00:00']}", 5, 10),
            c("{attribute: ts, op: not_in, value: ['2023-05-05T05:05:05']}", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13),
            c("{attribute: ts, op: within_last, value: 2d}", 6),
            c("within_last excludes the future", "{attribute: ts, op: within_last, value: 60d}", 6, 7),
            c("{attribute: ts, op: is_null}", 4, 9),
            // timestamps with time zone: compared as instants whatever the offset written
            c("{attribute: tstz, op: eq, value: '2025-02-20T14:30:00+02:00'}", 2),
            c("{attribute: tstz, op: eq, value: '2025-02-20T12:30:00Z'}", 2),
            c("a value without offset is UTC", "{attribute: tstz, op: eq, value: '2025-02-20T12:30:00'}", 2),
            c("{attribute: tstz, op: neq, value: '2025-03-01T00:00:00Z'}", 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13),
            c("{attribute: tstz, op: lt, value: '2025-01-01T00:00:00Z'}", 3, 10, 11, 12, 13),
            c("{attribute: tstz, op: lte, value: '2020-01-01T01:00:00+01:00'}", 10),
            c("{attribute: tstz, op: gt, value: '2025-06-15T09:59:59Z'}", 6, 8),
            c("{attribute: tstz, op: gte, value: '2025-03-01T00:00:00Z'}", 5, 6, 7, 8),
            c("{attribute: tstz, op: between, value: ['2025-05-16T21:59:59Z', '2025-05-17T00:00:01+02:00']}", 7),
            c("{attribute: tstz, op: in, value: ['2025-01-10T09:00:00+01:00', '2023-05-06T00:00:00Z']}", 1, 13),
            c("{attribute: tstz, op: not_in, value: ['2025-01-10T09:00:00+01:00']}", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13),
            c("{attribute: tstz, op: within_last, value: 30d}", 6, 7),
            c("{attribute: tstz, op: within_last, value: 12h}", 6),
            c("{attribute: tstz, op: is_not_null}", 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13),
            // booleans
            c("{attribute: b, op: eq, value: true}", 1, 3, 6, 9, 11, 13),
            c("{attribute: b, op: eq, value: false}", 2, 5, 8, 12),
            c("{attribute: b, op: eq, value: 'true'}", 1, 3, 6, 9, 11, 13),
            c("{attribute: b, op: neq, value: true}", 2, 4, 5, 7, 8, 10, 12),
            c("{attribute: b, op: in, value: [false]}", 2, 5, 8, 12),
            c("{attribute: b, op: not_in, value: [false]}", 1, 3, 4, 6, 7, 9, 10, 11, 13),
            c("{attribute: b, op: is_null}", 4, 7, 10),
            c("{attribute: b, op: is_not_null}", 1, 2, 3, 5, 6, 8, 9, 11, 12, 13),
            // groups
            c("{all: [{attribute: n, op: gte, value: 20}, {attribute: b, op: eq, value: true}]}", 6, 9, 11, 13),
            c("{any: [{attribute: t, op: eq, value: alpha}, {attribute: n, op: eq, value: 90}]}", 1, 13),
            c("{all: [{any: [{attribute: t, op: starts_with, value: a}, {attribute: t, op: starts_with, value: A}]},"
                    + " {attribute: t, op: not_contains, value: _}]}", 1, 10, 12, 13),
            c("{any: [{all: [{attribute: n, op: lt, value: 0}, {attribute: b, op: eq, value: true}]},"
                    + " {all: [{attribute: d, op: gte, value: 100}, {attribute: dt, op: lt, value: 2021-01-01}]}]}", 3, 10),
            c("three levels deep", "{all: [{any: [{all: [{attribute: n, op: gt, value: 0}, {attribute: n, op: lt, value: 50}]},"
                    + " {attribute: n, op: is_null}]}, {attribute: t, op: is_not_null}]}", 1, 2, 6, 7, 10),
            c("a group of one", "{any: [{attribute: n, op: eq, value: 10}]}", 1),
            c("null is neither true nor false in a group", "{any: [{attribute: b, op: eq, value: true}, {attribute: b, op: eq, value: false}]}",
                    1, 2, 3, 5, 6, 8, 9, 11, 12, 13),
            c("an empty intersection", "{all: [{attribute: n, op: eq, value: 10}, {attribute: n, op: eq, value: 20}]}"));

    /** Values that look like SQL or LIKE patterns: each must match as plain data. */
    static final List<Case> INJECTIONS = List.of(
            c("{attribute: t, op: eq, value: \"x' OR '1'='1\"}", 8),
            c("{attribute: t, op: eq, value: \"'; DROP TABLE sluice_fx; --\"}"),
            c("{attribute: t, op: contains, value: \"'; DROP TABLE sluice_fx; --\"}"),
            c("{attribute: t, op: starts_with, value: \"x' OR '1'='1\"}", 8),
            c("{attribute: t, op: ends_with, value: \"' OR 1=1 --\"}"),
            c("{attribute: t, op: in, value: [\"x' OR '1'='1\", \"') OR TRUE --\", \"'); DROP TABLE sluice_fx; --\"]}", 8),
            c("{attribute: t, op: not_in, value: [\"' OR '1'='1\"]}", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13),
            c("% in contains is a literal percent sign", "{attribute: t, op: contains, value: '%'}", 5),
            c("_ in contains is a literal underscore", "{attribute: t, op: contains, value: _}", 6),
            c("{attribute: t, op: starts_with, value: '100%'}", 5),
            c("{attribute: t, op: starts_with, value: '%'}"),
            c("{attribute: t, op: ends_with, value: '%'}", 5),
            c("{attribute: t, op: starts_with, value: a_}", 6),
            c("{attribute: t, op: ends_with, value: _b}", 6),
            c("{attribute: t, op: contains, value: 'a%b'}"),
            c("{attribute: t, op: not_contains, value: '%'}", 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13),
            c("eq with % is not a pattern", "{attribute: t, op: eq, value: '%'}"),
            c("in with % is not a pattern", "{attribute: t, op: in, value: ['%', '_', 'a%']}"),
            c("a backslash is data", "{attribute: t, op: contains, value: '\\'}", 7),
            c("{attribute: t, op: eq, value: 'back\\slash'}", 7),
            c("{attribute: t, op: starts_with, value: 'back\\'}", 7),
            c("a backslash does not escape %", "{attribute: t, op: contains, value: '\\%'}"),
            c("the compiler's own escape character is data", "{attribute: t, op: contains, value: '!'}", 11),
            c("{attribute: t, op: ends_with, value: 't!'}", 11),
            c("{attribute: t, op: contains, value: '!%'}"),
            c("{attribute: t, op: contains, value: '!!'}"));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Segment segment(String filterYaml) {
        Problems problems = new Problems();
        Filter filter;
        try {
            filter = FilterParser.parse(Node.root(YAML.readTree("filter: " + filterYaml), "test", problems).get("filter"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(filterYaml, e);
        }
        assertThat(problems.list()).as(filterYaml).isEmpty();
        assertThat(filter).as(filterYaml).isNotNull();
        return new Segment("s", "m", filter);
    }

    List<Column> columns() throws SQLException {
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + TABLE + " WHERE 1 = 0")) {
            return ColumnTypes.columns(rs.getMetaData());
        }
    }

    /** The compiler under test: values bound to {@code ?} unless a variant reads them from a table. */
    SegmentCompiler compiler() {
        return new SegmentCompiler(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** Makes a compiled query runnable: as compiled (values bound at prepare) unless a variant binds them elsewhere. */
    CompiledQuery runnable(CompiledQuery query) throws SQLException {
        return query;
    }

    /** What a segment reads from: the fixture table, or a model's SQL as a subquery. */
    String from() {
        return TABLE;
    }

    /** The engine's identifier quote. */
    String quote() {
        return "\"";
    }

    CompiledQuery compile(String filterYaml) throws SQLException {
        Problems problems = new Problems();
        CompiledQuery query = compiler()
                .compile(from(), segment(filterYaml), columns(), quote(), problems, "test");
        assertThat(problems.list()).as(filterYaml).isEmpty();
        assertThat(query).isNotNull();
        return query;
    }

    Set<Integer> select(String filterYaml) throws SQLException {
        CompiledQuery query = runnable(compile(filterYaml)).wrap("SELECT id FROM ", " ORDER BY id");
        Set<Integer> ids = new TreeSet<>();
        try (PreparedStatement statement = query.prepare(connection()); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    Stream<DynamicTest> run(List<Case> cases) {
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> assertThat(select(c.filter())).as(c.filter()).isEqualTo(c.expected())));
    }

    @TestFactory
    Stream<DynamicTest> everyOperatorOnEveryType() {
        return run(CASES);
    }

    @TestFactory
    Stream<DynamicTest> valuesThatLookLikeSqlOrPatternsAreData() {
        return run(INJECTIONS);
    }

    @Test
    void everyOperatorIsCovered() {
        Set<String> used = new TreeSet<>();
        for (Case c : CASES) {
            for (Operator op : Operator.values()) {
                if (c.filter().contains("op: " + op.keyword() + ",") || c.filter().contains("op: " + op.keyword() + "}")) {
                    used.add(op.keyword());
                }
            }
        }
        assertThat(used).containsExactlyInAnyOrderElementsOf(Stream.of(Operator.values()).map(Operator::keyword).toList());
    }

    @Test
    void valuesNeverReachTheSqlTextAndTheTableSurvives() throws SQLException {
        for (Case c : INJECTIONS) {
            String sql = compile(c.filter()).sql();
            for (String fragment : List.of("OR '1'", "DROP", "TRUE --", "%", "\\", "1=1")) {
                assertThat(sql).as(c.filter()).doesNotContain(fragment);
            }
        }
        for (Case c : INJECTIONS) {
            select(c.filter());
        }
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(ROWS.length);
        }
    }

    @Test
    void attributeNamesAreCheckedNotSpliced() throws SQLException {
        Problems problems = new Problems();
        CompiledQuery query = new SegmentCompiler(Clock.fixed(NOW, ZoneOffset.UTC)).compile(TABLE,
                segment("{attribute: \"n\\\" = 1 OR \\\"n\", op: eq, value: 1}"), columns(), "\"", problems, "test");
        assertThat(query).isNull();
        assertThat(problems.list()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("filter.attribute");
            assertThat(p.message()).startsWith("unknown attribute 'n\" = 1 OR \"n'");
        });
    }

    @Test
    void operatorsThatDoNotFitTheTypeAreProblemsNamingTheAttribute() throws SQLException {
        List<String> messages = new ArrayList<>();
        for (String filter : List.of("{attribute: n, op: contains, value: '1'}", "{attribute: t, op: within_last, value: 3d}",
                "{attribute: n, op: eq, value: ten}", "{attribute: dt, op: eq, value: 14/04/2025}", "{attribute: b, op: eq, value: maybe}", "{attribute: n, op: eq, value: '1 OR 1=1'}")) {
            Problems problems = new Problems();
            assertThat(new SegmentCompiler(Clock.fixed(NOW, ZoneOffset.UTC))
                    .compile(TABLE, segment(filter), columns(), "\"", problems, "test")).as(filter).isNull();
            assertThat(problems.list()).as(filter).hasSize(1);
            messages.add(problems.list().get(0).path() + ": " + problems.list().get(0).message());
        }
        assertThat(messages.get(0)).startsWith("filter.op: contains applies to text attributes; attribute n has type");
        assertThat(messages.get(1)).startsWith("filter.op: within_last applies to date and timestamp attributes; attribute t has type");
        assertThat(messages.get(2)).startsWith("filter.value: value 'ten' does not fit attribute n of type");
        assertThat(messages.get(3)).contains("value '14/04/2025' does not fit attribute dt").contains("write dates as 2025-04-14");
        assertThat(messages.get(4)).contains("value 'maybe' does not fit attribute b").contains("write true or false");
        assertThat(messages.get(5)).startsWith("filter.value: value '1 OR 1=1' does not fit attribute n of type");
    }
}
