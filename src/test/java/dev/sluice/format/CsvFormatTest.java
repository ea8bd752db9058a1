package dev.sluice.format;

import static dev.sluice.format.FormatFixture.COLUMNS;
import static dev.sluice.format.FormatFixture.LONG_TEXT_ROWS;
import static dev.sluice.format.FormatFixture.TEXT_ROWS;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CSV: golden files per option, gzip, empty outputs, and read-back through DuckDB's CSV reader. */
class CsvFormatTest {
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

    /** One set of CSV options: its golden file, its workspace YAML, and what a reader must be told. */
    record Case(String golden, String yaml, char delimiter, char quote, boolean header, String nullValue) {
        @Override
        public String toString() {
            return golden;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("csv-default.csv", "{type: csv}", ',', '"', true, ""),
                new Case("csv-semicolon.csv", "{type: csv, delimiter: ';'}", ';', '"', true, ""),
                new Case("csv-tab.csv", "{type: csv, delimiter: \"\\t\"}", '\t', '"', true, ""),
                new Case("csv-no-header.csv", "{type: csv, header: false}", ',', '"', false, ""),
                new Case("csv-quote-single.csv", "{type: csv, quote: \"'\"}", ',', '\'', true, ""),
                new Case("csv-quote-all.csv", "{type: csv, quote_mode: all}", ',', '"', true, ""),
                new Case("csv-null-value.csv", "{type: csv, null_value: 'NULL'}", ',', '"', true, "NULL"));
    }

    private static FileFormat withGzip(Case c) {
        return FormatFixture.format(c.yaml().replace("}", ", compression: gzip}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writesTheGoldenFile(Case c) throws Exception {
        FileFormat format = FormatFixture.format(c.yaml());
        assertThat(format.extension()).isEqualTo(".csv");
        assertThat(format.contentType()).isEqualTo("text/csv");
        WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);

        Path file = dir.resolve("out.csv");
        assertThat(result.files()).singleElement().satisfies(f -> {
            assertThat(f.fileName()).isEqualTo("out.csv");
            assertThat(f.path()).isEqualTo(file);
            assertThat(f.rows()).isEqualTo(TEXT_ROWS.size());
            assertThat(f.bytes()).isEqualTo(Files.size(file));
        });
        assertThat(result.rows()).isEqualTo(TEXT_ROWS.size());
        assertThat(result.warnings()).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("nothing but the output is left behind").containsExactly(file);
        }
        Goldens.check(c.golden(), ReadBack.bytes(file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsBackEveryRowIncludingAHundredKilobyteText(Case c) throws Exception {
        FileFormat format = FormatFixture.format(c.yaml());
        format.write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "out", SplitLimits.NONE);
        assertReadsBack(dir.resolve("out.csv"), c, LONG_TEXT_ROWS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gzipHoldsExactlyThePlainGolden(Case c) throws Exception {
        FileFormat format = withGzip(c);
        assertThat(format.extension()).isEqualTo(".csv.gz");
        assertThat(format.contentType()).isEqualTo("text/csv");
        WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        Path file = dir.resolve("out.csv.gz");
        assertThat(result.files()).singleElement().satisfies(f -> {
            assertThat(f.fileName()).isEqualTo("out.csv.gz");
            assertThat(f.rows()).isEqualTo(TEXT_ROWS.size());
            assertThat(f.bytes()).isEqualTo(Files.size(file));
        });
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        Goldens.check(c.golden(), ReadBack.gunzip(file));
        assertReadsBack(file, c, TEXT_ROWS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gzipReadsBackTheLongText(Case c) throws Exception {
        withGzip(c).write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "out", SplitLimits.NONE);
        assertReadsBack(dir.resolve("out.csv.gz"), c, LONG_TEXT_ROWS);
    }

    @Test
    void emptyOutputIsTheHeaderAlone() throws Exception {
        for (String yaml : List.of("{type: csv}", "{type: csv, compression: gzip}")) {
            FileFormat format = FormatFixture.format(yaml);
            WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.EMPTY_SQL), dir, "empty", SplitLimits.NONE);
            Path file = dir.resolve("empty" + format.extension());
            assertThat(result.rows()).isZero();
            assertThat(result.files()).singleElement().satisfies(f -> assertThat(f.rows()).isZero());
            Goldens.check("csv-empty.csv", ReadBack.content(file));
            ReadBack.Table table = ReadBack.csv(reader, file, ',', '"', true, "");
            assertThat(table.names()).isEqualTo(COLUMNS);
            assertThat(table.rows()).isEmpty();
        }
    }

    @Test
    void emptyOutputWithoutHeaderIsAnEmptyFile() throws Exception {
        FileFormat plain = FormatFixture.format("{type: csv, header: false}");
        plain.write(FormatFixture.rows(engine, FormatFixture.EMPTY_SQL), dir, "empty", SplitLimits.NONE);
        assertThat(dir.resolve("empty.csv")).isEmptyFile();
        FileFormat gzip = FormatFixture.format("{type: csv, header: false, compression: gzip}");
        gzip.write(FormatFixture.rows(engine, FormatFixture.EMPTY_SQL), dir, "empty", SplitLimits.NONE);
        assertThat(ReadBack.gunzip(dir.resolve("empty.csv.gz"))).isEmpty();
    }

    @Test
    void linesEndWithLineFeedAndQuotingFollowsRfc4180() throws Exception {
        FormatFixture.format("{type: csv}").write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        String text = Files.readString(dir.resolve("out.csv"), StandardCharsets.UTF_8);
        assertThat(text).startsWith(String.join(",", COLUMNS) + "\n").endsWith("\n");
        // Fields holding the delimiter, the quote or a line break are quoted, quotes doubled.
        assertThat(text).contains(",\"comma, semicolon; tab\tpipe|\",\"\"\"\",");
        assertThat(text).contains(",\"say \"\"hi\"\" and 'bye'\",NULL,");
        assertThat(text).contains(",\"LF\nCRLF\r\nCR\rend\",;,");
        assertThat(text).contains(",\"only\rcr\",");
        // An empty string is a quoted empty field; NULL is an empty field.
        assertThat(text).contains(",false,\"\", ,");
        assertThat(text).contains("\n9,,,,,,,,,,,,\n");
    }

    @Test
    void tabDelimiterIsAcceptedAsAnEscapeToo() {
        assertThat(FormatFixture.format("{type: csv, delimiter: '\\t'}"))
                .isEqualTo(FormatFixture.format("{type: csv, delimiter: \"\\t\"}"))
                .isEqualTo(new CsvFormat('\t', true, '"', CsvFormat.QuoteMode.MINIMAL, "", TextCompression.NONE));
    }

    private static void assertReadsBack(Path file, Case c, List<List<String>> expected) throws Exception {
        ReadBack.Table table = ReadBack.csv(reader, file, c.delimiter(), c.quote(), c.header(), c.nullValue());
        if (c.header()) {
            assertThat(table.names()).isEqualTo(COLUMNS);
        }
        assertThat(table.rows()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(table.rows().get(i)).as("row %d of %s", i + 1, file.getFileName()).isEqualTo(expected.get(i));
        }
    }
}
