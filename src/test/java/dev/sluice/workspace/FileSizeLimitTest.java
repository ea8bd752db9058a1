package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.config.Problem;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workspace file over 1 MiB is refused before it is parsed, with a message naming the file, its
 * size and the limit. Parsing such a file took the YAML parser over a minute of CPU (a 10 MB value
 * on one line) before its own limit stopped it; the deadline below is generous against that.
 */
class FileSizeLimitTest {
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final long TEN_MB = 10L * 1000 * 1000;

    @TempDir
    Path dir;

    /** A valid start, then one model whose SQL is a single line of {@code bytes} characters. */
    private static void writeLarge(Path file, String head, long bytes) throws IOException {
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write(head);
            out.write("models:\n  huge: {primary_key: id, sql: \"SELECT ");
            char[] chunk = "x".repeat(64 * 1024).toCharArray();
            for (long written = 0; written < bytes; written += chunk.length) {
                out.write(chunk);
            }
            out.write("\"}\n");
        }
    }

    private static List<String> problems(Path file) {
        return assertTimeoutPreemptively(GENEROUS, () -> WorkspaceLoader.withSystemEnv().loadPartially(file).problems())
                .stream().map(Problem::toString).toList();
    }

    @Test
    void aTenMegabyteWorkspaceFileIsRefusedBeforeItIsParsed() throws Exception {
        Path file = dir.resolve("sluice.yaml");
        writeLarge(file, "", TEN_MB);
        long size = Files.size(file);

        assertThat(problems(file)).containsExactly(file + ": the file is too large: " + size
                + " bytes; a workspace file may have at most 1048576 bytes (1 MiB): split it into files read with include");
    }

    @Test
    void anIncludedFileHasTheSameLimit() throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, "include: [more/*.yaml]\n");
        Files.createDirectories(dir.resolve("more"));
        Path included = dir.resolve("more/big.yaml");
        writeLarge(included, "", TEN_MB);

        assertThat(problems(file)).singleElement().asString()
                .startsWith(dir.resolve("more/big.yaml") + ": the file is too large: " + Files.size(included) + " bytes;")
                .contains("at most 1048576 bytes (1 MiB)");
    }

    @Test
    void aFileJustUnderTheLimitIsRead() throws Exception {
        Path file = dir.resolve("sluice.yaml");
        writeLarge(file, "", 900 * 1024);

        assertThat(problems(file)).noneMatch(p -> p.contains("too large"));
    }
}
