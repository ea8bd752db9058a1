package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/hooks/dbt-cloud} and {@code POST /api/hooks/NAME} of a real server over HTTP, on a
 * server that has a token (the hooks need none: their signature authenticates them). Requests are
 * signed here with the JDK's HMAC, as dbt Cloud and the docs' examples do.
 */
class HooksIT {
    static final String DBT_SECRET = "dbt-webhook-secret-0123456789abcdef";
    static final String HOOK_SECRET = "airflow-hook-secret-fedcba9876543210";
    static final String TOKEN = "the-api-token-0123456789";
    private static final String WORKSPACE = ServerFixture.WORKSPACE + """
              after_dbt:
                model: customers
                destination: out
                folder: dbt
                trigger: {dbt_cloud: {job_id: 42, secret: "${DBT_WEBHOOK_SECRET}"}}
              also_after_dbt:
                model: customers
                destination: out
                folder: dbt2
                trigger: {dbt_cloud: {job_id: 42, secret: "${DBT_WEBHOOK_SECRET}"}}
              other_job:
                model: customers
                destination: out
                folder: other
                trigger: {dbt_cloud: {job_id: 7, secret: "${DBT_WEBHOOK_SECRET}"}}
            hooks:
              airflow:
                secret: "${AIRFLOW_HOOK_SECRET}"
                activations: [by_hand]
            """;

    @TempDir
    Path dir;
    ServerFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            assertThat(String.join("\n", fx.log) + String.join("\n", fx.bodies)).doesNotContain(DBT_SECRET).doesNotContain(HOOK_SECRET);
            fx.close();
        }
    }

    private void start(Clock clock) {
        fx = new ServerFixture(dir);
        fx.write(WORKSPACE);
        fx.start(TOKEN, clock, Map.of("DBT_WEBHOOK_SECRET", DBT_SECRET, "AIRFLOW_HOOK_SECRET", HOOK_SECRET));
        fx.token = null; // hooks are called without the API token
    }

    static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** A dbt Cloud job.run.completed event, as its webhooks send it. */
    static String dbtEvent(String eventId, Instant at, long job, long run, String status, int code) {
        return """
                {"accountId": 1, "webhooksID": "wsu_12345abcde", "eventId": "%s", "timestamp": "%s",
                 "eventType": "job.run.completed", "webhookName": "sluice",
                 "data": {"jobId": "%d", "jobName": "Daily build", "runId": "%d", "environmentId": "1234",
                  "environmentName": "Production", "dbtVersion": "1.8.0", "projectName": "shop", "projectId": "167194",
                  "runStatus": "%s", "runStatusCode": %d, "runStatusMessage": "None", "runReason": "scheduled",
                  "runStarted": "%s", "runFinished": "%s"}}
                """.formatted(eventId, at, job, run, status, code, at.minusSeconds(60), at);
    }

    private ServerFixture.Response dbt(String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fx.base() + "/api/hooks/dbt-cloud"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return fx.sendRaw(request);
    }

    private ServerFixture.Response hook(String name, String timestamp, String signature, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fx.base() + "/api/hooks/" + name))
                .header("X-Sluice-Timestamp", timestamp).header("X-Sluice-Signature", signature)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return fx.sendRaw(request);
    }

    private List<RunRecord> runs(String activation) {
        try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
            return store.list(activation, 100);
        }
    }

    private List<String> started(ServerFixture.Response answer) {
        List<String> names = new ArrayList<>();
        answer.json().path("started").forEach(s -> names.add(s.path("activation").asText()));
        return names;
    }

    @Test
    void aSignedDbtCloudWebhookStartsExactlyTheActivationsNamingTheJob() throws Exception {
        start(Clock.systemUTC());
        String body = dbtEvent("wev_1", Instant.now(), 42, 9001, "Success", 10);
        ServerFixture.Response answer = dbt(body, hmac(DBT_SECRET, body));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        assertThat(started(answer)).containsExactly("after_dbt", "also_after_dbt");
        fx.token = TOKEN;
        for (JsonNode run : answer.json().path("started")) {
            JsonNode ended = fx.awaitRun(run.path("run").asText());
            assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("succeeded");
            assertThat(ended.path("trigger").asText()).isEqualTo("dbt_cloud job 42 run 9001");
        }
        assertThat(runs("other_job")).as("another job's activation").isEmpty();
        assertThat(runs("by_hand")).isEmpty();
        assertThat(fx.log).anyMatch(l -> l.contains("hook dbt-cloud") && l.contains("dbt_cloud job 42 run 9001")
                && l.contains("after_dbt") && l.contains("also_after_dbt"));

        // The same event again (dbt Cloud retries a delivery it thinks failed): answered, nothing started again.
        fx.token = null;
        ServerFixture.Response again = dbt(body, hmac(DBT_SECRET, body));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("ignored").asText()).contains("received already");
        assertThat(runs("after_dbt")).hasSize(1);
    }

    @Test
    void unsuccessfulRunsAndOtherJobsStartNothing() throws Exception {
        start(Clock.systemUTC());
        String failed = dbtEvent("wev_2", Instant.now(), 42, 9002, "Error", 20);
        ServerFixture.Response answer = dbt(failed, hmac(DBT_SECRET, failed));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("ignored").asText()).contains("ended 'Error'");
        String otherJob = dbtEvent("wev_3", Instant.now(), 99, 9003, "Success", 10);
        ServerFixture.Response other = dbt(otherJob, hmac(DBT_SECRET, otherJob));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.json().path("ignored").asText()).contains("no activation names dbt Cloud job 99");
        assertThat(runs("after_dbt")).isEmpty();
        assertThat(runs("other_job")).isEmpty();
    }

    @Test
    void aBadSignatureIsRefusedWith401() throws Exception {
        start(Clock.systemUTC());
        String body = dbtEvent("wev_4", Instant.now(), 42, 9004, "Success", 10);
        ServerFixture.Response wrong = dbt(body, hmac("not-the-secret", body));
        assertThat(wrong.status()).as(wrong.body()).isEqualTo(401);
        ServerFixture.Response none = dbt(body, null);
        assertThat(none.status()).isEqualTo(401);
        String tampered = body.replace("\"jobId\": \"42\"", "\"jobId\": \"7\"");
        assertThat(dbt(tampered, hmac(DBT_SECRET, body)).status()).as("a body changed after signing").isEqualTo(401);
        assertThat(runs("after_dbt")).isEmpty();
        assertThat(runs("other_job")).isEmpty();
        assertThat(fx.log).anyMatch(l -> l.contains("hook dbt-cloud") && l.contains("refused (401)"));
    }

    @Test
    void aReplayedOldRequestIsRefused() throws Exception {
        start(Clock.systemUTC());
        String old = dbtEvent("wev_5", Instant.now().minusSeconds(600), 42, 9005, "Success", 10);
        ServerFixture.Response refused = dbt(old, hmac(DBT_SECRET, old));
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        assertThat(refused.json().path("detail").asText()).contains("more than 5 min");

        String then = Long.toString(Instant.now().minusSeconds(600).getEpochSecond());
        ServerFixture.Response generic = hook("airflow", then, "sha256=" + hmac(HOOK_SECRET, then + ".{}"), "{}");
        assertThat(generic.status()).as(generic.body()).isEqualTo(401);
        assertThat(runs("after_dbt")).isEmpty();
        assertThat(runs("by_hand")).isEmpty();
    }

    @Test
    void aGenericHookSignedWithItsSecretStartsItsActivations() throws Exception {
        start(Clock.systemUTC());
        String now = Long.toString(Instant.now().getEpochSecond());
        String body = "{\"dag\": \"nightly\"}";
        ServerFixture.Response bad = hook("airflow", now, "sha256=" + hmac("wrong-secret-0123456789", now + "." + body), body);
        assertThat(bad.status()).as(bad.body()).isEqualTo(401);
        ServerFixture.Response unsigned = fx.sendRaw(HttpRequest.newBuilder(URI.create(fx.base() + "/api/hooks/airflow"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(hook("nope", now, "sha256=00", body).status()).isEqualTo(404);
        assertThat(runs("by_hand")).isEmpty();

        String signature = "sha256=" + hmac(HOOK_SECRET, now + "." + body);
        ServerFixture.Response answer = hook("airflow", now, signature, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        assertThat(started(answer)).containsExactly("by_hand");
        fx.token = TOKEN;
        JsonNode ended = fx.awaitRun(answer.json().path("started").get(0).path("run").asText());
        assertThat(ended.path("trigger").asText()).isEqualTo("hook airflow");
        fx.token = null;
        ServerFixture.Response replay = hook("airflow", now, signature, body);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("ignored").asText()).contains("received already");
        assertThat(runs("by_hand")).hasSize(1);
        // Without a body at all, as curl -X POST sends it: the timestamp and a dot are signed.
        String later = Long.toString(Instant.now().getEpochSecond() + 1);
        ServerFixture.Response empty = fx.sendRaw(HttpRequest.newBuilder(URI.create(fx.base() + "/api/hooks/airflow"))
                .header("X-Sluice-Timestamp", later).header("X-Sluice-Signature", "sha256=" + hmac(HOOK_SECRET, later + "."))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(empty.status()).as(empty.body()).isIn(202);
        // The rest of the API still needs the token.
        assertThat(fx.get("/api/activations").status()).isEqualTo(401);
    }

    @Test
    void eachHookIsRateLimited() throws Exception {
        // A clock that does not move: the bucket never refills, whatever the machine's speed.
        Instant now = Instant.now();
        start(Clock.fixed(now, ZoneOffset.UTC));
        String ts = Long.toString(now.getEpochSecond());
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            statuses.add(hook("airflow", ts, "sha256=" + hmac("guess-" + i, ts + ".{}"), "{}").status());
        }
        assertThat(statuses.subList(0, 20)).containsOnly(401);
        assertThat(statuses.get(20)).isEqualTo(429);
        ServerFixture.Response limited = hook("airflow", ts, "sha256=" + hmac(HOOK_SECRET, ts + ".{}"), "{}");
        assertThat(limited.status()).as("even a good signature waits its turn").isEqualTo(429);
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 3);
        String body = dbtEvent("wev_6", now, 42, 9006, "Success", 10);
        assertThat(dbt(body, hmac("nope", body)).status()).as("another hook has its own bucket").isEqualTo(401);
    }
}
