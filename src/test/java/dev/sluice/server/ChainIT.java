package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Activations that run after others ({@code after}, issue 29 item 1) on a real server whose
 * scheduler the test steps: a chain of three where the middle one fails (the third waits and says
 * why, in the API, the log, {@code sluice list} and on its page in a real browser), then recovers
 * and the third runs; {@code sluice run --with-dependents}; a cycle is a workspace error naming it.
 */
class ChainIT {
    /** {@code flaky} reads a table the test drops (the model fails) and creates again (it recovers). */
    static final String CHAIN = """
              a:
                model: customers
                destination: out
                folder: a
              b:
                model: flaky
                destination: out
                folder: b
                after: [a]
              c:
                model: customers
                destination: out
                folder: c
                after: [b]
            """;

    @TempDir
    Path dir;
    ServerFixture fx;
    BrowserSession browser;
    final PauseIT.TestClock clock = new PauseIT.TestClock();

    @BeforeEach
    void start() {
        fx = new ServerFixture(dir);
        fx.sql("CREATE TABLE flaky AS SELECT id, email FROM customers");
        fx.write(workspace(CHAIN));
    }

    static String workspace(String activations) {
        return ServerFixture.WORKSPACE
                .replace("models:\n", "models:\n  flaky:\n    source: warehouse\n    sql: SELECT id, email FROM flaky\n    primary_key: [id]\n")
                + activations;
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

    private long runs(String activation) {
        return fx.get("/api/runs?activation=" + activation).json().path("total").asLong();
    }

    /** Runs {@code activation} by hand through the API, and waits until it has ended and its activation is free. */
    private JsonNode runByHand(String activation) throws InterruptedException {
        clock.advance(Duration.ofSeconds(1)); // the server's clock is the test's: each run starts later than the last
        JsonNode run = fx.awaitRun(fx.startRun("/api/activations/" + activation + "/runs"));
        awaitFree(activation);
        return run;
    }

    private void awaitFree(String activation) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (fx.server.dispatcher().activeRun(activation).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** One scheduler step, which must start {@code activation} because its upstream activations succeeded; its run once ended. */
    private JsonNode tickStarts(String activation) throws InterruptedException {
        clock.advance(Duration.ofSeconds(1));
        fx.server.tick();
        String id = fx.server.dispatcher().activeRun(activation).map(RunDispatcher.Active::id)
                .orElseThrow(() -> new AssertionError("the tick did not start " + activation + "; log: " + fx.log));
        JsonNode run = fx.awaitRun(id);
        awaitFree(activation);
        assertThat(run.path("trigger").asText()).isEqualTo("after");
        return run;
    }

    @Test
    void theThirdWaitsWhileTheMiddleFailsAndRunsOnceItRecovers() throws Exception {
        fx.start(clock);
        fx.server.tick();
        assertThat(runs("a") + runs("b") + runs("c")).as("nothing has run upstream: nothing starts").isZero();
        assertThat(fx.get("/api/activations/b").json().path("waiting").asText()).contains("waits for a, which has not run yet");

        assertThat(runByHand("a").path("status").asText()).isEqualTo("succeeded");
        fx.sql("DROP TABLE flaky");
        assertThat(tickStarts("b").path("status").asText()).isEqualTo("failed");

        // c waits, and says why: b failed since c's last run (it never ran).
        clock.advance(Duration.ofMinutes(5));
        fx.server.tick();
        fx.server.tick();
        assertThat(fx.get("/metrics").body()).as("waiting since b's failure ended, five minutes ago")
                .contains("sluice_activation_waiting_seconds{activation=\"c\"} 300.0")
                .contains("sluice_activation_paused{activation=\"c\"} 0.0");
        assertThat(fx.server.dispatcher().activeRun("c")).isEmpty();
        assertThat(runs("c")).isZero();
        JsonNode c = fx.get("/api/activations/c").json();
        assertThat(c.path("after").toString()).isEqualTo("[\"b\"]");
        String failedRun = fx.get("/api/runs?activation=b").json().path("runs").get(0).path("id").asText();
        assertThat(c.path("waiting").asText()).contains("waits: b's run " + failedRun + " failed at ").contains("it runs once b succeeds");
        assertThat(fx.log.stream().filter(l -> l.startsWith("c: waits: b's run " + failedRun + " failed")).count())
                .as("said once in the log, however many ticks").isEqualTo(1);
        JsonNode chainOfB = fx.get("/api/activations/b").json().path("chain");
        assertThat(chainOfB.path("upstream").get(0).path("name").asText()).isEqualTo("a");
        assertThat(chainOfB.path("upstream").get(0).path("status").asText()).isEqualTo("succeeded");
        assertThat(chainOfB.path("downstream").get(0).path("name").asText()).isEqualTo("c");
        assertThat(chainOfB.path("downstream").get(0).path("waiting").asText()).contains("b's run " + failedRun + " failed");
        Cli list = cli("list");
        assertThat(list.out()).containsPattern("(?m)^c .* after b \\(waiting\\)$").contains("c waits: b's run " + failedRun + " failed");

        // The activation's page shows the chain and what it waits for.
        browser = new BrowserSession();
        Page page = browser.page(BrowserSession.WIDE);
        page.navigate(fx.base() + "/#/runs/c");
        assertThat(page.locator("#chain")).isVisible();
        assertThat(page.locator("#chain-upstream li[data-chain=b]")).containsText("failed");
        assertThat(page.locator("#chain-waiting")).containsText("b's run " + failedRun + " failed");
        page.navigate(fx.base() + "/#/runs/b");
        assertThat(page.locator("#chain-upstream li[data-chain=a]")).containsText("succeeded");
        assertThat(page.locator("#chain-downstream li[data-chain=c]")).containsText("waits");
        page.screenshot(new Page.ScreenshotOptions().setPath(BrowserSession.SCREENSHOTS.resolve("chain-b.png")).setFullPage(true));
        page.navigate(fx.base() + "/#/runs/by_hand");
        assertThat(page.locator("h1")).hasText("Runs of by_hand");
        assertThat(page.locator("#chain")).hasCount(0);

        // b is fixed; it runs again once a has succeeded again (its own last run came after a's success).
        fx.sql("CREATE TABLE flaky AS SELECT id, email FROM customers");
        fx.server.tick();
        assertThat(fx.server.dispatcher().activeRun("b")).isEmpty();
        assertThat(fx.get("/api/activations/b").json().path("waiting").asText()).contains("waits for a new successful run of a");
        runByHand("a");
        assertThat(tickStarts("b").path("status").asText()).isEqualTo("succeeded");
        assertThat(tickStarts("c").path("status").asText()).isEqualTo("succeeded");
        fx.server.tick();
        assertThat(fx.server.dispatcher().activeRun("c")).as("c does not run twice for one success of b").isEmpty();
        assertThat(runs("c")).isEqualTo(1);
        assertThat(fx.get("/api/activations/c").json().path("waiting").asText()).contains("waits for a new successful run of b");
    }

    @Test
    void aScheduledActivationWithAfterSkipsItsDueRunWhileItsUpstreamFailed() throws Exception {
        fx.write(workspace(CHAIN.replace("    after: [b]\n", "    after: [b]\n    schedule: {every: 1m}\n")));
        fx.sql("DROP TABLE flaky");
        fx.start(clock);
        runByHand("a");
        assertThat(tickStarts("b").path("status").asText()).isEqualTo("failed");
        clock.advance(Duration.ofMinutes(1));
        fx.server.tick();
        JsonNode skipped = fx.get("/api/runs?activation=c").json().path("runs").get(0);
        assertThat(skipped.path("status").asText()).isEqualTo("skipped");
        assertThat(skipped.path("trigger").asText()).isEqualTo("schedule");
        assertThat(skipped.path("error").asText()).contains("skipped: the run due at ").contains("waits: b's run");
    }

    @Test
    void runWithDependentsRunsTheChainInOrderAndStopsABranchAtAFailure() throws Exception {
        fx.write(workspace(CHAIN + """
                  d:
                    model: customers
                    destination: out
                    folder: d
                    after: [a]
                  e:
                    model: customers
                    destination: out
                    folder: e
                    after: [c, d]
                """));
        Cli all = cli("run", "--with-dependents", "a");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.err()).contains("running a, then b, then c, then d, then e");
        assertThat(cli("runs", "--json").out()).isNotEmpty();
        JsonNode history = ServerFixture.JSON.readTree(cli("runs", "--json").out());
        java.util.List<String> order = new java.util.ArrayList<>();
        history.forEach(r -> order.add(0, r.path("activation").asText()));
        assertThat(order).containsExactly("a", "b", "c", "d", "e");

        fx.sql("DROP TABLE flaky");
        Cli broken = cli("run", "--with-dependents", "a");
        assertThat(broken.code()).as("a failure in the chain fails the command").isEqualTo(1);
        assertThat(broken.err()).contains("not run: c runs after b, which did not succeed here")
                .contains("not run: e runs after c, which did not succeed here");
        JsonNode after = ServerFixture.JSON.readTree(cli("runs", "--json").out());
        java.util.Map<String, Integer> count = new java.util.TreeMap<>();
        after.forEach(r -> count.merge(r.path("activation").asText(), 1, Integer::sum));
        assertThat(count).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("a", 2, "b", 2, "c", 1, "d", 2, "e", 1));

        Cli two = cli("run", "--with-dependents", "a", "d");
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).contains("--with-dependents takes exactly one ACTIVATION");
    }

    @Test
    void aCycleIsAWorkspaceErrorNamingIt() {
        fx.write(workspace(CHAIN.replace("    folder: a\n", "    folder: a\n    after: [c]\n")
                + "  lone:\n    model: customers\n    destination: out\n    folder: lone\n    after: [lone, nowhere]\n"));
        Cli validate = cli("validate");
        assertThat(validate.code()).isEqualTo(2);
        assertThat(validate.out() + validate.err())
                .contains("activations.a.after: the activations run after each other in a cycle: a -> c -> b -> a")
                .contains("activations.lone.after: the activations run after each other in a cycle: lone -> lone")
                .contains("activations.lone.after[1]: unknown activation 'nowhere'")
                .doesNotContain("\tat ");
    }
}
