package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The catalogue of broken workspaces: every folder under {@code workspaces/broken} holds a
 * {@code sluice.yaml} (plus the files it needs) and an {@code expected.txt} whose every non-blank
 * line must appear in what {@code sluice validate} prints on stderr. Validation must fail with exit
 * code 2 and a readable message, never a stack trace.
 */
class BrokenWorkspacesTest {
    private static final Path CATALOGUE = Path.of("src", "test", "resources", "workspaces", "broken");

    static List<Path> cases() throws IOException {
        try (Stream<Path> folders = Files.list(CATALOGUE)) {
            return folders.filter(Files::isDirectory).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsTheExpectedProblems(Path folder) throws IOException {
        Path workspace = folder.resolve("sluice.yaml");
        List<String> expected = Files.readAllLines(folder.resolve("expected.txt"), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank())
                .toList();
        assertThat(expected).as("expected.txt of %s", folder).isNotEmpty();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute("validate", "-c", workspace.toString());
        String stderr = err.toString();

        assertThat(exitCode).as("exit code; stderr:%n%s", stderr).isEqualTo(2);
        for (String line : expected) {
            assertThat(stderr).as("stderr of %s", folder.getFileName()).contains(line);
        }
        assertThat(stderr).as("stderr of %s has no stack trace", folder.getFileName())
                .doesNotContain("\tat ", "Exception", "Caused by");
        assertThat(out.toString()).as("stdout of %s", folder.getFileName()).doesNotContain("is valid");
    }

    @Test
    void catalogueHoldsAtLeastFortyCases() throws IOException {
        List<Path> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        for (Path folder : cases) {
            assertThat(folder.resolve("sluice.yaml")).as("workspace of %s", folder).isRegularFile();
            assertThat(folder.resolve("expected.txt")).as("expectations of %s", folder).isRegularFile();
        }
    }
}
