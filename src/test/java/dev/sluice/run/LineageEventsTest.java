package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.history.Counts;
import dev.sluice.history.ExportedSchema;
import dev.sluice.history.FileRecord;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenLineage events of each way a run ends, checked against the official JSON Schemas (the
 * event and each facet) and for what they say: START then COMPLETE / FAIL (held: with the reason) /
 * ABORT (skipped), the model as input, the folder as output with its schema and statistics.
 */
class LineageEventsTest {
    @TempDir
    Path dir;

    private Workspace workspace(String lineage) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.write(dir.resolve("warehouse.duckdb"), new byte[0], java.nio.file.StandardOpenOption.CREATE);
        Files.writeString(file, """
                sources:
                  warehouse: {type: duckdb, path: warehouse.duckdb}
                  pg: {type: postgres, host: db.internal, port: 5433, database: shop, user: sluice}
                models:
                  customers: {source: warehouse, sql: SELECT 1 AS id, primary_key: [id]}
                  orders: {source: pg, sql: SELECT 1 AS id, primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                  bucket: {type: gcs, bucket: acme-activation}
                activations:
                  to_folder: {model: customers, destination: out, folder: crm/daily}
                  to_bucket: {model: orders, destination: bucket}
                """ + lineage);
        return new WorkspaceLoader(Map.of("OL_KEY", "ol-api-key-never-shown")::get).load(file);
    }

    private static RunRecord record(String activation, RunStatus status, String error) {
        Instant start = Instant.parse("2026-12-08T01:00:00Z");
        ExportedSchema schema = new ExportedSchema(1, List.of(new ExportedSchema.Field("id", "INTEGER", false),
                new ExportedSchema.Field("email", "VARCHAR", true)), List.of("id"), null);
        List<FileRecord> files = status == RunStatus.SUCCEEDED
                ? List.of(new FileRecord("crm/daily/to_folder.csv", "snapshot", 3, 120, "AAAAAA=="),
                        new FileRecord("crm/daily/to_folder.manifest.json", "manifest", 0, 80, "BBBBBB=="))
                : List.of();
        return new RunRecord("20261208T010000Z-0001", activation, "manual", status, "full", null, start, start.plusSeconds(7),
                new Counts(3, 3, 0, 0, 0, 0, 3), files, List.of(), error, Map.of(), List.of(), false, null,
                status == RunStatus.SKIPPED ? null : schema, null);
    }

    private static List<JsonNode> events(Workspace workspace, RunRecord record) {
        List<Outgoing> outgoing = LineageEvents.of(workspace, record);
        assertThat(outgoing).hasSize(2);
        List<JsonNode> events = outgoing.stream().map(o -> (JsonNode) o.notice().document()).toList();
        for (JsonNode event : events) {
            assertThat(OpenLineageSchema.problems(event)).as(event.toPrettyString()).isEmpty();
        }
        assertThat(events.get(0).path("eventType").asText()).isEqualTo("START");
        assertThat(events.get(0).path("eventTime").asText()).startsWith("2026-12-08T01:00");
        assertThat(events.get(1).path("run").path("runId").asText()).isEqualTo(events.get(0).path("run").path("runId").asText());
        return events;
    }

    @Test
    void aSucceededRunCompletesWithItsInputOutputSchemaAndStatistics() throws Exception {
        Workspace ws = workspace("lineage: {url: \"http://marquez:5000\", namespace: shop, api_key: \"${OL_KEY}\"}\n");
        List<JsonNode> events = events(ws, record("to_folder", RunStatus.SUCCEEDED, null));
        JsonNode end = events.get(1);
        assertThat(end.path("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(end.path("job").path("namespace").asText()).isEqualTo("shop");
        assertThat(end.path("job").path("name").asText()).isEqualTo("to_folder");
        JsonNode input = end.path("inputs").get(0);
        assertThat(input.path("namespace").asText()).isEqualTo("duckdb://" + dir.resolve("warehouse.duckdb").toAbsolutePath().normalize());
        assertThat(input.path("name").asText()).isEqualTo("customers");
        JsonNode output = end.path("outputs").get(0);
        assertThat(output.path("namespace").asText()).isEqualTo("file://" + dir.resolve("out").toAbsolutePath().normalize());
        assertThat(output.path("name").asText()).isEqualTo("crm/daily");
        assertThat(output.path("facets").path("schema").path("fields").toString())
                .isEqualTo("[{\"name\":\"id\",\"type\":\"INTEGER\"},{\"name\":\"email\",\"type\":\"VARCHAR\"}]");
        JsonNode statistics = output.path("outputFacets").path("outputStatistics");
        assertThat(statistics.path("rowCount").asLong()).isEqualTo(3);
        assertThat(statistics.path("size").asLong()).isEqualTo(200);
        assertThat(statistics.path("fileCount").asLong()).isEqualTo(2);
        assertThat(events.get(0).path("outputs").get(0).has("outputFacets")).as("nothing is published at the start").isFalse();
        assertThat(events.toString()).doesNotContain("ol-api-key-never-shown");
        // The validator does check: an event without its producer, a row count that is not a number, are refused.
        com.fasterxml.jackson.databind.node.ObjectNode broken = end.deepCopy();
        broken.remove("producer");
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("outputs").get(0).path("outputFacets").path("outputStatistics"))
                .put("rowCount", "three");
        assertThat(OpenLineageSchema.problems(broken)).anyMatch(p -> p.startsWith("event:") && p.contains("producer"))
                .anyMatch(p -> p.startsWith("outputs facet outputStatistics:"));
    }

    @Test
    void failedHeldAndSkippedRunsFailOrAbortWithTheReason() throws Exception {
        Workspace ws = workspace("lineage: {url: \"http://marquez:5000\"}\n");
        JsonNode failed = events(ws, record("to_bucket", RunStatus.FAILED, "cannot connect to PostgreSQL")).get(1);
        assertThat(failed.path("eventType").asText()).isEqualTo("FAIL");
        assertThat(failed.path("run").path("facets").path("errorMessage").path("message").asText()).isEqualTo("cannot connect to PostgreSQL");
        assertThat(failed.path("job").path("namespace").asText()).as("the default namespace").isEqualTo("sluice");
        assertThat(failed.path("inputs").get(0).path("namespace").asText()).isEqualTo("postgres://db.internal:5433");
        assertThat(failed.path("outputs").get(0).path("namespace").asText()).isEqualTo("gs://acme-activation");
        assertThat(failed.path("outputs").get(0).path("name").asText()).as("the bucket root").isEqualTo("/");

        JsonNode held = events(ws, record("to_folder", RunStatus.HELD, "guard max_removed: 40% > 10%")).get(1);
        assertThat(held.path("eventType").asText()).isEqualTo("FAIL");
        assertThat(held.path("run").path("facets").path("errorMessage").path("message").asText())
                .isEqualTo("held: guard max_removed: 40% > 10%");

        JsonNode skipped = events(ws, record("to_folder", RunStatus.SKIPPED, "skipped: run X still going")).get(1);
        assertThat(skipped.path("eventType").asText()).isEqualTo("ABORT");
        assertThat(skipped.path("run").path("facets").path("errorMessage").path("message").asText()).contains("still going");
    }

    @Test
    void withoutLineageThereAreNoEvents() throws Exception {
        assertThat(LineageEvents.of(workspace(""), record("to_folder", RunStatus.SUCCEEDED, null))).isEmpty();
    }
}
