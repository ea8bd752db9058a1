package dev.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.Node;
import dev.sluice.config.Problem;
import dev.sluice.config.Problems;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing a workspace {@code format} node: defaults, every option, and the problems named for bad values. */
class FileFormatsTest {
    @TempDir
    Path dir;

    private static List<Problem> problems(String yaml) {
        Problems problems = new Problems();
        FileFormats.parse(Node.root(FormatFixture.tree(yaml), "test", problems));
        return problems.list();
    }

    private static FileFormat parse(String yaml) {
        return FormatFixture.format(yaml);
    }

    @Test
    void defaults() {
        Problems problems = new Problems();
        assertThat(FileFormats.parse(Node.root(null, "test", problems)))
                .isEqualTo(new CsvFormat(',', true, '"', CsvFormat.QuoteMode.MINIMAL, "", TextCompression.NONE));
        assertThat(problems.isEmpty()).isTrue();
        assertThat(parse("{type: csv}")).isEqualTo(new CsvFormat(',', true, '"', CsvFormat.QuoteMode.MINIMAL, "", TextCompression.NONE));
        assertThat(parse("csv")).isEqualTo(parse("{type: csv}"));
        assertThat(parse("{type: json}")).isEqualTo(new JsonFormat(JsonFormat.Layout.ARRAY, TextCompression.NONE));
        assertThat(parse("{type: xml}")).isEqualTo(new XmlFormat("records", "record", TextCompression.NONE));
        assertThat(parse("parquet")).isEqualTo(new ParquetFormat(ParquetFormat.Codec.SNAPPY));
    }

    @Test
    void everyOption() {
        assertThat(parse("{type: csv, delimiter: '|', header: false, quote: \"'\", quote_mode: all, null_value: '\\N', compression: gzip}"))
                .isEqualTo(new CsvFormat('|', false, '\'', CsvFormat.QuoteMode.ALL, "\\N", TextCompression.GZIP));
        assertThat(parse("{type: csv, delimiter: '€'}")).isEqualTo(new CsvFormat('€', true, '"', CsvFormat.QuoteMode.MINIMAL, "", TextCompression.NONE));
        assertThat(parse("{type: json, layout: lines, compression: gzip}")).isEqualTo(new JsonFormat(JsonFormat.Layout.LINES, TextCompression.GZIP));
        assertThat(parse("{type: xml, root_element: Kunden, record_element: Kunde, compression: gzip}"))
                .isEqualTo(new XmlFormat("Kunden", "Kunde", TextCompression.GZIP));
        assertThat(parse("{type: parquet, compression: none}")).isEqualTo(new ParquetFormat(ParquetFormat.Codec.NONE));
    }

    @Test
    void extensionsAndContentTypes() {
        assertThat(parse("{type: csv, compression: gzip}").extension()).isEqualTo(".csv.gz");
        assertThat(parse("{type: json, compression: gzip}").extension()).isEqualTo(".json.gz");
        assertThat(parse("{type: json, layout: lines, compression: gzip}").extension()).isEqualTo(".jsonl.gz");
        assertThat(parse("{type: json, layout: lines}").contentType()).isEqualTo("application/x-ndjson");
        assertThat(parse("{type: xml, compression: gzip}").extension()).isEqualTo(".xml.gz");
        assertThat(parse("{type: parquet, compression: gzip}").extension()).isEqualTo(".parquet");
    }

    @Test
    void unknownTypeAndKeysAreNamed() {
        assertThat(problems("{type: cvs}")).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("type");
            assertThat(p.message()).contains("unknown format 'cvs'").contains("csv");
        });
        assertThat(problems("{type: csv, delimeter: ';'}")).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("delimeter"));
        assertThat(problems("{type: json, layout: rows}")).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("layout"));
        assertThat(problems("{type: parquet, compression: lz4}")).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("compression"));
        assertThat(problems("{type: csv, compression: zip}")).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("compression"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{type: csv, delimiter: ';;'}", "{type: csv, delimiter: ''}", "{type: csv, delimiter: \"\\n\"}",
            "{type: csv, quote: \"\\r\"}", "{type: csv, quote: '\"\"'}", "{type: csv, delimiter: ';', quote: ';'}",
            "{type: csv, quote: ','}", "{type: csv, delimiter: '\"'}", "{type: csv, quote: '«'}",
            "{type: csv, null_value: 'a,b'}", "{type: csv, null_value: \"x\\ny\"}", "{type: csv, header: maybe}",
            "{type: csv, quote_mode: some}"})
    void invalidCsvOptionsAreProblems(String yaml) {
        assertThat(problems(yaml)).as(yaml).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{type: xml, root_element: '1st'}", "{type: xml, record_element: 'a b'}",
            "{type: xml, root_element: 'ns:records'}", "{type: xml, record_element: 'xmlRecord'}", "{type: xml, root_element: ''}"})
    void invalidXmlElementNamesAreProblems(String yaml) {
        assertThat(problems(yaml)).as(yaml).singleElement().satisfies(p -> assertThat(p.message()).contains("not a valid XML element name"));
    }

    /** Every configuration that passes validation can actually be written. */
    @ParameterizedTest
    @ValueSource(strings = {"{type: csv, delimiter: '€'}", "{type: csv, delimiter: '|', quote: \"'\"}", "{type: csv, quote: '~'}",
            "{type: csv, delimiter: ' '}", "{type: csv, null_value: '\\N', quote_mode: all}", "{type: csv, delimiter: \"\\t\", quote: \"'\"}"})
    void validCsvOptionsWrite(String yaml) throws Exception {
        CsvFormat format = (CsvFormat) parse(yaml);
        try (Connection engine = FormatFixture.engine(); Connection reader = FormatFixture.reader()) {
            format.write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "out", SplitLimits.NONE);
            ReadBack.Table table = ReadBack.csv(reader, dir.resolve("out.csv"), format.delimiter(), format.quote(), true, format.nullValue());
            assertThat(table.names()).isEqualTo(FormatFixture.COLUMNS);
            assertThat(table.rows()).isEqualTo(FormatFixture.LONG_TEXT_ROWS);
        }
    }
}
