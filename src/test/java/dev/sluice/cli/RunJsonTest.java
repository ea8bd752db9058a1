package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice run --json} prints one JSON object, the run record, whether the run succeeded or failed. */
class RunJsonTest {
    @TempDir
    Path dir;

    private CliRun run(String sql) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                models:
                  people: {sql: "%s", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  people_csv: {model: people, destination: out, format: csv}
                """.formatted(sql));
        return CliRun.of("run", "people_csv", "--json", "-c", file.toString(), "--state-dir", dir.resolve("state").toString());
    }

    @Test
    void aSucceededRunPrintsItsRecord() throws Exception {
        CliRun run = run("SELECT * FROM (VALUES (1, 'Ann'), (2, 'Bob')) t(id, name)");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode record = new ObjectMapper().readTree(run.out());
        assertThat(record.get("status").asText()).isEqualTo("succeeded");
        assertThat(record.get("kind").asText()).isEqualTo("full");
        assertThat(record.get("counts").get("read").asInt()).isEqualTo(2);
        assertThat(record.get("files").get(0).get("object").asText()).isEqualTo("people_csv.csv");
        assertThat(record.get("error").isNull()).isTrue();
    }

    @Test
    void aFailedRunPrintsItsRecordAndTheErrorLine() throws Exception {
        CliRun run = run("SELECT * FROM (VALUES (1, 'Ann'), (1, 'Bob')) t(id, name)");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out().lines().count()).isEqualTo(1);
        JsonNode record = new ObjectMapper().readTree(run.out());
        assertThat(record.get("status").asText()).isEqualTo("failed");
        assertThat(record.get("error").asText()).contains("1");
        assertThat(record.get("files")).isEmpty();
        assertThat(run.err()).contains("error: run " + record.get("id").asText() + " failed: ");
    }
}
