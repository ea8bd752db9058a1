package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.run.Runner;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live progress line of {@code sluice run} on a terminal, as a function of the run's state (issue 16). */
class RunProgressTest {
    @TempDir
    Path dir;

    @Test
    void theLineFollowsTheRealRunnersStepsWithRowsReadWrittenAndBytes() throws Exception {
        Files.writeString(dir.resolve("sluice.yaml"), """
                models:
                  people:
                    sql: SELECT range AS id, 'name ' || range AS name FROM range(1500)
                    primary_key: id
                destinations:
                  out: {type: local, path: out}
                activations:
                  people_daily: {model: people, destination: out, format: csv}
                """);
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(dir.resolve("sluice.yaml"));
        List<String> lines = new ArrayList<>();
        new Runner(workspace, dir.resolve(".sluice"), Clock.systemUTC(), lines::add, null)
                .run(new Runner.Request("people_daily", false, false, "manual"));

        List<RunProgress.State> states = new ArrayList<>(List.of(RunProgress.State.START));
        for (String line : lines) {
            RunProgress.State next = states.get(states.size() - 1).after(line);
            if (next != null) {
                states.add(next);
            }
        }
        assertThat(states).extracting(RunProgress.State::stage).containsSubsequence("reading", "comparing", "writing", "uploading");
        RunProgress.State last = states.get(states.size() - 1);
        long bytes;
        try (var files = Files.walk(dir.resolve("out"))) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(last).isEqualTo(new RunProgress.State("uploading", 1500, 1500, bytes));
        assertThat(RunProgress.render("people_daily", last, Duration.ofSeconds(75), 100))
                .startsWith("  01:15 uploading read       1,500  written       1,500  upload ")
                .contains(RunProgress.bytes(bytes) + "  people_daily");
    }

    @Test
    void theLineKeepsOneWidthWhateverTheFiguresAndNeverFillsTheLastColumn() {
        List<RunProgress.State> states = List.of(RunProgress.State.START, new RunProgress.State("reading", -1, -1, -1),
                new RunProgress.State("comparing", 12_345_678, -1, -1), new RunProgress.State("writing", 12_345_678, 7, -1),
                new RunProgress.State("uploading", 99_999_999_999L, 99_999_999_999L, 123_456_789_012L));
        for (int width : new int[] {60, 80, 120}) {
            for (RunProgress.State state : states) {
                for (Duration elapsed : List.of(Duration.ZERO, Duration.ofSeconds(3599), Duration.ofHours(12))) {
                    String line = RunProgress.render("a_rather_long_activation_name_for_a_terminal", state, elapsed, width);
                    assertThat(line).as("%s at %d", state, width).hasSize(width - 1);
                }
            }
        }
        // At 80 columns the figures keep their place; a long name gives way.
        String line = RunProgress.render("a_rather_long_activation_name_for_a_terminal", states.get(3), Duration.ofSeconds(5), 80);
        assertThat(line).isEqualTo("  00:05 writing   read  12,345,678  written           7  upload        -  a_ra…");
        assertThat(RunProgress.bytes(999)).isEqualTo("999 B");
        assertThat(RunProgress.bytes(1_250_000)).isEqualTo("1.3 MB");
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndClearedAtTheEnd() {
        StringWriter out = new StringWriter();
        try (RunProgress progress = new RunProgress("vip", new PrintWriter(out, true), true)) {
            progress.accept("reading vip_fr");
            progress.accept("read 1,000 rows");
            progress.accept("this is a full run: first run: no previous successful run");
            progress.accept("publishing 1 file (1,000 rows, 2,048 bytes) to out");
        }
        String shown = out.toString();
        // Every draw starts with a carriage return; the full run's reason is a line of its own; the end clears.
        assertThat(shown).contains("\r  00:00 reading", "read       1,000", "upload   2.0 kB  vip");
        assertThat(shown).contains("this is a full run: first run: no previous successful run\n");
        assertThat(shown).endsWith("\r" + " ".repeat(79) + "\r");
        StringWriter plain = new StringWriter();
        try (RunProgress progress = new RunProgress("vip", new PrintWriter(plain, true), false)) {
            progress.accept("read 1,000 rows");
        }
        assertThat(plain.toString()).matches("\\[vip +\\d+\\.\\ds\\] read 1,000 rows\\n");
    }
}
