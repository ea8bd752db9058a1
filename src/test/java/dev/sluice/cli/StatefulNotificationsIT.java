package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.notify.HookServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stateful notifications (issue 29 item 4) through the command line: one message when an
 * activation starts failing, none while it keeps failing, one when it recovers (with the count);
 * PagerDuty's Events API v2 (trigger, then resolve, one dedup key per activation) as a real HTTP
 * server on the loopback sees it; the routing key never printed or recorded.
 */
class StatefulNotificationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTING_KEY = "R0ut1ngKeyOfTheService00000042ab";

    @TempDir
    Path dir;
    private HookServer hooks;
    private Path workspace;

    @BeforeEach
    void start() throws Exception {
        hooks = new HookServer();
        Files.writeString(dir.resolve("people.csv"), "id,name\n1,Ann\n2,Bob\n");
        workspace = dir.resolve("sluice.yaml");
        Files.writeString(workspace, """
                models:
                  people:
                    sql: SELECT * FROM read_csv('people.csv')
                    primary_key: [id]
                destinations:
                  out: {type: local, path: out}
                notifications:
                  ops:
                    type: webhook
                    url: %s
                    timeout: 3s
                  oncall:
                    type: pagerduty
                    routing_key: %s
                    url: %s
                    timeout: 3s
                activations:
                  people_daily:
                    model: people
                    destination: out
                    sync_mode: upsert
                    file_name: "{activation}-{run}"
                """.formatted(hooks.url("/ops"), ROUTING_KEY, hooks.url("/v2/enqueue")));
    }

    @AfterEach
    void stop() {
        hooks.close();
    }

    private CliRun cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "-c";
        all[args.length + 1] = workspace.toString();
        CliRun run = CliRun.of(all);
        assertThat(run.out() + run.err()).doesNotContain(ROUTING_KEY);
        return run;
    }

    private List<JsonNode> bodies(String path) throws Exception {
        List<JsonNode> bodies = new java.util.ArrayList<>();
        for (HookServer.Received r : hooks.received(path)) {
            bodies.add(JSON.readTree(r.body()));
        }
        return bodies;
    }

    @Test
    void oneMessageWhenItStartsFailingNoneWhileItKeepsFailingOneWhenItRecovers() throws Exception {
        assertThat(cli("run", "people_daily").exitCode()).isZero();
        assertThat(hooks.received()).as("a first success is no recovery").isEmpty();

        Files.delete(dir.resolve("people.csv"));
        List<String> failed = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CliRun run = cli("run", "people_daily", "--json");
            assertThat(run.exitCode()).isEqualTo(1);
            failed.add(JSON.readTree(run.out()).path("id").asText());
        }
        assertThat(bodies("/ops")).as("the first failure only").hasSize(1);
        assertThat(bodies("/ops").get(0).path("event").asText()).isEqualTo("failed");
        assertThat(bodies("/ops").get(0).path("run").path("id").asText()).isEqualTo(failed.get(0));
        JsonNode trigger = bodies("/v2/enqueue").get(0);
        assertThat(bodies("/v2/enqueue")).hasSize(1);
        assertThat(trigger.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.path("dedup_key").asText()).isEqualTo("sluice/people_daily");
        assertThat(trigger.path("payload").path("severity").asText()).isEqualTo("error");
        assertThat(trigger.path("payload").path("source").asText()).isEqualTo("sluice");
        assertThat(trigger.path("payload").path("summary").asText()).isEqualTo("people_daily: run " + failed.get(0) + " failed");
        assertThat(trigger.path("payload").path("custom_details").path("summary").asText()).contains("people.csv");
        assertThat(hooks.received("/v2/enqueue").get(0).headers().get("content-type")).isEqualTo("application/json");

        JsonNode history = JSON.readTree(cli("runs", "--json").out());
        assertThat(history.toString()).doesNotContain(ROUTING_KEY);
        assertThat(history.get(0).path("id").asText()).isEqualTo(failed.get(2));
        assertThat(history.get(0).path("notifications").size()).as("a failure that goes on is counted, not sent").isZero();
        assertThat(history.get(2).path("notifications").findValuesAsText("event")).containsExactly("failed", "failed");

        Files.writeString(dir.resolve("people.csv"), "id,name\n1,Ann\n2,Bob\n3,Cy\n");
        CliRun recovered = cli("run", "people_daily");
        assertThat(recovered.exitCode()).as(recovered.err()).isZero();
        assertThat(recovered.out()).contains("notification ops (webhook, recovered): delivered")
                .contains("notification oncall (pagerduty, recovered): delivered");
        assertThat(bodies("/ops")).hasSize(2);
        JsonNode recovery = bodies("/ops").get(1);
        assertThat(recovery.path("event").asText()).isEqualTo("recovered");
        assertThat(recovery.path("failed_before").asInt()).isEqualTo(3);
        JsonNode resolve = bodies("/v2/enqueue").get(1);
        assertThat(bodies("/v2/enqueue")).hasSize(2);
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo("sluice/people_daily");
        assertThat(resolve.path("routing_key").asText()).isEqualTo(ROUTING_KEY);

        assertThat(cli("run", "people_daily").exitCode()).isZero();
        assertThat(hooks.received()).as("a success after a success sends nothing").hasSize(4);
    }

    @Test
    void aRejectedEventIsRecordedWithoutTheRoutingKeyAndAMissingKeyIsAWorkspaceError() throws Exception {
        // PagerDuty alone, so that the answer below is its own.
        Files.writeString(workspace, Files.readString(workspace).replaceAll("(?s)  ops:\n.*?timeout: 3s\n", ""));
        hooks.answer(400);
        Files.delete(dir.resolve("people.csv"));
        CliRun run = cli("run", "people_daily");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("notification oncall (pagerduty, failed): failed: POST to 127.0.0.1 answered HTTP 400");

        Files.writeString(workspace, Files.readString(workspace).replace("    routing_key: " + ROUTING_KEY + "\n", ""));
        CliRun invalid = cli("validate");
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.out() + invalid.err()).contains("notifications.oncall.routing_key: required");
    }
}
