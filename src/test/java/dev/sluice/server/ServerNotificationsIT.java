package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.notify.HookServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs started by the server send their notifications, link to the run under --public-url, and the API shows the deliveries. */
class ServerNotificationsIT {
    private static final String HOOK_SECRET = "server-hook-secret-51d04b8a7f3a";

    @TempDir
    Path dir;

    @Test
    void runNowNotifiesAndTheApiShowsTheDelivery() throws Exception {
        try (HookServer hooks = new HookServer(); ServerFixture fixture = new ServerFixture(dir)) {
            fixture.write(ServerFixture.WORKSPACE + """
                    notifications:
                      ops:
                        type: webhook
                        url: %s
                        secret: %s
                        events: [succeeded]
                    """.formatted(hooks.url("/ops"), HOOK_SECRET));
            fixture.startWithPublicUrl("https://sluice.example.com");

            ServerFixture.Response started = fixture.post("/api/activations/by_hand/runs", "{}");
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String id = started.json().path("id").asText();
            assertThat(fixture.awaitRun(id).path("status").asText()).isEqualTo("succeeded");

            // Notifications go out once the run is recorded: wait for the delivery to be recorded too.
            JsonNode run = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                run = fixture.get("/api/runs/" + id).json();
                if (run.path("notifications").size() > 0) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(run.path("notifications")).hasSize(1);
            assertThat(run.path("notifications").get(0).path("status").asText()).isEqualTo("delivered");
            assertThat(run.path("notifications").get(0).path("event").asText()).isEqualTo("succeeded");
            JsonNode listed = fixture.get("/api/runs?activation=by_hand").json().path("runs").get(0);
            assertThat(listed.path("notifications")).isEqualTo(run.path("notifications"));

            JsonNode body = ServerFixture.JSON.readTree(hooks.received("/ops").get(0).body());
            assertThat(body.path("run").path("trigger").asText()).isEqualTo("manual");
            assertThat(body.path("url").asText()).isEqualTo("https://sluice.example.com/#/run/" + id);
            assertThat(String.join("\n", fixture.log)).contains("notification ops (webhook, succeeded) delivered")
                    .doesNotContain(HOOK_SECRET);
            assertThat(fixture.get("/metrics").body()).contains("sluice_notification_failures_total 0.0");

            // A receiver that refuses: the run still succeeds, and /metrics counts the undelivered notification.
            hooks.answer(403);
            String second = fixture.post("/api/activations/by_hand/runs", "{}").json().path("id").asText();
            assertThat(fixture.awaitRun(second).path("status").asText()).isEqualTo("succeeded");
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until && !fixture.get("/metrics").body().contains("sluice_notification_failures_total 1.0")) {
                Thread.sleep(100);
            }
            assertThat(fixture.get("/metrics").body()).contains("sluice_notification_failures_total 1.0");
        }
    }
}
