package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice runs --status --since}, and the exit code that tells a held run from a failed one. */
class HistoryQueriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKSPACE = """
            models:
              people:
                sql: SELECT * FROM (VALUES (1, 'Ann'), (2, 'Bob')) t(id, name)
                primary_key: id
              gone:
                sql: SELECT * FROM no_such_table
                primary_key: id
            destinations:
              out: {type: local, path: out}
            activations:
              daily: {model: people, destination: out, format: csv}
              guarded: {model: people, destination: out, format: csv, file_name: guarded, guards: {min_rows: 100}}
              broken: {model: gone, destination: out, format: csv, file_name: broken}
            """;

    @TempDir
    Path dir;
    private String config;

    @BeforeEach
    void workspace() throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, WORKSPACE);
        config = file.toString();
    }

    @Test
    void aHeldRunExitsThreeAndTheHistoryFiltersByStatusAndTime() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        assertThat(CliRun.of("run", "daily", "-c", config).exitCode()).isZero();
        CliRun held = CliRun.of("run", "guarded", "-c", config);
        assertThat(held.exitCode()).as("a held run needs a person, not a fix: " + held.err()).isEqualTo(3);
        assertThat(held.err()).contains("held by a guard: min_rows 100");

        JsonNode heldRuns = JSON.readTree(CliRun.of("runs", "--status", "held", "--json", "-c", config).out());
        assertThat(heldRuns).hasSize(1);
        assertThat(heldRuns.get(0).path("activation").asText()).isEqualTo("guarded");
        JsonNode succeeded = JSON.readTree(CliRun.of("runs", "--status", "SUCCEEDED", "--json", "-c", config).out());
        assertThat(succeeded).extracting(r -> r.path("activation").asText()).containsExactly("daily");

        assertThat(JSON.readTree(CliRun.of("runs", "--since", "1h", "--json", "-c", config).out())).hasSize(2);
        assertThat(JSON.readTree(CliRun.of("runs", "--since", before.toString(), "--json", "-c", config).out())).hasSize(2);
        assertThat(JSON.readTree(CliRun.of("runs", "--since", "2999-01-01", "--json", "-c", config).out())).isEmpty();
        assertThat(CliRun.of("runs", "--since", "2999-01-01", "-c", config).out()).contains("no runs match");
        assertThat(JSON.readTree(CliRun.of("runs", "guarded", "--status", "succeeded", "--json", "-c", config).out())).isEmpty();

        CliRun badStatus = CliRun.of("runs", "--status", "ok", "-c", config);
        assertThat(badStatus.exitCode()).isEqualTo(2);
        assertThat(badStatus.err()).contains("--status: must be one of running, succeeded, failed, skipped, held, got 'ok'");
        CliRun badSince = CliRun.of("runs", "--since", "yesterday", "-c", config);
        assertThat(badSince.exitCode()).isEqualTo(2);
        assertThat(badSince.err()).contains("--since: must be a time").contains("got 'yesterday'");
    }

    /** {@code sluice run A B …} and {@code --all}: one after another in one process; the exit code is the worst. */
    @Test
    void severalActivationsRunOneAfterAnotherAndTheExitCodeIsTheWorst() throws Exception {
        CliRun some = CliRun.of("run", "daily", "guarded", "-c", config);
        assertThat(some.exitCode()).as("a held run is worse than a success: " + some.err()).isEqualTo(3);
        assertThat(some.out()).contains("of daily succeeded");
        assertThat(some.err()).contains("of guarded held by a guard");

        CliRun everything = CliRun.of("run", "--all", "-c", config);
        assertThat(everything.exitCode()).as("a failure is worse than a held run: " + everything.err()).isEqualTo(1);
        assertThat(everything.out()).contains("of daily succeeded");
        assertThat(everything.err()).contains("of guarded held by a guard").contains("error: ").contains("no_such_table")
                .doesNotContain("\tat ");
        // the failing activation did not stop the others: each has its run in the history, in workspace order
        JsonNode runs = JSON.readTree(CliRun.of("runs", "--json", "-c", config).out());
        assertThat(runs).extracting(r -> r.path("activation").asText()).containsExactly("broken", "guarded", "daily", "guarded", "daily");

        CliRun unknown = CliRun.of("run", "daily", "dialy", "-c", config);
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no activation named 'dialy'");
        assertThat(JSON.readTree(CliRun.of("runs", "--json", "-c", config).out())).as("nothing ran").hasSize(5);

        CliRun both = CliRun.of("run", "--all", "daily", "-c", config);
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give activations or --all, not both").contains("see 'sluice run --help'");
    }
}
