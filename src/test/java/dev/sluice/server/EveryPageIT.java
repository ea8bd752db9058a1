package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every page of the web UI, at 1280 and 390 px, on a workspace with real runs (succeeded, failed,
 * held), a saved segment and an activation saved through the API: each page draws its heading
 * without an error, fits the width without scrolling sideways, labels every control, loads nothing
 * from outside the server, and leaves a screenshot in target/web-ui/ (issue 26, items 4 and 9).
 */
class EveryPageIT {
    @TempDir
    Path dir;
    ServerFixture fx;
    BrowserSession browser;

    @BeforeEach
    void start() throws Exception {
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE.replace("    folder: hand\n", """
                    folder: hand
                    file_name: "{activation}_{run}"
                    sync_mode: upsert
                    guards: {max_removed: 10%}
                  broken:
                    model: customers
                    destination: out
                    folder: broken
                    file_name: "{activation}"
                """));
        fx.start(false, null);
        browser = new BrowserSession();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void everyPageFitsBothWidthsAndLoadsNothingFromElsewhere() throws Exception {
        assertThat(fx.awaitRun(fx.startRun("/api/activations/by_hand/runs")).path("status").asText()).isEqualTo("succeeded");
        String succeeded = fx.get("/api/runs?activation=by_hand").json().path("runs").get(0).path("id").asText();
        fx.sql("DELETE FROM customers WHERE id = 1");
        String held = fx.startRun("/api/activations/by_hand/runs");
        assertThat(fx.awaitRun(held).path("status").asText()).isEqualTo("held");
        // The broken activation's model fails once its table is gone; put it back for the other pages.
        fx.sql("ALTER TABLE customers RENAME TO customers_away");
        String failed = fx.startRun("/api/activations/broken/runs");
        assertThat(fx.awaitRun(failed).path("status").asText()).isEqualTo("failed");
        fx.sql("ALTER TABLE customers_away RENAME TO customers");
        ServerFixture.Response segment = fx.post("/api/segments", """
                {"name": "scored", "model": "customers", "description": "customers with a score",
                 "filter": {"all": [{"attribute": "score", "op": "is_not_null"}]}}
                """);
        assertThat(segment.status()).as(segment.body()).isEqualTo(201);
        ServerFixture.Response activation = fx.post("/api/activations", """
                {"name": "a_long_activation_name_for_a_small_screen", "segment": "scored", "destination": "out",
                 "folder": "some/rather/long/folder/path/for/a/phone", "schedule": {"every": "6h"}}
                """);
        assertThat(activation.status()).as(activation.body()).isEqualTo(201);

        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("overview", "#/overview");
        pages.put("activations", "#/");
        pages.put("activation-new", "#/new");
        pages.put("activation-edit", "#/edit/a_long_activation_name_for_a_small_screen");
        pages.put("segments", "#/segments");
        pages.put("segment-new", "#/segments/new");
        pages.put("segment-edit", "#/segment/scored");
        pages.put("segment-by-hand", "#/segment/french");
        pages.put("models", "#/models");
        pages.put("model", "#/model/customers");
        pages.put("destinations", "#/destinations");
        pages.put("runs", "#/runs");
        pages.put("activation-runs", "#/runs/by_hand");
        pages.put("run-succeeded", "#/run/" + succeeded);
        pages.put("run-held", "#/run/" + held);
        pages.put("run-failed", "#/run/" + failed);

        List<String> problems = new ArrayList<>();
        for (int width : new int[] {BrowserSession.WIDE, BrowserSession.NARROW}) {
            Page page = browser.page(width);
            for (Map.Entry<String, String> entry : pages.entrySet()) {
                String name = entry.getKey();
                page.navigate(fx.base() + "/" + entry.getValue());
                assertThat(page.locator("main h1").first()).isVisible();
                // Let the page's own requests (counts, charts, previews) finish before measuring it.
                page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
                assertThat(page.locator("main")).not().containsText("Something went wrong");
                assertThat(page.locator("main")).not().containsText("Nothing here");
                BrowserSession.screenshot(page, name);
                Object unlabelled = page.evaluate("""
                        () => [...document.querySelectorAll('main input, main select, main textarea')]
                          .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
                          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
                          .map(el => el.id || el.name || el.outerHTML.slice(0, 80))""");
                if (!((List<?>) unlabelled).isEmpty()) {
                    problems.add(name + " at " + width + " px: controls without a label " + unlabelled);
                }
                Object widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
                List<?> w = (List<?>) widths;
                if (((Number) w.get(0)).intValue() > ((Number) w.get(1)).intValue()) {
                    Object wide = page.evaluate("""
                            () => [...document.querySelectorAll('main *')]
                              .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                              .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
                              .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
                                + ' ' + Math.round(el.getBoundingClientRect().right) + 'px')""");
                    problems.add(name + " at " + width + " px: " + w.get(0) + " px wide; too wide: " + wide);
                }
            }
            page.close();
        }
        assertThat(problems).isEmpty();
        assertThat(browser.requestsLeaving(fx.base())).isEmpty();
        // The fixture's pg source is unreachable on purpose: the models page counts it, gets the
        // server's 502 (shown as "unavailable" with the reason) and the browser logs that fetch.
        assertThat(browser.consoleErrors()).allMatch(e -> e.startsWith("Failed to load resource: the server responded with a status of 502"));
    }
}
