package dev.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.Node;
import dev.sluice.config.Problems;
import dev.sluice.engine.ColumnTypes;
import dev.sluice.engine.LogicalType;
import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import dev.sluice.plan.Mapping;
import dev.sluice.sync.Extractor;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attribute mapping through {@link Extractor#exportColumns}: only mapped attributes, in the
 * mapping's order, under their new names, read back from every format.
 */
class MappingTest {
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

    /** Columns of the fixture: s, id, tstz, dec2, and id again. */
    private static final List<Mapping> MAPPING = List.of(
            new Mapping("s", "Text"), new Mapping("id", "Id"), new Mapping("tstz", "When"),
            new Mapping("dec2", "Amount"), new Mapping("id", "Key"));
    private static final List<String> NAMES = List.of("Text", "Id", "When", "Amount", "Key");
    private static final int[] SOURCE_INDEX = {7, 0, 11, 4, 0};

    private static OutputRows mapped(List<Mapping> mapping) throws Exception {
        return new OutputRows(engine, FormatFixture.LONG_SQL,
                Extractor.exportColumns(ColumnTypes.describe(engine, FormatFixture.LONG_SQL), mapping));
    }

    private static List<List<String>> expectedRows() {
        return FormatFixture.LONG_TEXT_ROWS.stream().map(row -> {
            String[] values = new String[SOURCE_INDEX.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.get(SOURCE_INDEX[i]);
            }
            return java.util.Arrays.asList(values);
        }).toList();
    }

    @Test
    void exportColumnsFollowTheMapping() throws Exception {
        List<ExportColumn> columns = Extractor.exportColumns(ColumnTypes.describe(engine, FormatFixture.LONG_SQL), MAPPING);
        assertThat(columns).containsExactly(
                new ExportColumn("s", "Text", LogicalType.STRING),
                new ExportColumn("id", "Id", LogicalType.INTEGER),
                new ExportColumn("tstz", "When", LogicalType.TIMESTAMP_TZ),
                new ExportColumn("dec2", "Amount", LogicalType.DECIMAL),
                new ExportColumn("id", "Key", LogicalType.INTEGER));
        assertThat(Extractor.exportColumns(ColumnTypes.describe(engine, FormatFixture.LONG_SQL), List.of()))
                .extracting(ExportColumn::name).isEqualTo(FormatFixture.COLUMNS);
    }

    @Test
    void unknownAttributeIsAUserError() {
        assertThatThrownBy(() -> mapped(List.of(new Mapping("nope", "X"))))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("'nope'")
                .satisfies(e -> assertThat(((SluiceException) e).kind()).isEqualTo(ErrorKind.USER));
    }

    @Test
    void csv() throws Exception {
        FormatFixture.format("{type: csv}").write(mapped(MAPPING), dir, "m", SplitLimits.NONE);
        ReadBack.Table table = ReadBack.csv(reader, dir.resolve("m.csv"), ',', '"', true, "");
        assertThat(table.names()).isEqualTo(NAMES);
        assertThat(table.rows()).isEqualTo(expectedRows());
    }

    @Test
    void csvHeaderQuotesNamesThatNeedIt() throws Exception {
        List<Mapping> mapping = List.of(new Mapping("id", "Full, \"Name\""), new Mapping("s2", "été ✓"));
        FormatFixture.format("{type: csv}").write(mapped(mapping), dir, "m", SplitLimits.NONE);
        assertThat(java.nio.file.Files.readString(dir.resolve("m.csv"))).startsWith("\"Full, \"\"Name\"\"\",été ✓\n");
        ReadBack.Table table = ReadBack.csv(reader, dir.resolve("m.csv"), ',', '"', true, "");
        assertThat(table.names()).containsExactly("Full, \"Name\"", "été ✓");
        assertThat(table.rows()).hasSize(11);
    }

    @Test
    void json() throws Exception {
        for (String yaml : List.of("{type: json}", "{type: json, layout: lines}")) {
            FileFormat format = FormatFixture.format(yaml);
            format.write(mapped(MAPPING), dir, "m", SplitLimits.NONE);
            byte[] content = ReadBack.bytes(dir.resolve("m" + format.extension()));
            List<List<ReadBack.Member>> records = yaml.contains("lines") ? ReadBack.jsonLines(content) : ReadBack.jsonArray(content);
            assertThat(records).hasSize(11);
            List<List<String>> expected = expectedRows();
            for (int r = 0; r < records.size(); r++) {
                assertThat(records.get(r)).extracting(ReadBack.Member::name).isEqualTo(NAMES);
                assertThat(records.get(r)).extracting(ReadBack.Member::text).isEqualTo(expected.get(r));
            }
        }
    }

    @Test
    void jsonKeysAreEscaped() throws Exception {
        List<Mapping> mapping = List.of(new Mapping("id", "a\"b\\c"), new Mapping("n", "tab\there"));
        FormatFixture.format("{type: json}").write(mapped(mapping), dir, "m", SplitLimits.NONE);
        List<List<ReadBack.Member>> records = ReadBack.jsonArray(ReadBack.bytes(dir.resolve("m.json")));
        assertThat(records.get(0)).extracting(ReadBack.Member::name).containsExactly("a\"b\\c", "tab\there");
    }

    @Test
    void xml() throws Exception {
        FormatFixture.format("{type: xml}").write(mapped(MAPPING), dir, "m", SplitLimits.NONE);
        ReadBack.Table table = ReadBack.xml(ReadBack.bytes(dir.resolve("m.xml")), "records", "record");
        assertThat(table.names()).isEqualTo(NAMES);
        assertThat(table.rows()).isEqualTo(expectedRows().stream().map(r -> r.stream().map(FormatFixture::xmlSafe).toList()).toList());
    }

    @Test
    void xmlRejectsAttributeNamesThatAreNotXmlNames() {
        Problems problems = new Problems();
        Node at = Node.root(FormatFixture.tree("{}"), "test", problems).get("mapping");
        FileFormat xml = FormatFixture.format("{type: xml}");
        xml.checkAttributeNames(List.of("Text", "été", "_x", "a.b-c"), at);
        assertThat(problems.list()).isEmpty();
        xml.checkAttributeNames(List.of("Full Name", "1abc", "a:b", "xmlThing", ""), at);
        assertThat(problems.list()).hasSize(5);
        assertThat(problems.list().get(0).message()).contains("'Full Name'").contains("mapping");
        // The other formats take any name.
        FormatFixture.format("{type: csv}").checkAttributeNames(List.of("Full Name", "1abc"), at);
        FormatFixture.format("{type: json}").checkAttributeNames(List.of("Full Name", "1abc"), at);
        FormatFixture.format("parquet").checkAttributeNames(List.of("Full Name", "1abc"), at);
        assertThat(problems.list()).hasSize(5);
    }

    @Test
    void parquet() throws Exception {
        FormatFixture.format("parquet").write(mapped(MAPPING), dir, "m", SplitLimits.NONE);
        Path file = dir.resolve("m.parquet");
        assertThat(ReadBack.parquetSchema(reader, file)).containsExactly(
                "Text VARCHAR", "Id BIGINT", "When TIMESTAMP WITH TIME ZONE", "Amount DECIMAL(18,2)", "Key BIGINT");
        assertThat(ReadBack.typed(reader, "SELECT * FROM read_parquet(" + ReadBack.sql(file.toString()) + ")"))
                .isEqualTo(ReadBack.typed(engine, "SELECT s, id, tstz, dec2, id FROM fixture_long ORDER BY id"));
    }

    @Test
    void parquetNamesNeedNoQuotingRules() throws Exception {
        List<Mapping> mapping = List.of(new Mapping("id", "Full, \"Name\""), new Mapping("s2", "été ✓"));
        FormatFixture.format("parquet").write(mapped(mapping), dir, "m", SplitLimits.NONE);
        assertThat(ReadBack.parquetSchema(reader, dir.resolve("m.parquet"))).containsExactly("Full, \"Name\" BIGINT", "été ✓ VARCHAR");
    }
}
