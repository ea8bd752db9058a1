package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice list}, and {@code --json} on {@code validate}, {@code preview} and {@code list}. */
class JsonOutputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKSPACE = """
            models:
              people:
                sql: |
                  SELECT * FROM (VALUES (1, 'Ann', 2.5, true, TIMESTAMPTZ '2025-04-14 10:00:00+02'),
                                        (2, NULL, NULL, false, NULL)) t(id, name, score, active, seen)
                primary_key: id
            segments:
              named:
                model: people
                filter: {attribute: name, op: is_not_null}
            destinations:
              out: {type: local, path: out}
            activations:
              daily: {model: people, destination: out, format: csv, schedule: {every: 1h}}
              by_hand: {segment: named, destination: out, format: json, file_name: named, sync_mode: upsert, run_type: full_then_delta}
            """;

    @TempDir
    Path dir;

    private String workspace(String yaml) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, yaml);
        return file.toString();
    }

    @Test
    void listShowsEachActivationWithItsLastAndNextRun() throws Exception {
        String config = workspace(WORKSPACE);
        assertThat(CliRun.of("run", "daily", "-c", config).exitCode()).isZero();
        CliRun text = CliRun.of("list", "-c", config);
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("daily").contains("succeeded").contains("by_hand").contains("never").contains("manual only")
                .contains("full_then_delta × upsert");
        // Columns line up whatever the width of the mode: "last run" starts at the same place on every line.
        String[] lines = text.out().strip().split("\n");
        int column = lines[0].indexOf("last run");
        assertThat(lines).allSatisfy(line -> assertThat(line.charAt(column - 1)).isEqualTo(' '));
        assertThat(lines[1].substring(column)).startsWith("succeeded");

        Instant before = Instant.now();
        JsonNode list = JSON.readTree(CliRun.of("list", "--json", "-c", config).out());
        assertThat(list).extracting(a -> a.path("name").asText()).containsExactly("daily", "by_hand");
        JsonNode daily = list.get(0);
        assertThat(daily.path("model").asText()).isEqualTo("people");
        assertThat(daily.path("last_run").path("status").asText()).isEqualTo("succeeded");
        assertThat(daily.path("schedule").asText()).isEqualTo("every 1h");
        assertThat(Instant.parse(daily.path("next_run").asText())).isAfter(before.plusSeconds(3500));
        JsonNode byHand = list.get(1);
        assertThat(byHand.path("segment").asText()).isEqualTo("named");
        assertThat(byHand.path("last_run").isNull()).isTrue();
        assertThat(byHand.path("next_run").isNull()).isTrue();
    }

    @Test
    void validateJsonSaysValidOrListsEveryProblemWithItsKeyPath() throws Exception {
        String config = workspace(WORKSPACE);
        CliRun ok = CliRun.of("validate", "--json", "-c", config);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        JsonNode valid = JSON.readTree(ok.out());
        assertThat(valid.path("valid").asBoolean()).isTrue();
        assertThat(valid.path("counts").path("activations").asInt()).isEqualTo(2);
        assertThat(valid.path("problems")).isEmpty();

        config = workspace(WORKSPACE.replace("format: csv,", "format: {type: csv, delimiter: ';;'},")
                .replace("op: is_not_null", "op: is_nul"));
        CliRun bad = CliRun.of("validate", "--json", "-c", config);
        assertThat(bad.exitCode()).isEqualTo(2);
        JsonNode invalid = JSON.readTree(bad.out());
        assertThat(invalid.path("valid").asBoolean()).isFalse();
        assertThat(invalid.path("problems")).extracting(p -> p.path("path").asText())
                .contains("activations.daily.format.delimiter", "segments.named.filter.op");
        assertThat(invalid.path("problems").get(0).path("message").asText()).isNotBlank();
    }

    @Test
    void previewJsonKeepsNumbersBooleansAndNulls() throws Exception {
        String config = workspace(WORKSPACE);
        CliRun run = CliRun.of("preview", "people", "--json", "-c", config);
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode preview = JSON.readTree(run.out());
        assertThat(preview.path("kind").asText()).isEqualTo("model");
        assertThat(preview.path("count").asLong()).isEqualTo(2);
        assertThat(preview.path("columns")).extracting(JsonNode::asText).containsExactly("id", "name", "score", "active", "seen");
        JsonNode first = preview.path("rows").get(0);
        assertThat(first.get(0).isIntegralNumber()).isTrue();
        assertThat(first.get(2).decimalValue()).isEqualByComparingTo("2.5");
        assertThat(first.get(3).isBoolean()).isTrue();
        assertThat(first.get(4).asText()).isEqualTo("2025-04-14T08:00:00Z");
        assertThat(preview.path("rows").get(1).get(1).isNull()).isTrue();
        JsonNode segment = JSON.readTree(CliRun.of("preview", "named", "--json", "--limit", "5", "-c", config).out());
        assertThat(segment.path("kind").asText()).isEqualTo("segment");
        assertThat(segment.path("rows")).hasSize(1);
    }
}
