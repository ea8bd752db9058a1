package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pictures of the web UI from real runs: an activation's chart plots exactly its run records
 * (rows added, updated and removed, and duration), and the overview (GET /api/overview and its
 * page) says each activation's health from the history: failures in a row, held runs, the last
 * success. Real server, real DuckDB runs, real Chromium; the chart library is served by Sluice.
 */
class OverviewChartsIT {
    /** The fixture's workspace with a model whose table the test drops, and three more activations. */
    private static final String WORKSPACE = ServerFixture.WORKSPACE
            .replace("models:\n", """
                    models:
                      gadgets:
                        source: warehouse
                        sql: SELECT id, name FROM gadgets
                        primary_key: [id]
                    """)
            + """
              steady:
                model: customers
                destination: out
                folder: steady
                sync_mode: difference
                run_type: full_then_delta
                file_name: "steady_{run}"
              breaks:
                model: gadgets
                destination: out
                folder: breaks
              guarded:
                model: customers
                destination: out
                folder: guarded
                guards: {min_rows: 100}
            """;

    @TempDir
    Path dir;
    ServerFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    /** Real runs: steady succeeds four times on changing rows, breaks succeeds then fails twice, guarded is held twice. */
    private void makeRuns() throws Exception {
        fx = new ServerFixture(dir);
        fx.sql("CREATE TABLE gadgets (id INTEGER, name VARCHAR)", "INSERT INTO gadgets VALUES (1, 'lamp'), (2, 'fan')");
        fx.write(WORKSPACE);
        fx.start(false, null);

        assertRun("steady", "succeeded"); // 3 added
        fx.sql("UPDATE customers SET score = 11 WHERE id = 1", "DELETE FROM customers WHERE id = 2",
                "INSERT INTO customers VALUES (4, 'di@example.com', 'ES', 1), (5, 'ed@example.com', 'FR', 2)");
        assertRun("steady", "succeeded"); // 2 added, 1 updated, 1 removed
        fx.sql("UPDATE customers SET country = 'IT' WHERE id IN (3, 4)", "INSERT INTO customers VALUES (6, 'fi@example.com', 'FR', 5)",
                "DELETE FROM customers WHERE id IN (1, 5)");
        assertRun("steady", "succeeded"); // 1 added, 2 updated, 2 removed
        assertRun("steady", "succeeded"); // nothing changed

        assertRun("breaks", "succeeded");
        fx.sql("DROP TABLE gadgets");
        assertRun("breaks", "failed");
        assertRun("breaks", "failed");

        assertRun("guarded", "held");
        assertRun("guarded", "held");
    }

    private JsonNode assertRun(String activation, String status) throws InterruptedException {
        JsonNode run = fx.awaitRun(fx.startRun("/api/activations/" + activation + "/runs"));
        assertThat(run.path("status").asText()).as(activation + ": " + run).isEqualTo(status);
        return run;
    }

    /** An activation's runs as the history holds them, read from its SQLite database: oldest first. */
    private List<JsonNode> history(String activation) throws Exception {
        List<JsonNode> runs = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(".sluice/runs.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT record FROM runs WHERE activation = '" + activation + "'")) {
            while (rs.next()) {
                runs.add(ServerFixture.JSON.readTree(rs.getString(1)));
            }
        }
        runs.sort(java.util.Comparator.comparing((JsonNode r) -> Instant.parse(r.path("startedAt").asText()))
                .thenComparing(r -> r.path("id").asText()));
        return runs;
    }

    private static long millis(JsonNode run, String field) {
        return Instant.parse(run.path(field).asText()).toEpochMilli();
    }

    private static JsonNode entry(JsonNode overview, String name) {
        for (JsonNode a : overview.path("activations")) {
            if (a.path("name").asText().equals(name)) {
                return a;
            }
        }
        throw new AssertionError("no " + name + " in " + overview);
    }

    @Test
    void theOverviewApiSaysEachActivationsHealthFromTheHistory() throws Exception {
        makeRuns();
        JsonNode overview = fx.get("/api/overview").json();
        assertThat(overview.path("activations").findValuesAsText("name")).containsExactly("breaks", "guarded", "by_hand", "steady");
        assertThat(overview.path("health").toString()).isEqualTo("{\"failing\":1,\"held\":1,\"never_run\":1,\"healthy\":1,\"paused\":0}");

        List<JsonNode> breaks = history("breaks");
        JsonNode failing = entry(overview, "breaks");
        assertThat(failing.path("health").asText()).isEqualTo("failing");
        assertThat(failing.path("failures_in_a_row").asLong()).isEqualTo(2);
        assertThat(failing.path("held_runs").asLong()).isZero();
        assertThat(failing.path("last_status").asText()).isEqualTo("failed");
        assertThat(failing.path("last_run").path("id").asText()).isEqualTo(breaks.get(2).path("id").asText());
        assertThat(Instant.parse(failing.path("last_success_at").asText())).isEqualTo(Instant.parse(breaks.get(0).path("endedAt").asText()));
        long since = failing.path("seconds_since_last_success").asLong();
        assertThat(since).isBetween(0L, java.time.Duration.between(Instant.parse(breaks.get(0).path("endedAt").asText()),
                Instant.parse(overview.path("time").asText())).toSeconds());
        assertThat(failing.path("recent").findValuesAsText("status")).containsExactly("succeeded", "failed", "failed");
        assertThat(failing.path("running").isNull()).isTrue();
        assertThat(failing.path("next_run").isNull()).isTrue();

        JsonNode held = entry(overview, "guarded");
        assertThat(held.path("health").asText()).isEqualTo("held");
        assertThat(held.path("held_runs").asLong()).isEqualTo(2);
        assertThat(held.path("failures_in_a_row").asLong()).isZero();
        assertThat(held.path("last_success_at").isNull()).isTrue();
        assertThat(held.path("seconds_since_last_success").isNull()).isTrue();

        JsonNode never = entry(overview, "by_hand");
        assertThat(never.path("health").asText()).isEqualTo("never_run");
        assertThat(never.path("last_run").isNull()).isTrue();
        assertThat(never.path("recent").size()).isZero();

        JsonNode healthy = entry(overview, "steady");
        List<JsonNode> steady = history("steady");
        assertThat(healthy.path("health").asText()).isEqualTo("healthy");
        assertThat(healthy.path("failures_in_a_row").asLong()).isZero();
        assertThat(Instant.parse(healthy.path("last_success_at").asText())).isEqualTo(Instant.parse(steady.get(3).path("endedAt").asText()));

        // Accepting the held changes publishes them: no held run is left. A failure after a hold starts a new streak.
        JsonNode accepted = fx.awaitRun(fx.startRun("/api/activations/guarded/runs?accept_held=true"));
        assertThat(accepted.path("status").asText()).isEqualTo("succeeded");
        assertRun("guarded", "held");
        fx.sql("CREATE TABLE gadgets (id INTEGER, name VARCHAR)");
        assertRun("breaks", "succeeded");
        fx.sql("DROP TABLE gadgets");
        assertRun("breaks", "failed");
        JsonNode after = fx.get("/api/overview").json();
        assertThat(entry(after, "guarded").path("held_runs").asLong()).isEqualTo(1);
        assertThat(entry(after, "guarded").path("health").asText()).isEqualTo("held");
        assertThat(Instant.parse(entry(after, "guarded").path("last_success_at").asText()))
                .isEqualTo(Instant.parse(accepted.path("endedAt").asText()));
        assertThat(entry(after, "breaks").path("failures_in_a_row").asLong()).isEqualTo(1);
        assertThat(after.path("activations").findValuesAsText("name")).containsExactly("breaks", "guarded", "by_hand", "steady");

        // Paused through the API: the overview says so from the same pause state the scheduler reads.
        assertThat(fx.post("/api/activations/steady/pause", "").status()).isEqualTo(200);
        JsonNode paused = entry(fx.get("/api/overview").json(), "steady");
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(paused.path("health").asText()).isEqualTo("paused");
        assertThat(fx.post("/api/activations/steady/resume", "").status()).isEqualTo(200);
        assertThat(entry(fx.get("/api/overview").json(), "steady").path("health").asText()).isEqualTo("healthy");
    }

    @Test
    void theChartsPlotTheRunRecordsAndTheOverviewShowsHealthWithNoRequestLeavingTheServer() throws Exception {
        makeRuns();
        List<JsonNode> steady = history("steady");
        assertThat(steady).hasSize(4);
        // The runs differ, so the chart's series are not all alike.
        assertThat(steady.stream().map(r -> r.path("counts").path("added").asLong()).toList()).containsExactly(3L, 2L, 1L, 0L);
        assertThat(steady.stream().map(r -> r.path("counts").path("updated").asLong()).toList()).containsExactly(0L, 1L, 2L, 0L);
        assertThat(steady.stream().map(r -> r.path("counts").path("removed").asLong()).toList()).containsExactly(0L, 1L, 2L, 0L);

        try (BrowserSession browser = new BrowserSession()) {
            for (int width : new int[] {BrowserSession.WIDE, BrowserSession.NARROW}) {
                Page page = browser.page(width);
                page.navigate(fx.base() + "/#/runs/steady");
                assertThat(page.locator("#chart-rows canvas")).hasCount(1);
                assertThat(page.locator("#chart-duration canvas")).hasCount(1);
                assertChartPlots(page, "steady", steady);
                assertThat(page.locator("#chart-rows .u-legend")).containsText("Added");
                assertThat(page.locator("#chart-rows .u-legend")).containsText("Updated");
                assertThat(page.locator("#chart-rows .u-legend")).containsText("Removed");
                // The accessible table says the same numbers.
                Locator table = page.locator("#run-chart-data tbody tr");
                assertThat(table).hasCount(4);
                for (int i = 0; i < 4; i++) {
                    assertThat(table.nth(i)).hasAttribute("data-run", steady.get(i).path("id").asText());
                    assertThat(table.nth(i).locator("[data-field=added]")).hasText(steady.get(i).path("counts").path("added").asText());
                    assertThat(table.nth(i).locator("[data-field=removed]")).hasText(steady.get(i).path("counts").path("removed").asText());
                }
                // The chart fits its container: no wider than the page.
                double canvas = page.locator("#chart-rows canvas").boundingBox().width;
                double box = page.locator("#chart-rows").boundingBox().width;
                assertThat(canvas).as("chart width at " + width + " px").isLessThanOrEqualTo(box + 1);
                BrowserSession.screenshot(page, "activation-chart");
                page.locator("#run-chart").screenshot(new Locator.ScreenshotOptions()
                        .setPath(BrowserSession.SCREENSHOTS.resolve("activation-chart-alone-" + width + "px.png")));
                if (width == BrowserSession.NARROW) {
                    BrowserSession.assertFitsWidth(page, "an activation's runs with its chart");
                }

                // The failing activation's chart has its failed runs too.
                page.navigate(fx.base() + "/#/runs/breaks");
                assertChartPlots(page, "breaks", history("breaks"));
                page.locator("#run-chart").screenshot(new Locator.ScreenshotOptions()
                        .setPath(BrowserSession.SCREENSHOTS.resolve("activation-chart-failing-" + width + "px.png")));

                page.navigate(fx.base() + "/#/overview");
                Locator rows = page.locator("#overview tbody tr");
                assertThat(rows).hasCount(4);
                assertThat(rows.nth(0)).hasAttribute("data-activation", "breaks");
                assertThat(rows.nth(0)).hasAttribute("data-health", "failing");
                Locator breaks = page.locator("tr[data-activation=breaks]");
                assertThat(breaks.locator("[data-field=health]")).hasText("failing");
                assertThat(breaks.locator("[data-field=failures_in_a_row]")).hasText("2");
                assertThat(breaks.locator("[data-field=last_status]")).hasText("failed");
                JsonNode lastSuccess = history("breaks").get(0);
                assertThat(breaks.locator("[data-field=since_last_success]")).hasAttribute("datetime", lastSuccess.path("endedAt").asText());
                assertThat(breaks.locator("[data-field=since_last_success]")).hasText(java.util.regex.Pattern.compile("^\\d+ (s|min) ago$"));
                assertThat(breaks.locator(".strip .tick")).hasCount(3);
                assertThat(breaks.locator(".strip .tick.failed")).hasCount(2);
                Locator guarded = page.locator("tr[data-activation=guarded]");
                assertThat(guarded.locator("[data-field=health]")).hasText("held");
                assertThat(guarded.locator("[data-field=held_runs]")).hasText("2");
                assertThat(guarded.locator("[data-field=since_last_success]")).hasText("never");
                assertThat(page.locator("tr[data-activation=by_hand] [data-field=health]")).hasText("never run");
                assertThat(page.locator("tr[data-activation=by_hand] [data-field=last_status]")).hasText("no runs");
                Locator healthy = page.locator("tr[data-activation=steady]");
                assertThat(healthy.locator("[data-field=health]")).hasText("healthy");
                assertThat(healthy.locator("[data-field=failures_in_a_row]")).hasText("0");
                assertThat(healthy.locator("[data-field=since_last_success]")).hasAttribute("datetime", steady.get(3).path("endedAt").asText());
                assertThat(page.locator("#health-totals")).containsText("1 failing");
                assertThat(page).hasTitle("Overview — Sluice");
                BrowserSession.screenshot(page, "overview");
                if (width == BrowserSession.NARROW) {
                    BrowserSession.assertFitsWidth(page, "the overview");
                }
                page.close();
            }
            assertThat(browser.requests()).anyMatch(url -> url.endsWith("/assets/uPlot.iife.min.js"));
            assertThat(browser.requestsLeaving(fx.base())).as("requests that left the server").isEmpty();
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    /** The chart's plotted points (the uPlot instances' data) are the records' counts and durations, oldest first. */
    @SuppressWarnings("unchecked")
    private static void assertChartPlots(Page page, String activation, List<JsonNode> records) {
        page.waitForFunction("name => window.sluiceCharts && window.sluiceCharts[name]", activation);
        Map<String, Object> chart = (Map<String, Object>) page.evaluate("name => { const c = window.sluiceCharts[name]; return { runs: c.runs, "
                + "rows: c.rows.data.map(s => Array.from(s)), duration: c.duration.data.map(s => Array.from(s)) }; }", activation);
        List<String> ids = records.stream().map(r -> r.path("id").asText()).toList();
        assertThat((List<String>) chart.get("runs")).as("the runs plotted").containsExactlyElementsOf(ids);
        List<List<Number>> rows = (List<List<Number>>) chart.get("rows");
        List<List<Number>> duration = (List<List<Number>>) chart.get("duration");
        assertThat(rows).hasSize(4);
        assertThat(duration).as("the duration, and the marks of failed and held runs").hasSize(4);
        for (int i = 0; i < records.size(); i++) {
            JsonNode counts = records.get(i).path("counts");
            String run = activation + " run " + i;
            assertThat(rows.get(1).get(i).longValue()).as(run + " added").isEqualTo(counts.path("added").asLong());
            assertThat(rows.get(2).get(i).longValue()).as(run + " updated").isEqualTo(counts.path("updated").asLong());
            assertThat(rows.get(3).get(i).longValue()).as(run + " removed").isEqualTo(counts.path("removed").asLong());
            double seconds = (millis(records.get(i), "endedAt") - millis(records.get(i), "startedAt")) / 1000.0;
            assertThat(duration.get(1).get(i).doubleValue()).as(run + " seconds").isEqualTo(seconds);
            String status = records.get(i).path("status").asText();
            assertThat(duration.get(2).get(i)).as(run + " marked failed").isEqualTo(status.equals("failed") ? duration.get(1).get(i) : null);
            assertThat(duration.get(3).get(i)).as(run + " marked held").isEqualTo(status.equals("held") ? duration.get(1).get(i) : null);
        }
    }
}
