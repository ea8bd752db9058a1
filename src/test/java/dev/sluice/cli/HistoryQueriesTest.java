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
            destinations:
              out: {type: local, path: out}
            activations:
              daily: {model: people, destination: out, format: csv}
              guarded: {model: people, destination: out, format: csv, file_name: guarded, guards: {min_rows: 100}}
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
}
