package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.notify.HookServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pause_after_failures} (issue 29 item 4) on a real server whose scheduler the test steps:
 * after N failed scheduled runs in a row the activation is paused (status in the API, a message
 * saying why and how to resume), the scheduler skips it; {@code sluice resume} resumes it, and a
 * run by hand that succeeds lifts the pause it made.
 */
class FailurePauseIT {
    @TempDir
    Path dir;
    ServerFixture fx;
    HookServer hooks;
    final PauseIT.TestClock clock = new PauseIT.TestClock();

    @BeforeEach
    void start() throws Exception {
        hooks = new HookServer();
        fx = new ServerFixture(dir);
        fx.sql("CREATE TABLE flaky AS SELECT id, email FROM customers");
        fx.write(ChainIT.workspace("""
                  f:
                    model: flaky
                    destination: out
                    folder: f
                    schedule: {every: 1m}
                    pause_after_failures: 2
                    notify: [ops]
                """).replace("activations:\n  by_hand:", "notifications:\n  ops: {type: webhook, url: \"" + hooks.url("/ops")
                + "\", timeout: 3s}\nactivations:\n  by_hand:"));
    }

    @AfterEach
    void stop() {
        fx.close();
        hooks.close();
    }

    private String cli(String... args) {
        StringWriter out = new StringWriter();
        picocli.CommandLine cmd = dev.sluice.cli.Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("-c", fx.yaml.toString()))
                .toArray(String[]::new);
        cmd.execute(all);
        return out.toString();
    }

    /** A minute later, one scheduler step; the status of the run it started, or null when it started none. */
    private String nextScheduled() throws InterruptedException {
        clock.advance(Duration.ofMinutes(1));
        fx.server.tick();
        var active = fx.server.dispatcher().activeRun("f");
        if (active.isEmpty()) {
            return null;
        }
        JsonNode run = fx.awaitRun(active.get().id());
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (fx.server.dispatcher().activeRun("f").isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return run.path("status").asText();
    }

    /** The events the webhook received, once there are {@code count} (the server sends them after the run). */
    private List<JsonNode> messages(int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (hooks.received("/ops").size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<JsonNode> bodies = new java.util.ArrayList<>();
        for (HookServer.Received r : hooks.received("/ops")) {
            bodies.add(ServerFixture.JSON.readTree(r.body()));
        }
        return bodies;
    }

    @Test
    void pausedAfterTwoFailedRunsInARowThenResumedByTheCliAndByASuccessfulRunByHand() throws Exception {
        fx.sql("DROP TABLE flaky");
        fx.start(clock);
        assertThat(nextScheduled()).isEqualTo("failed");
        assertThat(fx.get("/api/activations/f").json().path("paused").asBoolean()).as("one failure does not pause").isFalse();
        assertThat(nextScheduled()).isEqualTo("failed");
        JsonNode f = fx.get("/api/activations/f").json();
        assertThat(f.path("paused").asBoolean()).isTrue();
        assertThat(f.path("paused_by").asText()).isEqualTo("sluice after 2 failed runs in a row");
        assertThat(f.path("next_run").isNull()).isTrue();
        List<JsonNode> messages = messages(2);
        assertThat(messages).extracting(m -> m.path("event").asText()).containsExactly("failed", "paused");
        assertThat(messages.get(1).path("failed_in_a_row").asInt()).isEqualTo(2);
        assertThat(messages.get(1).path("reason").asText()).contains("paused after 2 failed runs in a row (pause_after_failures: 2)")
                .contains("sluice resume f").contains("a run started by hand that succeeds resumes it too");
        assertThat(fx.log).anyMatch(l -> l.startsWith("f: paused after 2 failed runs in a row"));

        assertThat(nextScheduled()).as("the scheduler skips it").isNull();
        assertThat(fx.get("/metrics").body()).contains("sluice_activation_paused{activation=\"f\"} 1.0");
        assertThat(fx.get("/api/runs?activation=f").json().path("total").asLong()).isEqualTo(2);
        assertThat(cli("list")).containsPattern("(?m)^f .* paused$");

        assertThat(cli("resume", "f")).contains("resumed f");
        assertThat(nextScheduled()).isEqualTo("failed");
        assertThat(fx.get("/api/activations/f").json().path("paused").asBoolean()).as("resumed: two more tries").isFalse();
        assertThat(nextScheduled()).isEqualTo("failed");
        assertThat(fx.get("/api/activations/f").json().path("paused_by").asText()).isEqualTo("sluice after 4 failed runs in a row");
        assertThat(messages(3)).extracting(m -> m.path("event").asText()).containsExactly("failed", "paused", "paused");

        fx.sql("CREATE TABLE flaky AS SELECT id, email FROM customers");
        clock.advance(Duration.ofSeconds(1));
        JsonNode byHand = fx.awaitRun(fx.startRun("/api/activations/f/runs"));
        assertThat(byHand.path("status").asText()).isEqualTo("succeeded");
        assertThat(byHand.path("warnings").toString()).contains("activation is paused");
        List<JsonNode> recovered = messages(4);
        assertThat(recovered.get(3).path("event").asText()).isEqualTo("recovered");
        assertThat(recovered.get(3).path("failed_before").asInt()).isEqualTo(4);
        assertThat(fx.get("/api/activations/f").json().path("paused").asBoolean()).as("the success lifted the pause").isFalse();
        assertThat(nextScheduled()).as("back on its schedule").isEqualTo("succeeded");
    }

    @Test
    void aSuccessfulRunNeverLiftsAPauseAPersonMade() throws Exception {
        fx.start(clock);
        assertThat(cli("pause", "f")).contains("paused f");
        assertThat(fx.awaitRun(fx.startRun("/api/activations/f/runs")).path("status").asText()).isEqualTo("succeeded");
        assertThat(fx.get("/api/activations/f").json().path("paused").asBoolean()).isTrue();
    }
}
