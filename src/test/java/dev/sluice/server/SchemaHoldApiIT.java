package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run held by the schema contract ({@code schema_changes: hold}) through the server, over real
 * HTTP: the run record says {@code held} with the diff, and {@code ?accept_held=true} publishes it
 * once as the next schema version, as it does for guards.
 */
class SchemaHoldApiIT {
    @TempDir
    Path dir;

    private static String workspace(String scoreColumn) {
        return ServerFixture.WORKSPACE
                .replace("sql: SELECT id, email, country, score FROM customers", "sql: SELECT id, email, country, " + scoreColumn + " FROM customers")
                .replace("    folder: hand\n", "    folder: hand\n    file_name: \"hand-{run}\"\n    manifest: true\n    schema_changes: hold\n");
    }

    @Test
    void aRunHeldForItsSchemaIsPublishedOnceAccepted() throws Exception {
        try (ServerFixture fx = new ServerFixture(dir)) {
            fx.write(workspace("score"));
            fx.start(false, null);
            JsonNode first = fx.awaitRun(fx.post("/api/activations/by_hand/runs", "").json().path("id").asText());
            assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("succeeded");
            assertThat(first.path("schema").path("version").asInt()).isEqualTo(1);

            fx.write(workspace("CAST(score AS INTEGER) AS score"));
            JsonNode held = fx.awaitRun(fx.post("/api/activations/by_hand/runs", "").json().path("id").asText());
            assertThat(held.path("status").asText()).as(held.toString()).isEqualTo("held");
            assertThat(held.path("error").asText()).contains("column score: floating → integer").contains("--accept-held");
            assertThat(held.path("files")).isEmpty();

            JsonNode accepted = fx.awaitRun(fx.post("/api/activations/by_hand/runs?accept_held=true", "").json().path("id").asText());
            assertThat(accepted.path("status").asText()).as(accepted.toString()).isEqualTo("succeeded");
            assertThat(accepted.path("schema").path("version").asInt()).isEqualTo(2);
            assertThat(accepted.path("warnings").toString()).contains("schema version 2 (was 1): column score: floating → integer");
        }
    }
}
