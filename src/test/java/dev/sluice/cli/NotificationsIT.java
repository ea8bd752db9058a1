package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.sluice.notify.HookServer;
import dev.sluice.notify.Trickler;
import dev.sluice.notify.StallingReceiver;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications end to end through the command line: real runs, a real HTTP server as the webhook
 * receiver and Slack, a real SMTP server (GreenMail) read back through its received messages, the
 * run history read back with {@code runs --json}.
 */
class NotificationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOOK_SECRET = "hook-secret-7f3a9c2e51d04b8a";
    private static final String SLACK_TOKEN = "slack-token-XyZ8820aQ";
    private static final String SMTP_PASSWORD = "smtp-password-Q4k19z";

    @TempDir
    Path dir;

    private HookServer hooks;
    private GreenMail mail;
    private Path workspace;

    @BeforeEach
    void start() throws Exception {
        hooks = new HookServer();
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("oncall@example.com", "mailer", SMTP_PASSWORD));
        mail.start();
        writePeople("1,Ann\n2,Bob\n");
    }

    @AfterEach
    void stop() {
        hooks.close();
        mail.stop();
    }

    private void writePeople(String rows) throws Exception {
        Files.writeString(dir.resolve("people.csv"), "id,name\n" + rows);
    }

    private void workspace(String notifications, String notify) throws Exception {
        workspace = dir.resolve("sluice.yaml");
        Files.writeString(workspace, """
                models:
                  people:
                    sql: SELECT * FROM read_csv('people.csv')
                    primary_key: [id]
                destinations:
                  out: {type: local, path: out}
                notifications:
                %s
                activations:
                  people_daily:
                    model: people
                    destination: out
                    sync_mode: upsert
                    manifest: true
                    file_name: "{activation}-{run}"
                %s
                """.formatted(notifications.indent(2).stripTrailing(), notify == null ? "" : "    notify: " + notify));
    }

    private String hook(String name, String events, String extra) {
        return name + ":\n  type: webhook\n  url: " + hooks.url("/" + name) + "\n  secret: " + HOOK_SECRET + "\n  events: " + events
                + "\n  timeout: 3s\n" + extra;
    }

    private CliRun cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-c";
        all[args.length + 1] = workspace.toString();
        return CliRun.of(all);
    }

    private JsonNode runs() throws Exception {
        CliRun runs = cli("runs", "--json");
        assertThat(runs.exitCode()).as(runs.err()).isZero();
        assertNoSecret(runs.out());
        return JSON.readTree(runs.out());
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(HOOK_SECRET, SLACK_TOKEN, SMTP_PASSWORD);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void webhookIsSignedRetriedAfter503AndRecorded() throws Exception {
        workspace(hook("ops", "[failed, succeeded]", ""), null);
        hooks.answer(503);

        CliRun run = cli("run", "people_daily", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<HookServer.Received> requests = hooks.received("/ops");
        assertThat(requests).hasSize(2);
        HookServer.Received last = requests.get(1);
        assertThat(last.method()).isEqualTo("POST");
        assertThat(last.headers().get("content-type")).isEqualTo("application/json");
        // The signature, checked with javax.crypto alone: HMAC-SHA256 of "<timestamp>.<body>" under the secret.
        String timestamp = last.headers().get("x-sluice-timestamp");
        assertThat(Long.parseLong(timestamp)).isBetween(System.currentTimeMillis() / 1000 - 120, System.currentTimeMillis() / 1000 + 5);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(last.body()));
        assertThat(last.headers().get("x-sluice-signature")).isEqualTo(expected);

        JsonNode body = JSON.readTree(last.body());
        JsonNode record = JSON.readTree(run.out());
        assertThat(body.path("event").asText()).isEqualTo("succeeded");
        assertThat(body.path("activation").asText()).isEqualTo("people_daily");
        assertThat(body.path("run").path("id").asText()).isEqualTo(record.path("id").asText());
        assertThat(body.path("run").path("counts").path("added").asLong()).isEqualTo(2);
        assertThat(body.path("run").path("files")).hasSize(2);
        assertThat(body.path("run").path("files").get(0).path("crc32c").asText()).isNotEmpty();
        assertNoSecret(last.text());

        JsonNode notifications = record.path("notifications");
        assertThat(notifications).hasSize(1);
        assertThat(notifications.get(0).path("name").asText()).isEqualTo("ops");
        assertThat(notifications.get(0).path("status").asText()).isEqualTo("delivered");
        assertThat(notifications.get(0).path("attempts").asInt()).isEqualTo(2);
        assertThat(runs().get(0).path("notifications")).isEqualTo(notifications);
    }

    @Test
    void undeliveredNotificationsAreRecordedAndLeaveTheRunAlone() throws Exception {
        int closed = closedPort();
        workspace(hook("refused", "[succeeded]", "")
                + "forbidden:\n  type: webhook\n  url: " + hooks.url("/forbidden") + "?token=" + SLACK_TOKEN + "\n  events: [succeeded]\n"
                + "down:\n  type: webhook\n  url: http://127.0.0.1:" + closed + "/hook\n  secret: " + HOOK_SECRET
                + "\n  events: [succeeded]\n  timeout: 1s\n", null);
        // 'refused' answers 403 (not retried), 'forbidden' 400, 'down' refuses connections until its timeout.
        hooks.answer(403, 400);

        CliRun run = cli("run", "people_daily");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("succeeded");
        assertNoSecret(run.out() + run.err());
        JsonNode notifications = runs().get(0).path("notifications");
        assertThat(notifications).hasSize(3);
        for (JsonNode n : notifications) {
            assertThat(n.path("status").asText()).as(n.toString()).isEqualTo("failed");
            assertThat(n.path("error").asText()).as(n.toString()).isNotEmpty();
        }
        assertThat(notifications.get(0).path("attempts").asInt()).isEqualTo(1);
        assertThat(notifications.get(0).path("error").asText()).contains("HTTP 403");
        assertThat(notifications.get(1).path("attempts").asInt()).isEqualTo(1);
        assertThat(notifications.get(2).path("attempts").asInt()).isGreaterThan(1);
        assertThat(notifications.get(2).path("error").asText()).contains("127.0.0.1").contains("gave up");
        CliRun text = cli("runs");
        assertThat(text.out()).contains("notification down (webhook, succeeded): failed");
        assertNoSecret(text.out());
    }

    @Test
    void failedThenRecoveredWithSlackAndEmail() throws Exception {
        workspace(hook("ops", "[failed, recovered]", "")
                + "team_slack:\n  type: slack\n  webhook_url: " + hooks.url("/services/" + SLACK_TOKEN) + "\n  events: [failed, recovered]\n"
                + "  public_url: https://sluice.example.com/\n"
                + "oncall:\n  type: email\n  host: 127.0.0.1\n  port: " + mail.getSmtp().getPort() + "\n  starttls: false\n"
                + "  username: mailer\n  password: " + SMTP_PASSWORD + "\n  from: sluice@example.com\n  to: [oncall@example.com]\n"
                + "  events: [failed]\n", null);

        assertThat(cli("run", "people_daily").exitCode()).isZero();
        assertThat(hooks.received()).as("a first success is no recovery").isEmpty();

        Files.delete(dir.resolve("people.csv"));
        CliRun failed = cli("run", "people_daily", "--json");
        assertThat(failed.exitCode()).as("a failed run exits 1 whatever its notifications").isEqualTo(1);
        assertNoSecret(failed.out() + failed.err());
        String failedId = JSON.readTree(failed.out()).path("id").asText();
        assertThat(hooks.received("/ops")).hasSize(1);
        assertThat(JSON.readTree(hooks.received("/ops").get(0).body()).path("event").asText()).isEqualTo("failed");
        JsonNode slack = JSON.readTree(hooks.received("/services/" + SLACK_TOKEN).get(0).body());
        assertThat(slack.fieldNames()).toIterable().containsExactly("text");
        assertThat(slack.path("text").asText()).contains("people_daily", failedId, "failed", "error: ", "people.csv")
                .contains("<https://sluice.example.com/#/run/" + failedId + "|Open the run in Sluice>");
        assertThat(mail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage message = mail.getReceivedMessages()[0];
        assertThat(message.getSubject()).isEqualTo("[sluice] people_daily: run " + failedId + " failed");
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
        assertThat(GreenMailUtil.getBody(message)).contains("error: ", "people.csv");
        JsonNode recorded = runs().get(0);
        assertThat(recorded.path("id").asText()).isEqualTo(failedId);
        assertThat(recorded.path("notifications").findValuesAsText("status")).containsExactly("delivered", "delivered", "delivered");
        assertThat(recorded.path("notifications").findValuesAsText("event")).containsExactly("failed", "failed", "failed");

        writePeople("1,Ann\n2,Bob\n3,Cy\n");
        assertThat(cli("run", "people_daily").exitCode()).isZero();
        JsonNode recovered = JSON.readTree(hooks.received("/ops").get(1).body());
        assertThat(recovered.path("event").asText()).isEqualTo("recovered");
        assertThat(recovered.path("run").path("counts").path("added").asLong()).isEqualTo(1);
        assertThat(JSON.readTree(hooks.received("/services/" + SLACK_TOKEN).get(1).body()).path("text").asText())
                .contains("succeeded again after 1 failed run");
        assertThat(mail.getReceivedMessages()).as("email listens for failed only").hasSize(1);

        assertThat(cli("run", "people_daily").exitCode()).isZero();
        assertThat(hooks.received()).as("a success after a success is no recovery").hasSize(4);
    }

    @Test
    void activationPicksItsNotificationsAndEmailFailuresAreReasoned() throws Exception {
        workspace(hook("ops", "[succeeded]", "")
                + "oncall:\n  type: email\n  host: 127.0.0.1\n  port: " + mail.getSmtp().getPort() + "\n  starttls: false\n"
                + "  username: mailer\n  password: wrong-" + SMTP_PASSWORD + "\n  from: sluice@example.com\n  to: oncall@example.com\n"
                + "  events: [succeeded]\n"
                + "tls_only:\n  type: email\n  host: 127.0.0.1\n  port: " + mail.getSmtp().getPort() + "\n"
                + "  from: sluice@example.com\n  to: oncall@example.com\n  events: [succeeded]\n", "[oncall, tls_only]");

        CliRun run = cli("run", "people_daily", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(hooks.received()).as("ops is not among the activation's notifications").isEmpty();
        assertThat(mail.getReceivedMessages()).isEmpty();
        JsonNode notifications = JSON.readTree(run.out()).path("notifications");
        assertThat(notifications.findValuesAsText("name")).containsExactly("oncall", "tls_only");
        assertThat(notifications.get(0).path("status").asText()).isEqualTo("failed");
        assertThat(notifications.get(0).path("attempts").asInt()).as("a refused login is not retried").isEqualTo(1);
        assertThat(notifications.get(0).path("error").asText()).contains("refused the login of mailer");
        assertThat(notifications.get(1).path("status").asText()).isEqualTo("failed");
        assertThat(notifications.get(1).path("attempts").asInt()).as("no STARTTLS is not retried").isEqualTo(1);
        assertThat(notifications.get(1).path("error").asText()).containsIgnoringCase("STARTTLS");
        assertNoSecret(run.out() + run.err());
    }

    @Test
    void aWebhookThatTricklesItsAnswerKeepsSluiceRunOnlyUntilItsTimeout() throws Exception {
        try (StallingReceiver slow = new StallingReceiver(StallingReceiver.Mode.TRICKLE)) {
            workspace("slow:\n  type: webhook\n  url: " + slow.url("/hook") + "\n  events: [succeeded, failed]\n  timeout: 2s\n", null);
            // The receiver answers 200 and then sends its body a byte at a time, for as long as it is let.
            CliRun succeeded = withinOneMinute(() -> cli("run", "people_daily"));
            assertThat(succeeded.exitCode()).as(succeeded.err()).isZero();
            assertThat(succeeded.out()).contains("succeeded").contains("notification slow (webhook, succeeded): failed: ").contains("timed out after 2s");
            // The result comes first; then the command waits for the delivery, saying so.
            assertThat(succeeded.err()).contains("sending 1 notification (waiting up to 4 s)");
            assertThat(slow.received()).isEqualTo(1);

            Files.delete(dir.resolve("people.csv"));
            CliRun failed = withinOneMinute(() -> cli("run", "people_daily"));
            assertThat(failed.exitCode()).as("the run's exit code, whatever its notifications").isEqualTo(1);
            assertThat(failed.err()).contains("error: ");
            assertThat(failed.err().indexOf("error: ")).isLessThan(failed.err().indexOf("sending 1 notification"));
            // The attempt's own deadline (2 s, the whole answer included) cuts it before the worker's (4 s) would.
            assertThat(failed.err()).contains("notification slow (webhook, failed): failed: ").contains("timed out after 2s");
            assertThat(slow.received()).isEqualTo(2);
            JsonNode history = runs();
            for (JsonNode run : history) {
                assertThat(run.path("notifications")).singleElement().satisfies(n -> {
                    assertThat(n.path("status").asText()).isEqualTo("failed");
                    assertThat(n.path("error").asText()).contains("timed out after 2s");
                });
            }
        }
    }

    /** Runs a command in a thread of its own: it must end within a minute (a hanging one fails the test, not the build). */
    private static CliRun withinOneMinute(java.util.concurrent.Callable<CliRun> command) throws Exception {
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cli");
            t.setDaemon(true);
            return t;
        });
        try {
            return thread.submit(command).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the command was still going after a minute", e);
        } finally {
            thread.shutdown();
        }
    }

    @Test
    void heldRunNotifiesHeld() throws Exception {
        workspace(hook("ops", "[held]", ""), "[ops]\n    guards: {min_rows: 100}");

        CliRun run = cli("run", "people_daily", "--json");

        assertThat(run.exitCode()).as("a held run exits 3: " + run.err()).isEqualTo(3);
        JsonNode record = JSON.readTree(run.out());
        assertThat(record.path("status").asText()).isEqualTo("held");
        JsonNode body = JSON.readTree(hooks.received("/ops").get(0).body());
        assertThat(body.path("event").asText()).isEqualTo("held");
        assertThat(body.path("run").path("id").asText()).isEqualTo(record.path("id").asText());
        assertThat(record.path("notifications").findValuesAsText("status")).containsExactly("delivered");
    }

    @Test
    void notifyTestSendsATestMessage() throws Exception {
        int closed = closedPort();
        workspace(hook("ops", "[failed]", "")
                + "down:\n  type: slack\n  webhook_url: http://127.0.0.1:" + closed + "/services/" + SLACK_TOKEN + "\n  timeout: 1s\n", null);

        CliRun ok = cli("notify", "test", "ops");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("ok: notification ops").contains("delivered");
        JsonNode body = JSON.readTree(hooks.received("/ops").get(0).body());
        assertThat(body.path("event").asText()).isEqualTo("test");
        assertThat(hooks.received("/ops").get(0).headers().get("x-sluice-signature")).startsWith("sha256=");

        CliRun down = cli("notify", "test", "down");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err()).contains("error: notification down").contains("127.0.0.1");
        assertNoSecret(down.out() + down.err());

        CliRun unknown = cli("notify", "test", "opps");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no notification named 'opps'", "did you mean ops?");
    }

    @Test
    void aTricklingReceiverAndAStalledSmtpServerCannotHoldARun() throws Exception {
        try (Trickler slowHook = Trickler.http(); Trickler slowSmtp = Trickler.smtp()) {
            workspace("slow_hook:\n  type: webhook\n  url: " + slowHook.url("/hook") + "\n  events: [succeeded]\n  timeout: 3s\n"
                    + "slow_mail:\n  type: email\n  host: 127.0.0.1\n  port: " + slowSmtp.port() + "\n  starttls: false\n"
                    + "  from: sluice@example.com\n  to: oncall@example.com\n  events: [succeeded]\n  timeout: 3s\n", null);
            long start = System.nanoTime();

            // Both answer a byte a second for ten minutes: without a deadline on the whole exchange the run waits for them.
            CliRun run = assertTimeoutPreemptively(Duration.ofMinutes(4), () -> cli("run", "people_daily", "--json"));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("each notification holds the run at most its timeout")
                    .isLessThan(Duration.ofSeconds(90));
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode record = JSON.readTree(run.out());
            assertThat(record.path("status").asText()).isEqualTo("succeeded");
            JsonNode notifications = record.path("notifications");
            assertThat(notifications.findValuesAsText("status")).containsExactly("failed", "failed");
            assertThat(notifications.get(0).path("error").asText()).contains("POST to 127.0.0.1 timed out after 3s");
            assertThat(notifications.get(1).path("error").asText()).contains("SMTP server 127.0.0.1:" + slowSmtp.port() + " timed out after 3s");
            assertThat(runs().get(0).path("notifications")).isEqualTo(notifications);
        }
    }
}
