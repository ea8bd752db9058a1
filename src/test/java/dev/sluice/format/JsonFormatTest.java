package dev.sluice.format;

import static dev.sluice.format.FormatFixture.COLUMNS;
import static dev.sluice.format.FormatFixture.LONG_TEXT_ROWS;
import static dev.sluice.format.FormatFixture.NUMERIC;
import static dev.sluice.format.FormatFixture.TEXT_ROWS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JSON array and JSON Lines: golden files, gzip, empty outputs, and read-back both through DuckDB's
 * JSON reader and through Jackson's streaming parser, which sees each number token exactly as
 * written (DuckDB's reader turns every number into a double, so 12.30 would read as 12.3).
 */
class JsonFormatTest {
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

    record Case(String golden, String emptyGolden, String yaml, boolean lines, String extension, String contentType) {
        @Override
        public String toString() {
            return golden;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("json-array.json", "json-empty.json", "{type: json}", false, ".json", "application/json"),
                new Case("json-array.json", "json-empty.json", "{type: json, layout: array}", false, ".json", "application/json"),
                new Case("json-lines.jsonl", "json-lines-empty.jsonl", "{type: json, layout: lines}", true, ".jsonl",
                        "application/x-ndjson"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void writesTheGoldenFile(Case c) throws Exception {
        FileFormat format = FormatFixture.format(c.yaml());
        assertThat(format.extension()).isEqualTo(c.extension());
        assertThat(format.contentType()).isEqualTo(c.contentType());
        WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        Path file = dir.resolve("out" + c.extension());
        assertThat(result.files()).singleElement().satisfies(f -> {
            assertThat(f.fileName()).isEqualTo("out" + c.extension());
            assertThat(f.rows()).isEqualTo(TEXT_ROWS.size());
            assertThat(f.bytes()).isEqualTo(Files.size(file));
        });
        assertThat(result.rows()).isEqualTo(TEXT_ROWS.size());
        assertThat(result.warnings()).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        Goldens.check(c.golden(), ReadBack.bytes(file));
        assertReadsBack(file, c, TEXT_ROWS);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void readsBackEveryRowIncludingAHundredKilobyteText(Case c) throws Exception {
        FormatFixture.format(c.yaml()).write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "out", SplitLimits.NONE);
        assertReadsBack(dir.resolve("out" + c.extension()), c, LONG_TEXT_ROWS);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void gzipHoldsExactlyThePlainGolden(Case c) throws Exception {
        FileFormat format = FormatFixture.format(c.yaml().replace("}", ", compression: gzip}"));
        assertThat(format.extension()).isEqualTo(c.extension() + ".gz");
        assertThat(format.contentType()).isEqualTo(c.contentType());
        format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        Path file = dir.resolve("out" + c.extension() + ".gz");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        Goldens.check(c.golden(), ReadBack.gunzip(file));

        format.write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "long", SplitLimits.NONE);
        assertReadsBack(dir.resolve("long" + c.extension() + ".gz"), c, LONG_TEXT_ROWS);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void emptyOutputIsAnEmptyArrayOrAnEmptyFile(Case c) throws Exception {
        for (String yaml : List.of(c.yaml(), c.yaml().replace("}", ", compression: gzip}"))) {
            FileFormat format = FormatFixture.format(yaml);
            WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.EMPTY_SQL), dir, "empty", SplitLimits.NONE);
            assertThat(result.rows()).isZero();
            Path file = dir.resolve("empty" + format.extension());
            assertThat(result.files()).singleElement().satisfies(f -> assertThat(f.path()).isEqualTo(file));
            byte[] content = ReadBack.content(file);
            Goldens.check(c.emptyGolden(), content);
            if (c.lines()) {
                assertThat(content).isEmpty();
            } else {
                assertThat(ReadBack.jsonArray(content)).isEmpty();
                assertThat(ReadBack.strings(reader, "SELECT count(*) FROM read_json(" + ReadBack.sql(file.toString())
                        + ", format='array', columns={id: 'BIGINT'})")).containsExactly(List.of("0"));
            }
        }
    }

    /** Both readers return exactly the fixture rows: JSON numbers and literals where SPEC §2 says so, strings elsewhere. */
    private static void assertReadsBack(Path file, Case c, List<List<String>> expected) throws Exception {
        byte[] content = ReadBack.content(file);
        List<List<ReadBack.Member>> records = c.lines() ? ReadBack.jsonLines(content) : ReadBack.jsonArray(content);
        assertThat(records).hasSameSizeAs(expected);
        for (int r = 0; r < expected.size(); r++) {
            List<ReadBack.Member> members = records.get(r);
            assertThat(members.stream().map(ReadBack.Member::name).toList()).isEqualTo(COLUMNS);
            for (int i = 0; i < COLUMNS.size(); i++) {
                assertThat(members.get(i)).as("row %d, %s", r + 1, COLUMNS.get(i)).isEqualTo(expectedMember(COLUMNS.get(i), expected.get(r).get(i)));
            }
        }

        ReadBack.Table table = ReadBack.jsonViaEngine(reader, file, c.lines(), COLUMNS);
        assertThat(table.names()).isEqualTo(COLUMNS);
        assertThat(table.rows()).hasSameSizeAs(expected);
        for (int r = 0; r < expected.size(); r++) {
            for (int i = 0; i < COLUMNS.size(); i++) {
                String column = COLUMNS.get(i);
                String want = expected.get(r).get(i);
                String got = table.rows().get(r).get(i);
                if (NUMERIC.contains(column) && want != null && !Set.of("NaN", "Infinity", "-Infinity").contains(want)) {
                    // DuckDB's JSON reader holds numbers as doubles: compare as doubles.
                    assertThat(Double.parseDouble(got)).as("row %d, %s", r + 1, column).isEqualTo(Double.parseDouble(want));
                } else {
                    assertThat(got).as("row %d, %s", r + 1, column).isEqualTo(jsonValueAsText(column, want));
                }
            }
        }
    }

    /** What a text rendering becomes in JSON (SPEC §2): numbers bare, NaN and infinities null, booleans literal, the rest strings. */
    private static ReadBack.Member expectedMember(String column, String text) {
        if (text == null) {
            return new ReadBack.Member(column, JsonToken.VALUE_NULL, null);
        }
        if (NUMERIC.contains(column)) {
            if (Set.of("NaN", "Infinity", "-Infinity").contains(text)) {
                return new ReadBack.Member(column, JsonToken.VALUE_NULL, null);
            }
            boolean integral = text.matches("-?\\d+");
            return new ReadBack.Member(column, integral ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT, text);
        }
        if (column.equals("flag")) {
            return new ReadBack.Member(column, text.equals("true") ? JsonToken.VALUE_TRUE : JsonToken.VALUE_FALSE, text);
        }
        return new ReadBack.Member(column, JsonToken.VALUE_STRING, text);
    }

    private static String jsonValueAsText(String column, String text) {
        if (text == null || (column.equals("d") && Set.of("NaN", "Infinity", "-Infinity").contains(text))) {
            return null;
        }
        return text;
    }
}
