package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pause and resync (issue 26, item 7) on a real server whose scheduler the test steps on a clock of
 * its own: a pause made by {@code sluice pause} stops the server's schedule, a manual run of a paused
 * activation runs with a warning, resume lets the schedule run it again, {@code enabled: false}
 * cannot be resumed but by the file, and a full resync through the API is a full run.
 */
class PauseIT {
    private static final String ACTIVATIONS = """
                folder: hand
                sync_mode: upsert
                overwrite: true
                schedule: {every: 1m}
              off:
                model: customers
                destination: out
                folder: off
                enabled: false
                schedule: {every: 1m}
            """;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }
    }

    @TempDir
    Path dir;
    ServerFixture fx;
    BrowserSession browser;
    final TestClock clock = new TestClock();

    @BeforeEach
    void start() {
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE.replace("    folder: hand\n", ACTIVATIONS));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        fx.close();
    }

    record Cli(int code, String out, String err) {}

    private Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cmd = dev.sluice.cli.Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("-c", fx.yaml.toString()))
                .toArray(String[]::new);
        return new Cli(cmd.execute(all), out.toString(), err.toString());
    }

    private long scheduledRuns(String activation) {
        return fx.get("/api/runs?trigger=schedule&activation=" + activation).json().path("total").asLong();
    }

    private long logLines(String start) {
        return fx.log.stream().filter(l -> l.startsWith(start)).count();
    }

    @Test
    void theCliPausesAndResumesWithClearMessages() {
        Cli paused = cli("pause", "by_hand");
        assertThat(paused.code()).as(paused.err()).isZero();
        assertThat(paused.out()).contains("paused by_hand: the scheduler skips it until 'sluice resume by_hand'");
        Cli again = cli("pause", "by_hand");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("by_hand was already paused (by " + System.getProperty("user.name") + " (sluice pause) since ");

        Cli list = cli("list", "--json");
        assertThat(list.out()).contains("\"name\":\"by_hand\"").contains("\"paused\":true,\"next_run\":null");
        assertThat(cli("list").out()).containsPattern("(?m)^by_hand .* paused$").containsPattern("(?m)^off .* paused$");

        Cli run = cli("run", "by_hand", "--json");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("activation is paused (by ");

        Cli resumed = cli("resume", "by_hand");
        assertThat(resumed.code()).isZero();
        assertThat(resumed.out()).contains("resumed by_hand");
        assertThat(cli("resume", "by_hand").out()).contains("by_hand was not paused");

        Cli off = cli("resume", "off");
        assertThat(off.code()).isEqualTo(2);
        assertThat(off.err()).contains("activations.off.enabled: false in " + fx.yaml.toAbsolutePath().normalize())
                .contains("set enabled: true (or remove the line)").doesNotContain("\tat ");
        Cli unknown = cli("pause", "nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("nope");
    }

    @Test
    void aPauseFromTheCliStopsTheServersScheduleUntilResumed() throws Exception {
        assertThat(cli("pause", "by_hand").code()).isZero();
        fx.start(clock);
        JsonNode summary = fx.get("/api/activations/by_hand").json();
        assertThat(summary.path("paused").asBoolean()).isTrue();
        assertThat(summary.path("paused_by").asText()).endsWith("(sluice pause)");
        assertThat(summary.path("paused_since").asText()).isNotEmpty();
        assertThat(summary.path("next_run").isNull()).as("no next run while paused").isTrue();

        fx.server.tick(); // both are due now: neither starts
        clock.advance(Duration.ofMinutes(1));
        fx.server.tick();
        assertThat(fx.server.dispatcher().activeRun("by_hand")).isEmpty();
        assertThat(fx.server.dispatcher().activeRun("off")).isEmpty();
        assertThat(fx.get("/api/runs").json().path("total").asLong()).as("no run while paused").isZero();
        assertThat(logLines("by_hand: paused (paused by ")).as("said once").isEqualTo(1);
        assertThat(logLines("off: paused (enabled: false in ")).isEqualTo(1);

        // A run by hand still runs, and says it is paused.
        JsonNode manual = fx.awaitRun(fx.startRun("/api/activations/by_hand/runs"));
        assertThat(manual.path("status").asText()).isEqualTo("succeeded");
        assertThat(manual.path("warnings").toString()).contains("activation is paused");

        ServerFixture.Response resumed = fx.post("/api/activations/by_hand/resume", "");
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        assertThat(resumed.json().path("paused").asBoolean()).isFalse();
        assertThat(resumed.json().path("next_run").asText()).isNotEmpty();
        clock.advance(Duration.ofMinutes(1));
        fx.server.tick();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (scheduledRuns("by_hand") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(scheduledRuns("by_hand")).as("runs on schedule after resume").isEqualTo(1);
        assertThat(logLines("by_hand: resumed; the scheduler runs it again")).isEqualTo(1);
        assertThat(scheduledRuns("off")).isZero();

        ServerFixture.Response refused = fx.post("/api/activations/off/resume", "");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.fields()).containsExactly("enabled");
        assertThat(refused.json().path("detail").asText()).contains("enabled: false in " + fx.yaml.toAbsolutePath().normalize());
        JsonNode off = fx.get("/api/activations/off").json();
        assertThat(off.path("paused").asBoolean()).isTrue();
        assertThat(off.path("enabled").asBoolean()).isFalse();

        ServerFixture.Response paused = fx.post("/api/activations/by_hand/pause", "");
        assertThat(paused.json().path("paused_by").asText()).isEqualTo("the API");
        assertThat(cli("resume", "by_hand").out()).as("the CLI sees the API's pause").contains("resumed by_hand");
    }

    @Test
    void aFullResyncThroughTheApiIsAFullRun() throws Exception {
        fx.start(clock);
        assertThat(fx.awaitRun(fx.startRun("/api/activations/by_hand/runs")).path("kind").asText()).isEqualTo("full");
        assertThat(fx.awaitRun(fx.startRun("/api/activations/by_hand/runs")).path("kind").asText()).isEqualTo("delta");
        JsonNode resync = fx.awaitRun(fx.startRun("/api/activations/by_hand/runs?full_resync=true"));
        assertThat(resync.path("status").asText()).isEqualTo("succeeded");
        assertThat(resync.path("kind").asText()).isEqualTo("full");
        assertThat(resync.path("counts").path("written").asLong()).isEqualTo(3);
        assertThat(fx.post("/api/activations/by_hand/runs?full_resync=maybe", "").status()).isEqualTo(400);
    }

    @Test
    void theToggleAndTheFullResyncInTheBrowser() throws Exception {
        fx.start(clock);
        assertThat(fx.awaitRun(fx.startRun("/api/activations/by_hand/runs")).path("kind").asText()).isEqualTo("full");
        browser = new BrowserSession();
        for (int width : new int[] {BrowserSession.WIDE, BrowserSession.NARROW}) {
            Page page = browser.page(width);
            page.navigate(fx.base() + "/");
            page.locator("button[data-pause=by_hand]").click();
            assertThat(page.locator("tr[data-activation=by_hand] .badge.paused")).isVisible();
            assertThat(page.locator("button[data-pause=by_hand]")).hasAttribute("aria-pressed", "true");
            assertThat(page.locator("button[data-pause=off]")).isDisabled();
            assertThat(fx.get("/api/activations/by_hand").json().path("paused").asBoolean()).isTrue();
            BrowserSession.screenshot(page, "activations-paused");
            BrowserSession.assertFitsWidth(page, "the activations list with a paused activation");

            page.navigate(fx.base() + "/#/runs/by_hand");
            assertThat(page.locator("#paused-note")).containsText("paused by the API");
            String[] message = new String[1];
            page.onceDialog(d -> {
                message[0] = d.message();
                d.accept();
            });
            page.locator("#full-resync").click();
            assertThat(page.locator("#banner")).containsText("Full resync");
            assertThat(message[0]).contains("every row in one file, not only the added and updated ones")
                    .contains("Start the full resync now?");
            String runId = page.locator("#banner").innerText().replaceAll("^Full resync (\\S+) .*$", "$1");
            JsonNode run = fx.awaitRun(runId);
            assertThat(run.path("kind").asText()).isEqualTo("full");
            assertThat(run.path("warnings").toString()).contains("activation is paused");
            page.locator("button[data-pause=by_hand]").click();
            assertThat(page.locator("#paused-note")).isHidden();
            assertThat(fx.get("/api/activations/by_hand").json().path("paused").asBoolean()).isFalse();
            BrowserSession.screenshot(page, "activation-runs-resync");
            BrowserSession.assertFitsWidth(page, "an activation's runs page");
        }
        assertThat(browser.requestsLeaving(fx.base())).isEmpty();
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
