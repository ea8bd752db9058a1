package dev.sluice.format;

import static dev.sluice.format.FormatFixture.COLUMNS;
import static dev.sluice.format.FormatFixture.LONG_TEXT_ROWS;
import static dev.sluice.format.FormatFixture.TEXT_ROWS;
import static dev.sluice.format.FormatFixture.XML_ILLEGAL_IN_FIXTURE;
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

/**
 * XML: golden files, gzip, empty outputs, and read-back through the JDK's namespace-aware DOM
 * parser: xsi:nil for NULL, U+FFFD for characters XML 1.0 cannot hold (counted in a warning),
 * carriage returns surviving the parser.
 */
class XmlFormatTest {
    private static Connection engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        engine = FormatFixture.engine();
    }

    @AfterAll
    static void close() throws Exception {
        engine.close();
    }

    record Case(String golden, String emptyGolden, String yaml, String root, String record) {
        @Override
        public String toString() {
            return golden;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("xml-default.xml", "xml-empty.xml", "{type: xml}", "records", "record"),
                new Case("xml-custom-elements.xml", "xml-custom-elements-empty.xml",
                        "{type: xml, root_element: customers, record_element: customer}", "customers", "customer"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writesTheGoldenFile(Case c) throws Exception {
        FileFormat format = FormatFixture.format(c.yaml());
        assertThat(format.extension()).isEqualTo(".xml");
        assertThat(format.contentType()).isEqualTo("application/xml");
        WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        Path file = dir.resolve("out.xml");
        assertThat(result.files()).singleElement().satisfies(f -> {
            assertThat(f.fileName()).isEqualTo("out.xml");
            assertThat(f.rows()).isEqualTo(TEXT_ROWS.size());
            assertThat(f.bytes()).isEqualTo(Files.size(file));
        });
        assertThat(result.rows()).isEqualTo(TEXT_ROWS.size());
        assertIllegalCharactersWarned(result);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        Goldens.check(c.golden(), ReadBack.bytes(file));
        assertReadsBack(ReadBack.bytes(file), c, TEXT_ROWS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsBackEveryRowIncludingAHundredKilobyteText(Case c) throws Exception {
        WriteResult result = FormatFixture.format(c.yaml())
                .write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "out", SplitLimits.NONE);
        assertIllegalCharactersWarned(result);
        byte[] content = ReadBack.bytes(dir.resolve("out.xml"));
        // Every carriage return is a character reference: a literal one would reach the reader as a line feed.
        assertThat(new String(content, StandardCharsets.UTF_8)).doesNotContain("\r").contains("&#13;");
        assertReadsBack(content, c, LONG_TEXT_ROWS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gzipHoldsExactlyThePlainGolden(Case c) throws Exception {
        FileFormat format = FormatFixture.format(c.yaml().replace("}", ", compression: gzip}"));
        assertThat(format.extension()).isEqualTo(".xml.gz");
        assertThat(format.contentType()).isEqualTo("application/xml");
        WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        assertIllegalCharactersWarned(result);
        Path file = dir.resolve("out.xml.gz");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        Goldens.check(c.golden(), ReadBack.gunzip(file));

        format.write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "long", SplitLimits.NONE);
        assertReadsBack(ReadBack.gunzip(dir.resolve("long.xml.gz")), c, LONG_TEXT_ROWS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void emptyOutputIsTheRootWithoutRecords(Case c) throws Exception {
        for (String yaml : List.of(c.yaml(), c.yaml().replace("}", ", compression: gzip}"))) {
            FileFormat format = FormatFixture.format(yaml);
            WriteResult result = format.write(FormatFixture.rows(engine, FormatFixture.EMPTY_SQL), dir, "empty", SplitLimits.NONE);
            assertThat(result.rows()).isZero();
            assertThat(result.warnings()).isEmpty();
            byte[] content = ReadBack.content(dir.resolve("empty" + format.extension()));
            Goldens.check(c.emptyGolden(), content);
            assertThat(ReadBack.xml(content, c.root(), c.record()).rows()).isEmpty();
        }
    }

    @Test
    void noWarningWhenEveryCharacterIsLegal() throws Exception {
        WriteResult result = FormatFixture.format("{type: xml}")
                .write(FormatFixture.rows(engine, "SELECT * FROM fixture WHERE id <> 7 ORDER BY id"), dir, "out", SplitLimits.NONE);
        assertThat(result.warnings()).isEmpty();
        assertThat(ReadBack.xml(ReadBack.bytes(dir.resolve("out.xml")), "records", "record").rows()).hasSize(TEXT_ROWS.size() - 1);
    }

    @Test
    void nullIsAnEmptyNilElementAndEmptyTextIsNot() throws Exception {
        FormatFixture.format("{type: xml}")
                .write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, "out", SplitLimits.NONE);
        String text = Files.readString(dir.resolve("out.xml"));
        assertThat(text).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<records xmlns:xsi=\"" + ReadBack.XSI + "\">\n");
        assertThat(text).contains("<s xsi:nil=\"true\"/>").contains("<s></s>");
        assertThat(text).contains("<s>&lt;a href=\"x\"&gt;&amp;amp; &amp; &lt;/a&gt; ]]&gt;</s>");
    }

    private static void assertIllegalCharactersWarned(WriteResult result) {
        assertThat(result.warnings()).singleElement().asString()
                .startsWith(XML_ILLEGAL_IN_FIXTURE + " characters ").contains("U+FFFD");
    }

    private static void assertReadsBack(byte[] content, Case c, List<List<String>> expected) throws Exception {
        ReadBack.Table table = ReadBack.xml(content, c.root(), c.record());
        assertThat(table.names()).isEqualTo(COLUMNS);
        assertThat(table.rows()).hasSameSizeAs(expected);
        for (int r = 0; r < expected.size(); r++) {
            List<String> want = expected.get(r).stream().map(FormatFixture::xmlSafe).toList();
            assertThat(table.rows().get(r)).as("record %d", r + 1).isEqualTo(want);
        }
    }
}
