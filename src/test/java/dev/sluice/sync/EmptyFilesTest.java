package dev.sluice.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.ColumnTypes;
import dev.sluice.format.ExportColumn;
import dev.sluice.format.FormatFixture;
import dev.sluice.format.ReadBack;
import dev.sluice.format.WriteResult;
import dev.sluice.plan.FileNameTemplate;
import dev.sluice.plan.Mapping;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.workspace.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code empty_files: write | skip} through {@link OutputWriter#write}, for every format, split or not. */
class EmptyFilesTest {
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

    private static Activation activation(String formatYaml, Activation.EmptyFiles emptyFiles, Long maxBytes, Long maxRows,
            List<Mapping> mapping) {
        return new Activation("daily", "sluice.yaml", "customers", null, "scratch", "", FileNameTemplate.parse("export"),
                ZoneOffset.UTC, FormatFixture.format(formatYaml), mapping, RunType.FULL_ONLY, SyncMode.SNAPSHOT, null,
                maxBytes, maxRows, emptyFiles, false, true, Activation.Publish.STAGED, Activation.InvalidRows.FAIL, null, null, null, null, null, null);
    }

    private static List<String> listing(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{type: csv}", "{type: csv, compression: gzip}", "{type: json}", "{type: json, layout: lines}",
            "{type: xml}", "{type: xml, compression: gzip}", "parquet"})
    void skipLeavesNoFileForAnEmptyOutput(String yaml) throws Exception {
        for (Long[] limits : new Long[][] {{null, null}, {null, 5L}, {1024L, null}}) {
            Path out = dir.resolve("skip-" + limits[0] + "-" + limits[1]);
            WriteResult result = write(activation(yaml, Activation.EmptyFiles.SKIP, limits[0], limits[1], List.of()),
                    engine, FormatFixture.EMPTY_SQL, out, "export");
            assertThat(result.files()).isEmpty();
            assertThat(result.rows()).isZero();
            assertThat(listing(out)).as("files left for %s with limits %s/%s", yaml, limits[0], limits[1]).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{type: csv}", "{type: json}", "{type: json, layout: lines}", "{type: xml}", "parquet"})
    void skipStillWritesAnOutputWithRows(String yaml) throws Exception {
        WriteResult result = write(activation(yaml, Activation.EmptyFiles.SKIP, null, 4L, List.of()),
                engine, FormatFixture.GOLDEN_SQL, dir, "export");
        assertThat(result.rows()).isEqualTo(10);
        String extension = FormatFixture.format(yaml).extension();
        assertThat(listing(dir)).containsExactly("export-00001" + extension, "export-00002" + extension, "export-00003" + extension);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{type: csv}", "{type: json}", "{type: json, layout: lines}", "{type: xml}", "parquet"})
    void writeKeepsTheEmptyForm(String yaml) throws Exception {
        WriteResult result = write(
                activation(yaml, Activation.EmptyFiles.WRITE, null, null, List.of(new Mapping("id", "Id"), new Mapping("s", "Text"))),
                engine, FormatFixture.EMPTY_SQL, dir, "export");
        String extension = FormatFixture.format(yaml).extension();
        assertThat(result.files()).singleElement().satisfies(f -> {
            assertThat(f.fileName()).isEqualTo("export" + extension);
            assertThat(f.rows()).isZero();
        });
        assertThat(listing(dir)).containsExactly("export" + extension);
        String content = Files.readString(dir.resolve("export" + extension), java.nio.charset.StandardCharsets.ISO_8859_1);
        switch (yaml) {
            case "{type: csv}" -> assertThat(content).isEqualTo("Id,Text\n");
            case "{type: json}" -> assertThat(content).isEqualTo("[]\n");
            case "{type: json, layout: lines}" -> assertThat(content).isEmpty();
            case "{type: xml}" -> assertThat(ReadBack.xml(content.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    "records", "record").rows()).isEmpty();
            default -> assertThat(content).startsWith("PAR1");
        }
    }

    /** The output path of a run: the activation's mapped columns of {@code sql}, written by {@link OutputWriter}. */
    private WriteResult write(Activation activation, Connection engine, String sql, Path out, String baseName) throws SQLException {
        List<ExportColumn> columns = Extractor.exportColumns(ColumnTypes.describe(engine, sql), activation.mapping());
        return OutputWriter.write(activation, engine, sql, columns, out, baseName);
    }
}
