package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.Main;
import dev.sluice.notify.HookServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code verify: {every: 1s}} in a real server: the scheduler's checks are recorded in the history
 * (not as runs), a check that finds an object no run published notifies the webhook listening for
 * {@code verify_failed}, and {@code /metrics} shows the findings of the last verification of each
 * activation, one made by {@code sluice verify} on the command line included.
 */
class ScheduledVerifyIT {
    @TempDir
    Path dir;

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 60 s: " + what);
    }

    /** The value of the gauge {@code sluice_verify_findings} of an activation and kind; -1 when not shown. */
    static double findings(String metrics, String activation, String kind) {
        Matcher m = Pattern.compile("(?m)^sluice_verify_findings\\{(?=[^}]*activation=\"" + activation + "\")(?=[^}]*kind=\"" + kind
                + "\")[^}]*\\} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** activation ok findings, of every verification recorded, in order. */
    private List<String> verifications() {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(".sluice/runs.db")); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT activation, ok, json_array_length(findings) FROM verifications ORDER BY seq")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getInt(2) + " " + rs.getInt(3));
            }
        } catch (java.sql.SQLException e) {
            return rows; // not created yet
        }
        return rows;
    }

    @Test
    void theScheduledCheckRecordsNotifiesAndShowsInMetricsAndSoDoesTheCommandLine() throws Exception {
        try (HookServer hooks = new HookServer(); ServerFixture fixture = new ServerFixture(dir)) {
            fixture.write(ServerFixture.WORKSPACE + """
                      checked:
                        model: customers
                        destination: out
                        folder: checked
                        file_name: customers
                        manifest: true
                        verify: {every: 1s}
                    notifications:
                      ops:
                        type: webhook
                        url: %s
                        events: [verify_failed]
                    """.formatted(hooks.url("/ops")));
            fixture.start(true, null);

            ServerFixture.Response started = fixture.post("/api/activations/checked/runs", "{}");
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            assertThat(fixture.awaitRun(started.json().path("id").asText()).path("status").asText()).isEqualTo("succeeded");
            await("a clean check after the run", () -> findings(fixture.get("/metrics").body(), "checked", "missing") == 0
                    && verifications().stream().anyMatch(v -> v.equals("checked 1 0")));
            assertThat(hooks.received("/ops")).as("a clean check notifies nobody").isEmpty();

            Files.writeString(dir.resolve("out/checked/notes.txt"), "put here by hand\n");
            await("the unpublished object in /metrics", () -> findings(fixture.get("/metrics").body(), "checked", "unpublished") == 1);
            String metrics = fixture.get("/metrics").body();
            assertThat(findings(metrics, "checked", "missing")).isZero();
            assertThat(findings(metrics, "checked", "changed")).isZero();
            assertThat(metrics).contains("sluice_verify_timestamp_seconds{activation=\"checked\"");
            assertThat(verifications()).contains("checked 0 1");
            assertThat(Files.exists(dir.resolve("out/checked/notes.txt"))).as("never deleted").isTrue();

            await("the verify_failed notification", () -> !hooks.received("/ops").isEmpty());
            JsonNode body = ServerFixture.JSON.readTree(hooks.received("/ops").get(0).body());
            assertThat(body.path("event").asText()).isEqualTo("verify_failed");
            assertThat(body.path("activation").asText()).isEqualTo("checked");
            JsonNode finding = body.path("verification").path("findings").get(0);
            assertThat(finding.path("kind").asText()).isEqualTo("unpublished");
            assertThat(finding.path("object").asText()).isEqualTo("checked/notes.txt");
            assertThat(body.path("verification").path("trigger").asText()).isEqualTo("schedule");

            // Checks are not runs: the activation has its one run.
            assertThat(fixture.get("/api/runs?activation=checked").json().path("runs")).hasSize(1);

            // sluice verify on the command line records a verification the server's /metrics shows.
            assertThat(findings(fixture.get("/metrics").body(), "by_hand", "missing")).as("never verified").isEqualTo(-1);
            StringWriter out = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(new StringWriter(), true));
            assertThat(cli.execute("verify", "by_hand", "-c", fixture.yaml.toString())).as(out.toString()).isZero();
            metrics = fixture.get("/metrics").body();
            assertThat(findings(metrics, "by_hand", "missing")).isZero();
            assertThat(findings(metrics, "by_hand", "unpublished")).isZero();
        }
    }
}
