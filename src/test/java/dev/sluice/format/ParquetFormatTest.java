package dev.sluice.format;

import static dev.sluice.format.FormatFixture.COLUMNS;
import static dev.sluice.format.FormatFixture.TYPES;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parquet: for every codec, the content read back by DuckDB's Parquet reader (a golden of the
 * content, not of the bytes, which embed the writer's version), typed columns, nullability and
 * the codec actually used; the empty output keeps the schema.
 */
class ParquetFormatTest {
    private static Connection engine;
    private static Connection reader;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        engine = FormatFixture.engine();
        reader = FormatFixture.reader();
    }

    @AfterAll
    static void close() throws Exception {
        engine.close();
        reader.close();
    }

    record Case(String yaml, String codec) {
        @Override
        public String toString() {
            return yaml;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("parquet", "SNAPPY"),
                new Case("{type: parquet}", "SNAPPY"),
                new Case("{type: parquet, compression: snappy}", "SNAPPY"),
                new Case("{type: parquet, compression: zstd}", "ZSTD"),
                new Case("{type: parquet, compression: gzip}", "GZIP"),
                new Case("{type: parquet, compression: none}", "UNCOMPRESSED"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void contentReadBackMatchesTheGolden(Case c) throws Exception {
        FileFormat format = FormatFixture.format(c.yaml());
        assertThat(format.extension()).isEqualTo(".parquet");
        assertThat(format.contentType()).isEqualTo("application/vnd.apache.parquet");
        WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        Path file = dir.resolve("out.parquet");
        assertThat(result.files()).singleElement().satisfies(f -> {
            assertThat(f.fileName()).isEqualTo("out.parquet");
            assertThat(f.rows()).isEqualTo(FormatFixture.TEXT_ROWS.size());
            assertThat(f.bytes()).isEqualTo(Files.size(file));
        });
        assertThat(result.warnings()).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        assertThat(ReadBack.parquetCodecs(reader, file)).containsExactly(c.codec());
        Goldens.check("parquet-content.txt", dump(file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void typedValuesReadBackExactly(Case c) throws Exception {
        FormatFixture.format(c.yaml()).write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "out", SplitLimits.NONE);
        Path file = dir.resolve("out.parquet");
        assertTypedSchema(file);
        List<List<Object>> written = ReadBack.typed(reader, "SELECT * FROM read_parquet(" + ReadBack.sql(file.toString()) + ")");
        assertThat(written).isEqualTo(ReadBack.typed(engine, FormatFixture.LONG_SQL));

        // A few values spelled out, so that the comparison above cannot pass on two equal mistakes.
        List<Object> first = written.get(0);
        assertThat(first.get(4)).isInstanceOf(BigDecimal.class).hasToString("12.30");
        assertThat(first.get(5)).isInstanceOf(BigDecimal.class).hasToString("12.300000000");
        assertThat(first.get(3)).isEqualTo(0.1);
        assertThat(first.get(6)).isEqualTo(true);
        assertThat(first.get(11)).isEqualTo(Instant.parse("2025-04-14T10:00:00Z"));
        assertThat(first.get(12)).isEqualTo("0x000168656c6c6f");
        assertThat(written.get(1).get(3)).isEqualTo(Double.NaN);
        assertThat(written.get(1).get(12)).as("an empty BLOB is not NULL").isEqualTo("0x");
        assertThat(written.get(2).get(3)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(written.get(2).get(5)).hasToString("12345678901234567890123456789.123456789");
        assertThat(written.get(2).get(11)).isEqualTo(Instant.parse("2024-12-31T18:29:59.999999Z"));
        assertThat(written.get(3).get(3)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(written.get(3).get(7)).isEqualTo("LF\nCRLF\r\nCR\rend");
        assertThat(written.get(4).get(7)).isEqualTo(FormatFixture.TEXT_ROWS.get(4).get(7));
        assertThat(written.get(6).get(7)).isEqualTo("ctl\u0001vt\u000bff\u000cnul-free");
        assertThat(written.get(7).get(7)).isEqualTo("");
        assertThat(written.get(8).subList(1, COLUMNS.size())).containsOnlyNulls();
        assertThat(written.get(10).get(7)).isEqualTo(FormatFixture.LONG_TEXT);
        assertThat(written).extracting(row -> row.get(0)).containsExactly(ids(1, 11));
    }

    private static Object[] ids(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> (Object) (long) i).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void emptyOutputKeepsTheSchema(Case c) throws Exception {
        WriteResult result = FormatFixture.format(c.yaml())
                .write(FormatFixture.rows(engine, FormatFixture.EMPTY_SQL), dir, "empty", SplitLimits.NONE);
        assertThat(result.rows()).isZero();
        Path file = dir.resolve("empty.parquet");
        assertThat(result.files()).singleElement().satisfies(f -> assertThat(f.path()).isEqualTo(file));
        assertTypedSchema(file);
        assertThat(ReadBack.strings(reader, "SELECT count(*) FROM read_parquet(" + ReadBack.sql(file.toString()) + ")"))
                .containsExactly(List.of("0"));
        Goldens.check("parquet-empty.txt", dump(file));
    }

    @Test
    void timestampsKeepTheirInstantWhateverTheWriterSessionZone() throws Exception {
        // The fixture's session is in America/New_York; a zoned timestamp is an instant, stored as UTC.
        FormatFixture.format("parquet").write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        List<List<String>> rows = ReadBack.strings(reader, "SELECT strftime(tstz, '%Y-%m-%dT%H:%M:%S.%fZ'), CAST(ts AS VARCHAR) FROM read_parquet("
                + ReadBack.sql(dir.resolve("out.parquet").toString()) + ") WHERE id IN (1, 7)");
        assertThat(rows).containsExactly(
                List.of("2025-04-14T10:00:00.000000Z", "2025-04-14 10:00:00"),
                List.of("2025-04-13T20:00:00.100000Z", "2025-04-14 10:00:00.1"));
    }

    private static void assertTypedSchema(Path file) throws SQLException {
        List<String> expected = IntStream.range(0, COLUMNS.size()).mapToObj(i -> COLUMNS.get(i) + " " + TYPES.get(i)).toList();
        assertThat(ReadBack.parquetSchema(reader, file)).isEqualTo(expected);
        // Every column is nullable (OPTIONAL); the zoned timestamp is stored adjusted to UTC.
        List<List<String>> schema = ReadBack.strings(reader, "SELECT name, repetition_type, logical_type FROM parquet_schema("
                + ReadBack.sql(file.toString()) + ") WHERE num_children IS NULL OR num_children = 0");
        assertThat(schema).extracting(r -> r.get(0)).isEqualTo(COLUMNS);
        assertThat(schema).extracting(r -> r.get(1)).containsOnly("OPTIONAL");
        assertThat(schema.get(11).get(2)).contains("isAdjustedToUTC=1");
        assertThat(schema.get(10).get(2)).contains("isAdjustedToUTC=0");
    }

    /**
     * The content of a Parquet file as DuckDB reads it, in a UTC session: one line per column
     * (name, type as read back, Parquet repetition), then one line per row, each value cast to text
     * by the reader and quoted, control characters escaped, NULL bare.
     */
    private static String dump(Path file) throws SQLException {
        StringBuilder out = new StringBuilder();
        List<String> columns = ReadBack.parquetSchema(reader, file);
        List<List<String>> leaves = ReadBack.strings(reader, "SELECT repetition_type FROM parquet_schema("
                + ReadBack.sql(file.toString()) + ") WHERE num_children IS NULL OR num_children = 0");
        assertThat(leaves).hasSameSizeAs(columns);
        for (int i = 0; i < columns.size(); i++) {
            out.append(columns.get(i)).append(' ').append(leaves.get(i).get(0)).append('\n');
        }
        out.append("--\n");
        String select = COLUMNS.stream().map(c -> "CAST(\"" + c + "\" AS VARCHAR)").collect(Collectors.joining(", "));
        for (List<String> row : ReadBack.strings(reader, "SELECT " + select + " FROM read_parquet(" + ReadBack.sql(file.toString()) + ")")) {
            List<String> values = new ArrayList<>();
            for (String value : row) {
                values.add(value == null ? "NULL" : quote(value));
            }
            out.append(String.join(" | ", values)).append('\n');
        }
        return out.toString();
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        value.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) {
                        out.append(String.format("\\u%04x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}
