package dev.sluice.format;

import static dev.sluice.format.FormatFixture.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * max_rows_per_file and max_file_size: numbered parts, each a complete valid file of its format
 * (CSV header repeated, JSON arrays closed, XML documents whole), none over the byte limit unless
 * it holds a single row, and all parts together holding every row in order.
 */
class SplittingTest {
    private static Connection engine;
    private static Connection reader;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        engine = FormatFixture.engine();
        reader = FormatFixture.reader();
        // Nine rows whose records all have the same length, for limits that fit parts exactly.
        FormatFixture.execute(engine, "CREATE TABLE uniform AS SELECT i AS id, 'x' || lpad(CAST(i AS VARCHAR), 3, '0') AS s"
                + " FROM range(1, 10) t(i)");
        // Many rows, to see that order survives the engine's parallelism.
        FormatFixture.execute(engine, "CREATE TABLE many AS SELECT i AS id, 'row ' || i || repeat('.', (i * 7) % 50) AS s,"
                + " i * 0.5 AS half FROM range(0, 30000) t(i)");
    }

    @AfterAll
    static void close() throws Exception {
        engine.close();
        reader.close();
    }

    enum Kind { CSV, CSV_NO_HEADER, JSON, JSONL, XML }

    /** A text format under test: its options, how to read a part back, and the golden of its empty form. */
    record Text(String yaml, Kind kind, String extension, String emptyGolden) {
        @Override
        public String toString() {
            return yaml;
        }

        boolean gzip() {
            return extension.endsWith(".gz");
        }
    }

    static Stream<Text> textFormats() {
        List<Text> plain = List.of(
                new Text("{type: csv}", Kind.CSV, ".csv", "csv-empty.csv"),
                new Text("{type: csv, header: false}", Kind.CSV_NO_HEADER, ".csv", null),
                new Text("{type: json}", Kind.JSON, ".json", "json-empty.json"),
                new Text("{type: json, layout: lines}", Kind.JSONL, ".jsonl", "json-lines-empty.jsonl"),
                new Text("{type: xml}", Kind.XML, ".xml", "xml-empty.xml"));
        return plain.stream().flatMap(t -> Stream.of(t,
                new Text(t.yaml().replace("}", ", compression: gzip}"), t.kind(), t.extension() + ".gz", t.emptyGolden())));
    }

    // ------------------------------------------------------------------ rows

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFormats")
    void zeroRowsGiveOneNumberedPartHoldingTheEmptyForm(Text t) throws Exception {
        for (SplitLimits limits : List.of(new SplitLimits(null, 5L), new SplitLimits(10L, null), new SplitLimits(1L, 1L))) {
            Path out = Files.createTempDirectory(dir, "zero");
            WriteResult result = FormatFixture.format(t.yaml()).write(FormatFixture.rows(engine, FormatFixture.EMPTY_SQL), out, "name", limits);
            assertThat(result.rows()).isZero();
            assertThat(result.files()).extracting(WrittenFile::fileName).containsExactly("name-00001" + t.extension());
            assertThat(listing(out)).containsExactly("name-00001" + t.extension());
            byte[] content = ReadBack.content(out.resolve("name-00001" + t.extension()));
            if (t.emptyGolden() != null) {
                Goldens.check(t.emptyGolden(), content);
            } else {
                assertThat(content).isEmpty();
            }
            assertThat(readPart(t.kind(), out.resolve("name-00001" + t.extension()))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFormats")
    void rowLimitCutsPartsOfAtMostThatManyRows(Text t) throws Exception {
        List<List<String>> expected = expected(t.kind(), FormatFixture.LONG_TEXT_ROWS);
        int total = expected.size();
        for (long max : List.of(1L, 3L, 5L, (long) total - 1, (long) total, (long) total + 1, 1000L)) {
            Path out = Files.createTempDirectory(dir, "rows");
            WriteResult result = FormatFixture.format(t.yaml())
                    .write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), out, "name", new SplitLimits(null, max));
            int parts = (int) ((total + max - 1) / max);
            assertNumberedParts(result, out, "name", t.extension(), parts);
            for (int i = 0; i < parts; i++) {
                long rows = i < parts - 1 ? max : total - max * (parts - 1);
                assertThat(result.files().get(i).rows()).as("rows of part %d with max %d", i + 1, max).isEqualTo(rows);
            }
            assertThat(result.rows()).isEqualTo(total);
            assertUnionReadsBack(t.kind(), result, expected);
        }
    }

    // ------------------------------------------------------------------ bytes

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFormats")
    void aPartFillsUpToExactlyTheByteLimit(Text t) throws Exception {
        if (t.gzip()) {
            return; // compressed sizes are not additive; the property test below covers gzip.
        }
        FileFormat format = FormatFixture.format(t.yaml());
        // A complete file of the first three (equally long) rows is what a full three-row part must be.
        Path reference = Files.createTempDirectory(dir, "reference");
        format.write(FormatFixture.rows(engine, "SELECT * FROM uniform WHERE id <= 3 ORDER BY id"), reference, "three", SplitLimits.NONE);
        long three = Files.size(reference.resolve("three" + t.extension()));
        Path reference2 = Files.createTempDirectory(dir, "reference");
        format.write(FormatFixture.rows(engine, "SELECT * FROM uniform WHERE id <= 2 ORDER BY id"), reference2, "two", SplitLimits.NONE);
        long two = Files.size(reference2.resolve("two" + t.extension()));

        Path out = Files.createTempDirectory(dir, "exact");
        WriteResult result = format.write(FormatFixture.rows(engine, "SELECT * FROM uniform ORDER BY id"), out, "name", new SplitLimits(three, null));
        assertNumberedParts(result, out, "name", t.extension(), 3);
        assertThat(result.files()).allSatisfy(f -> {
            assertThat(f.rows()).isEqualTo(3);
            assertThat(f.bytes()).isEqualTo(three);
        });

        Path under = Files.createTempDirectory(dir, "under");
        result = format.write(FormatFixture.rows(engine, "SELECT * FROM uniform ORDER BY id"), under, "name", new SplitLimits(three - 1, null));
        assertNumberedParts(result, under, "name", t.extension(), 5);
        assertThat(result.files()).extracting(WrittenFile::rows).containsExactly(2L, 2L, 2L, 2L, 1L);
        assertThat(result.files().subList(0, 4)).allSatisfy(f -> assertThat(f.bytes()).isEqualTo(two));
        assertUnionReadsBack(t.kind(), result, uniformRows(t.kind()));
    }

    @Test
    void csvByteLimitArithmetic() throws Exception {
        // Header "id,s\n" is 5 bytes and every record "1,x001\n" 7: three rows make exactly 26 bytes.
        WriteResult result = FormatFixture.format("{type: csv}")
                .write(FormatFixture.rows(engine, "SELECT * FROM uniform ORDER BY id"), dir, "u", new SplitLimits(26L, null));
        assertThat(result.files()).extracting(WrittenFile::bytes).containsExactly(26L, 26L, 26L);
        assertThat(Files.readString(dir.resolve("u-00002.csv"))).isEqualTo("id,s\n4,x004\n5,x005\n6,x006\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFormats")
    void aRowLargerThanTheLimitGetsAPartOfItsOwn(Text t) throws Exception {
        // Row 11 (100 KB) placed in the middle: rows 1-5, then 11, then 6-10.
        String sql = "SELECT * FROM fixture_long ORDER BY CASE WHEN id = 11 THEN 5.5 ELSE id END";
        List<List<String>> rows = new ArrayList<>(FormatFixture.TEXT_ROWS.subList(0, 5));
        rows.add(FormatFixture.LONG_TEXT_ROWS.get(10));
        rows.addAll(FormatFixture.TEXT_ROWS.subList(5, 10));
        long limit = 4096;
        WriteResult result = FormatFixture.format(t.yaml()).write(FormatFixture.rows(engine, sql), dir, "big", new SplitLimits(limit, null));
        assertWithinLimit(result, limit);
        assertUnionReadsBack(t.kind(), result, expected(t.kind(), rows));
        if (t.gzip()) {
            // Gzipped, the row's repetitive text shrinks below the limit: it is not larger than the
            // limit as stored, so it shares a part with others, and every part fits.
            assertThat(result.files()).allSatisfy(f -> assertThat(f.bytes()).isLessThanOrEqualTo(limit));
            return;
        }
        // The row is larger than the limit as written out.
        List<WrittenFile> oversized = new ArrayList<>();
        for (WrittenFile f : result.files()) {
            if (ReadBack.content(f.path()).length > limit) {
                oversized.add(f);
            }
        }
        assertThat(oversized).singleElement().satisfies(f -> assertThat(f.rows()).isEqualTo(1));
        assertThat(readPart(t.kind(), oversized.get(0).path()).get(0).get(7))
                .isEqualTo(expected(t.kind(), List.of(FormatFixture.LONG_TEXT_ROWS.get(10))).get(0).get(7));
        assertUnionReadsBack(t.kind(), result, expected(t.kind(), rows));
    }

    static Stream<Object[]> textFormatsAndByteLimits() {
        return textFormats().flatMap(t -> Stream.of(1L, 60L, 200L, 333L, 700L, 1500L, 4000L, 120_000L, 10_000_000L)
                .map(limit -> new Object[] {t, limit}));
    }

    @ParameterizedTest(name = "{0} max {1} bytes")
    @MethodSource("textFormatsAndByteLimits")
    void noPartPassesTheByteLimitUnlessItHoldsOneRow(Text t, long limit) throws Exception {
        WriteResult result = FormatFixture.format(t.yaml())
                .write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "name", new SplitLimits(limit, null));
        int parts = result.files().size();
        assertNumberedParts(result, dir, "name", t.extension(), parts);
        assertWithinLimit(result, limit);
        if (limit == 1) {
            assertThat(result.files()).allSatisfy(f -> assertThat(f.rows()).isEqualTo(1));
        }
        if (limit == 10_000_000L) {
            assertThat(parts).isEqualTo(1);
        }
        assertUnionReadsBack(t.kind(), result, expected(t.kind(), FormatFixture.LONG_TEXT_ROWS));
    }

    static Stream<Object[]> gzipFormatsAndSmallLimits() {
        return textFormats().filter(Text::gzip).flatMap(t -> Stream.of(30L, 45L, 64L, 100L, 250L).map(limit -> new Object[] {t, limit}));
    }

    /**
     * Gzip adds a header, a trailer and block overhead: a part of a few short rows gets larger when
     * compressed. The limit is on the object as stored, so those parts must still fit.
     */
    @ParameterizedTest(name = "{0} max {1} bytes")
    @MethodSource("gzipFormatsAndSmallLimits")
    void gzipPartsStayWithinTheLimitWhenCompressionCannotShrinkThem(Text t, long limit) throws Exception {
        String sql = "SELECT CAST(i AS BIGINT) AS id, substr(md5(CAST(i AS VARCHAR)), 1, 6) AS s FROM range(0, 60) t(i) ORDER BY i";
        WriteResult result = FormatFixture.format(t.yaml()).write(FormatFixture.rows(engine, sql), dir, "tiny", new SplitLimits(limit, null));
        assertNumberedParts(result, dir, "tiny", t.extension(), result.files().size());
        assertWithinLimit(result, limit);
        List<String> ids = new ArrayList<>();
        for (WrittenFile file : result.files()) {
            readPart(t.kind(), file.path()).forEach(r -> ids.add(r.get(0)));
        }
        assertThat(ids).isEqualTo(IntStream.range(0, 60).mapToObj(Integer::toString).toList());
    }

    /**
     * Gzipped parts are filled up to the limit on their compressed size, not cut where the content
     * alone would reach it (a 1 MB limit used to give parts of 170 KB of well-compressing data).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("textFormats")
    void gzipPartsAreFilledToWithinTenPercentOfTheLimit(Text t) throws Exception {
        if (!t.gzip()) {
            return;
        }
        long limit = 40_000L;
        for (String sql : List.of("SELECT * FROM many ORDER BY id",
                // hex digests compress to about half: a different ratio, the same rule
                "SELECT id, md5(CAST(id AS VARCHAR)) || md5(s) AS s, half FROM many ORDER BY id")) {
            Path out = Files.createTempDirectory(dir, "fill");
            WriteResult result = FormatFixture.format(t.yaml()).write(FormatFixture.rows(engine, sql), out, "fill",
                    new SplitLimits(limit, null));
            assertThat(result.files()).as("%s is split", sql).hasSizeGreaterThan(2);
            assertWithinLimit(result, limit);
            List<WrittenFile> full = result.files().subList(0, result.files().size() - 1);
            assertThat(full).allSatisfy(f -> assertThat(Files.size(f.path())).as("%s, compressed", f.fileName())
                    .isGreaterThanOrEqualTo(limit * 9 / 10));
            List<String> ids = new ArrayList<>();
            for (WrittenFile file : result.files()) {
                readPart(t.kind(), file.path()).forEach(r -> ids.add(r.get(0)));
            }
            assertThat(ids).isEqualTo(IntStream.range(0, 30000).mapToObj(Integer::toString).toList());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFormats")
    void bothLimitsTogether(Text t) throws Exception {
        WriteResult result = FormatFixture.format(t.yaml())
                .write(FormatFixture.rows(engine, "SELECT * FROM many ORDER BY id DESC"), dir, "many", new SplitLimits(200_000L, 4000L));
        assertWithinLimit(result, 200_000L);
        assertThat(result.files()).allSatisfy(f -> assertThat(f.rows()).isBetween(1L, 4000L));
        assertThat(result.rows()).isEqualTo(30000);
        List<String> ids = new ArrayList<>();
        for (WrittenFile file : result.files()) {
            readPart(t.kind(), file.path()).forEach(r -> ids.add(r.get(0)));
        }
        assertThat(ids).isEqualTo(IntStream.range(0, 30000).map(i -> 29999 - i).mapToObj(Integer::toString).toList());
    }

    // ------------------------------------------------------------------ Parquet

    @Test
    void parquetZeroRowsGiveOnePartWithTheSchema() throws Exception {
        for (SplitLimits limits : List.of(new SplitLimits(null, 5L), new SplitLimits(10L, null))) {
            Path out = Files.createTempDirectory(dir, "zero");
            WriteResult result = FormatFixture.format("parquet").write(FormatFixture.rows(engine, FormatFixture.EMPTY_SQL), out, "p", limits);
            assertThat(listing(out)).containsExactly("p-00001.parquet");
            assertThat(result.files()).singleElement().satisfies(f -> assertThat(f.rows()).isZero());
            assertThat(ReadBack.parquetSchema(reader, out.resolve("p-00001.parquet"))).hasSize(COLUMNS.size());
            assertThat(ReadBack.typed(reader, "SELECT * FROM read_parquet(" + ReadBack.sql(out.resolve("p-00001.parquet").toString()) + ")")).isEmpty();
        }
    }

    @Test
    void parquetSplitByRows() throws Exception {
        List<List<Object>> source = ReadBack.typed(engine, FormatFixture.LONG_SQL);
        for (long max : List.of(1L, 3L, 10L, 11L, 12L)) {
            Path out = Files.createTempDirectory(dir, "rows");
            WriteResult result = FormatFixture.format("{type: parquet, compression: zstd}")
                    .write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), out, "p", new SplitLimits(null, max));
            int parts = (int) ((source.size() + max - 1) / max);
            assertNumberedParts(result, out, "p", ".parquet", parts);
            assertThat(result.files()).allSatisfy(f -> assertThat(f.rows()).isBetween(1L, max));
            assertParquetUnion(result, source);
        }
    }

    @Test
    void parquetSplitByBytes() throws Exception {
        List<List<Object>> source = ReadBack.typed(engine, "SELECT * FROM many ORDER BY id DESC");
        long limit = 64 * 1024;
        WriteResult result = FormatFixture.format("parquet")
                .write(FormatFixture.rows(engine, "SELECT * FROM many ORDER BY id DESC"), dir, "p", new SplitLimits(limit, null));
        assertThat(result.files().size()).isGreaterThan(1);
        assertNumberedParts(result, dir, "p", ".parquet", result.files().size());
        assertWithinLimit(result, limit);
        assertParquetUnion(result, source);
    }

    @Test
    void parquetRowLargerThanTheLimitGetsAPartOfItsOwn() throws Exception {
        List<List<Object>> source = ReadBack.typed(engine, FormatFixture.LONG_SQL);
        // 100 bytes is less than any Parquet file: every part holds one row.
        WriteResult tiny = FormatFixture.format("parquet")
                .write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), dir, "tiny", new SplitLimits(100L, null));
        assertThat(tiny.files()).hasSize(source.size()).allSatisfy(f -> assertThat(f.rows()).isEqualTo(1));
        assertParquetUnion(tiny, source);

        // 8 KB holds the ten small rows but not the 100 KB one (even compressed, it is repeated text; use none).
        Path out = Files.createTempDirectory(dir, "big");
        WriteResult result = FormatFixture.format("{type: parquet, compression: none}")
                .write(FormatFixture.rows(engine, FormatFixture.LONG_SQL), out, "big", new SplitLimits(8192L, null));
        assertWithinLimit(result, 8192L);
        assertThat(result.files().get(result.files().size() - 1).rows()).isEqualTo(1);
        assertThat(result.files().get(result.files().size() - 1).bytes()).isGreaterThan(8192L);
        assertParquetUnion(result, source);
    }

    @Test
    void parquetBothLimitsTogether() throws Exception {
        List<List<Object>> source = ReadBack.typed(engine, "SELECT * FROM many ORDER BY id DESC");
        WriteResult result = FormatFixture.format("parquet")
                .write(FormatFixture.rows(engine, "SELECT * FROM many ORDER BY id DESC"), dir, "p", new SplitLimits(48 * 1024L, 7000L));
        assertWithinLimit(result, 48 * 1024L);
        assertThat(result.files()).allSatisfy(f -> assertThat(f.rows()).isBetween(1L, 7000L));
        assertParquetUnion(result, source);
    }

    /**
     * Enough rows for several row groups and threads: parts must still be contiguous, in order.
     * Checked with the readers' own row numbers, not by sorting.
     */
    @Test
    void orderSurvivesParallelismAcrossParts() throws Exception {
        FormatFixture.execute(engine, "CREATE OR REPLACE TABLE large AS SELECT i AS id, 'v' || i AS s FROM range(0, 300000) t(i)");
        String sql = "SELECT * FROM large ORDER BY id DESC";
        Path parquet = Files.createTempDirectory(dir, "parquet");
        WriteResult result = FormatFixture.format("parquet").write(FormatFixture.rows(engine, sql), parquet, "p", new SplitLimits(null, 120_000L));
        assertThat(result.files()).extracting(WrittenFile::rows).containsExactly(120_000L, 120_000L, 60_000L);
        long offset = 0;
        for (WrittenFile file : result.files()) {
            assertThat(ReadBack.strings(reader, "SELECT count(*), count(*) FILTER (WHERE id <> " + (299_999 - offset)
                    + " - file_row_number) FROM read_parquet(" + ReadBack.sql(file.path().toString()) + ", file_row_number = true)"))
                    .as("rows out of place in %s", file.fileName()).containsExactly(List.of(Long.toString(file.rows()), "0"));
            offset += file.rows();
        }

        Path csv = Files.createTempDirectory(dir, "csv");
        result = FormatFixture.format("{type: csv}").write(FormatFixture.rows(engine, sql), csv, "c", new SplitLimits(1_000_000L, 100_000L));
        long expected = 299_999;
        for (WrittenFile file : result.files()) {
            List<String> lines = Files.readAllLines(file.path());
            assertThat(lines.get(0)).isEqualTo("id,s");
            for (String line : lines.subList(1, lines.size())) {
                assertThat(line).isEqualTo(expected + ",v" + expected);
                expected--;
            }
        }
        assertThat(expected).isEqualTo(-1);
    }

    // ------------------------------------------------------------------ limits themselves

    @Test
    void limitsMustBePositiveAndPartNamesHaveFiveDigits() {
        assertThatThrownBy(() -> new SplitLimits(0L, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SplitLimits(null, 0L)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SplitLimits.NONE.splits()).isFalse();
        assertThat(new SplitLimits(1L, null).splits()).isTrue();
        assertThat(new SplitLimits(null, 1L).splits()).isTrue();
        assertThat(SplitLimits.partName("name", 1, ".csv.gz")).isEqualTo("name-00001.csv.gz");
        assertThat(SplitLimits.partName("name", 12345, ".xml")).isEqualTo("name-12345.xml");
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The result's files are name-00001.ext … in order, exactly the files in {@code dir}, sizes and rows true. */
    private static void assertNumberedParts(WriteResult result, Path dir, String base, String extension, int parts) throws Exception {
        List<String> names = IntStream.rangeClosed(1, parts).mapToObj(i -> String.format("%s-%05d%s", base, i, extension)).toList();
        assertThat(result.files()).extracting(WrittenFile::fileName).isEqualTo(names);
        assertThat(listing(dir)).as("nothing but the parts is left behind").isEqualTo(names);
        long rows = 0;
        for (WrittenFile file : result.files()) {
            assertThat(file.path()).isEqualTo(dir.resolve(file.fileName()));
            assertThat(file.bytes()).isEqualTo(Files.size(file.path()));
            rows += file.rows();
        }
        assertThat(rows).isEqualTo(result.rows());
    }

    /** Every part, as stored (compressed when gzip), is within the limit unless it holds a single row. */
    private static void assertWithinLimit(WriteResult result, long limit) {
        assertThat(result.files()).allSatisfy(f -> {
            if (f.rows() > 1) {
                assertThat(Files.size(f.path())).as("%s holds %d rows", f.fileName(), f.rows()).isLessThanOrEqualTo(limit);
            }
        });
    }

    private static void assertUnionReadsBack(Kind kind, WriteResult result, List<List<String>> expected) throws Exception {
        List<List<String>> union = new ArrayList<>();
        for (WrittenFile file : result.files()) {
            List<List<String>> rows = readPart(kind, file.path());
            assertThat(rows).as("rows read back from %s", file.fileName()).hasSize((int) file.rows());
            union.addAll(rows);
        }
        assertThat(union).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(union.get(i)).as("row %d", i + 1).isEqualTo(expected.get(i));
        }
    }

    private static void assertParquetUnion(WriteResult result, List<List<Object>> source) throws Exception {
        List<List<Object>> union = new ArrayList<>();
        List<String> schema = null;
        for (WrittenFile file : result.files()) {
            List<String> partSchema = ReadBack.strings(reader, "SELECT name, type, repetition_type, logical_type FROM parquet_schema("
                    + ReadBack.sql(file.path().toString()) + ")").stream().map(Object::toString).toList();
            if (schema == null) {
                schema = partSchema;
            } else {
                assertThat(partSchema).as("schema of %s", file.fileName()).isEqualTo(schema);
            }
            List<List<Object>> rows = ReadBack.typed(reader, "SELECT * FROM read_parquet(" + ReadBack.sql(file.path().toString()) + ")");
            assertThat(rows).as("rows of %s", file.fileName()).hasSize((int) file.rows());
            union.addAll(rows);
        }
        assertThat(union).isEqualTo(source);
    }

    /** One part read back, every value as text (JSON: token text, XML: element text), nulls as null. */
    private static List<List<String>> readPart(Kind kind, Path part) throws Exception {
        byte[] content = ReadBack.content(part);
        return switch (kind) {
            case CSV, CSV_NO_HEADER -> {
                ReadBack.Table table = ReadBack.csv(reader, part, ',', '"', kind == Kind.CSV, "");
                if (kind == Kind.CSV) {
                    assertThat(table.names()).as("header of %s", part.getFileName()).isNotEmpty();
                    assertThat(new String(content, java.nio.charset.StandardCharsets.UTF_8))
                            .as("%s starts with the header", part.getFileName()).startsWith(table.names().get(0) + ",");
                }
                yield table.rows();
            }
            case JSON, JSONL -> {
                List<List<ReadBack.Member>> records = kind == Kind.JSON ? ReadBack.jsonArray(content) : ReadBack.jsonLines(content);
                yield records.stream().map(r -> r.stream().map(ReadBack.Member::text).toList()).toList();
            }
            case XML -> ReadBack.xml(content, "records", "record").rows();
        };
    }

    /** Text renderings as each kind reads them back: JSON has null for NaN and infinities, XML U+FFFD for illegal characters. */
    private static List<List<String>> expected(Kind kind, List<List<String>> textRows) {
        return switch (kind) {
            case CSV, CSV_NO_HEADER -> textRows;
            case JSON, JSONL -> textRows.stream().map(row -> {
                List<String> copy = new ArrayList<>(row);
                if (copy.get(3) != null && Set.of("NaN", "Infinity", "-Infinity").contains(copy.get(3))) {
                    copy.set(3, null);
                }
                return (List<String>) java.util.Collections.unmodifiableList(copy);
            }).toList();
            case XML -> textRows.stream().map(row -> row.stream().map(FormatFixture::xmlSafe).toList()).toList();
        };
    }

    private static List<List<String>> uniformRows(Kind kind) {
        return IntStream.rangeClosed(1, 9).mapToObj(i -> List.of(Integer.toString(i), String.format("x%03d", i))).toList();
    }
}
