package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notification aimed at the server that sends it (whose API starts runs, with {@code accept_held}
 * lifting the guards) is refused: when the workspace is read, for the server's literal address, and
 * at delivery, for a name that resolves to it. Either way no other run starts.
 */
class ServerSelfTargetIT {
    private static final String OTHER = """
              other:
                model: customers
                destination: out
                folder: other
                notify: []
            """;

    @TempDir
    Path dir;

    private static String loop(String url) {
        return """
                notifications:
                  loop:
                    type: webhook
                    url: %s
                    events: [succeeded]
                    timeout: 5s
                """.formatted(url);
    }

    @Test
    void aNotificationAimedAtTheServerItselfStartsNothing() throws Exception {
        try (ServerFixture fixture = new ServerFixture(dir)) {
            fixture.start(false, null);
            int port = fixture.server.port();
            String api = ":" + port + "/api/activations/other/runs?accept_held=true";

            // The server's own address, written as such: the workspace is invalid, nothing runs.
            fixture.write(ServerFixture.WORKSPACE + OTHER + loop("http://127.0.0.1" + api));
            ServerFixture.Response refused = fixture.post("/api/activations/by_hand/runs", "{}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("notifications.loop.url", "127.0.0.1:" + port + " is where this Sluice server listens");
            assertThat(fixture.get("/api/runs").json().path("runs")).isEmpty();

            // A name that resolves to it: valid as written, refused once looked up; the run itself succeeds.
            fixture.write(ServerFixture.WORKSPACE + OTHER + loop("http://localhost" + api));
            ServerFixture.Response started = fixture.post("/api/activations/by_hand/runs", "{}");
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String id = started.json().path("id").asText();
            assertThat(fixture.awaitRun(id).path("status").asText()).isEqualTo("succeeded");
            JsonNode run = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                run = fixture.get("/api/runs/" + id).json();
                if (run.path("notifications").size() > 0) {
                    break;
                }
                Thread.sleep(100);
            }
            JsonNode delivery = run.path("notifications").get(0);
            assertThat(delivery.path("status").asText()).isEqualTo("failed");
            assertThat(delivery.path("attempts").asInt()).isEqualTo(1);
            assertThat(delivery.path("error").asText()).contains("POST to localhost refused", ":" + port + " is where this Sluice server listens");
            assertThat(fixture.get("/api/runs?activation=other").json().path("runs")).as("the webhook started no run").isEmpty();
            assertThat(fixture.get("/api/runs").json().path("runs")).hasSize(1);
        }
    }
}
