package dev.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.plan.FileNameTemplate;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** The object names a run's template and format give: SPEC §2's example, with and without parts. */
class OutputNamesTest {
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{type: csv}                                | 25-04-14_export.csv       | 25-04-14_export-00001.csv",
            "{type: csv, compression: gzip}             | 25-04-14_export.csv.gz    | 25-04-14_export-00001.csv.gz",
            "{type: json}                               | 25-04-14_export.json      | 25-04-14_export-00001.json",
            "{type: json, layout: lines, compression: gzip} | 25-04-14_export.jsonl.gz | 25-04-14_export-00001.jsonl.gz",
            "{type: xml}                                | 25-04-14_export.xml       | 25-04-14_export-00001.xml",
            "{type: parquet, compression: gzip}         | 25-04-14_export.parquet   | 25-04-14_export-00001.parquet"})
    void templateThenExtensionThenPartNumber(String yaml, String single, String firstPart) throws Exception {
        String base = FileNameTemplate.parse("{YY}-{MM}-{DD}_export")
                .render(Instant.parse("2025-04-14T10:00:00Z"), ZoneOffset.UTC, "daily", "customers", "r1");
        FileFormat format = FormatFixture.format(yaml);
        WriteResult one = format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, base, SplitLimits.NONE);
        assertThat(one.files()).extracting(WrittenFile::fileName).containsExactly(single);
        assertThat(dir.resolve(single)).exists();
        WriteResult parts = format.write(FormatFixture.rows(engine, FormatFixture.GOLDEN_SQL), dir, base, new SplitLimits(null, 4L));
        assertThat(parts.files()).extracting(WrittenFile::fileName)
                .containsExactly(firstPart, firstPart.replace("-00001", "-00002"), firstPart.replace("-00001", "-00003"));
    }
}
