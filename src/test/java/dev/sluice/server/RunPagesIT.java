package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.sluice.destination.Destination;
import dev.sluice.destination.ForwardingDestination;
import dev.sluice.error.SluiceException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run pages of the web UI (issue 26, item 6) in Chromium against a real server and real runs: a
 * failed run says how far it got and marks the setting its error names, Retry starts a new run and
 * goes to it, retention's deletions are listed, the files fit a phone, and the history filters by
 * activation, status and dates. Each page is photographed at 1280 and 390 px and fits 390 px.
 */
class RunPagesIT {
    @TempDir
    Path dir;

    ServerFixture fx;
    BrowserSession browser;
    /** The first upload to {@code flaky_out} fails; later ones go through. */
    final AtomicBoolean failNext = new AtomicBoolean(true);

    @BeforeEach
    void start() {
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE
                .replace("models:\n", """
                        models:
                          gone:
                            source: warehouse
                            sql: SELECT id, email FROM gone_table
                            primary_key: [id]
                        """)
                .replace("destinations:\n", """
                        destinations:
                          flaky_out: {type: local, path: flaky}
                        """)
                + """
                  daily:
                    model: customers
                    destination: out
                    folder: exports/a_rather_long_folder_name_for_the_daily_customer_export
                    file_name: "{activation}_customers_with_a_long_descriptive_file_name_{run}"
                    manifest: true
                    retention: {keep_runs: 1}
                  flaky:
                    model: customers
                    destination: flaky_out
                    folder: flaky
                  broken:
                    model: gone
                    destination: out
                    folder: broken
                  guarded:
                    model: customers
                    destination: out
                    folder: guarded
                    file_name: "{activation}_{run}"
                    sync_mode: upsert
                    guards: {max_removed: 10%, min_rows: 1}
                """);
        fx.start(false, null, Duration.ofSeconds(60), config -> {
            Destination opened = config.open();
            return config.name().equals("flaky_out") && failNext.getAndSet(false) ? refusing(opened) : opened;
        });
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

    /** A destination whose uploads fail as a bucket that refuses them would. */
    static Destination refusing(Destination delegate) {
        return new ForwardingDestination(delegate) {
            @Override
            public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
                throw SluiceException.external("destinations.flaky_out: the upload of " + objectName + " was refused (the test's bucket)", null);
            }
        };
    }

    @Test
    void aFailedRunShowsHowFarItGotAndTheSettingItsErrorNamesAndRetryStartsANewRun() throws Exception {
        JsonNode failed = fx.awaitRun(fx.startRun("/api/activations/flaky/runs"));
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        List<String> phases = new ArrayList<>();
        failed.path("phases").fieldNames().forEachRemaining(phases::add);
        String last = phases.get(phases.size() - 1);
        assertThat(last).as("the upload failed while staging").isEqualTo("stage");

        Page page = browser.page(BrowserSession.WIDE);
        page.navigate(fx.base() + "/#/run/" + failed.path("id").asText());
        assertThat(page.locator("#run-status .badge")).hasText("failed");
        assertThat(page.locator("#run-reached")).hasAttribute("data-phase", last);
        assertThat(page.locator("#run-reached")).containsText("uploading");
        assertThat(page.locator("#run-counts [data-count=read]")).hasText(String.valueOf(failed.path("counts").path("read").asLong()));
        assertThat(page.locator("#run-counts [data-count=read]")).hasText("3");
        assertThat(page.locator("#run-kind")).containsText(failed.path("kind").asText());
        assertThat(page.locator("#run-error")).containsText(failed.path("error").asText().substring(0, 20));
        Locator mark = page.locator("#run-error mark.setting");
        assertThat(mark).hasText("destinations.flaky_out");
        assertThat(page.locator("#run-error a:has(mark)")).hasAttribute("href", "#/destinations");
        assertThat(page.locator("#run-settings")).containsText("destinations.flaky_out");
        shoot(page, "run-failed-uploading");

        // A run that failed while reading its model did not read 0 rows: it says it did not finish, and that no kind was decided.
        JsonNode broken = fx.awaitRun(fx.startRun("/api/activations/broken/runs"));
        assertThat(broken.path("status").asText()).isEqualTo("failed");
        assertThat(broken.path("kind").isNull()).isTrue();
        page.navigate(fx.base() + "/#/run/" + broken.path("id").asText());
        assertThat(page.locator("#run-reached")).hasAttribute("data-phase", "read");
        assertThat(page.locator("#run-reached")).containsText("reading the model");
        assertThat(page.locator("#run-counts [data-count=read]")).hasText("not finished");
        assertThat(page.locator("#run-counts")).not().containsText("read 0");
        assertThat(page.locator("#run-kind")).containsText("not decided");
        assertThat(page.locator("#run-error mark.setting")).hasText("models.gone.sql");
        assertThat(page.locator("#run-error a:has(mark)")).hasAttribute("href", "#/models");
        shoot(page, "run-failed-reading");
        page.navigate(fx.base() + "/#/runs/broken");
        assertThat(page.locator("#runs tr[data-status=failed] td[data-label=Read]")).hasText("—");

        // Retry: a new run of the activation, and its page.
        page.navigate(fx.base() + "/#/run/" + failed.path("id").asText());
        page.locator("#retry").click();
        page.waitForURL(Pattern.compile(".*#/run/(?!" + failed.path("id").asText() + ").+"));
        String retried = page.url().replaceAll(".*#/run/", "");
        assertThat(page.locator("#run-status .badge")).hasText("succeeded");
        JsonNode again = fx.get("/api/runs/" + retried).json();
        assertThat(again.path("activation").asText()).isEqualTo("flaky");
        assertThat(again.path("trigger").asText()).isEqualTo("manual");
        assertThat(fx.get("/api/runs?activation=flaky").json().path("total").asLong()).isEqualTo(2);
        assertThat(page.locator("#retry")).hasCount(0);
        assertThat(browser.requestsLeaving(fx.base())).isEmpty();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aSucceededRunListsItsFilesAndWhatRetentionDeletedAndFitsAPhone() throws Exception {
        JsonNode first = fx.awaitRun(fx.startRun("/api/activations/daily/runs"));
        JsonNode second = fx.awaitRun(fx.startRun("/api/activations/daily/runs"));
        assertThat(second.path("status").asText()).isEqualTo("succeeded");
        List<String> deleted = new ArrayList<>();
        second.path("retention").path("deleted").forEach(n -> deleted.add(n.asText()));
        List<String> earlier = new ArrayList<>();
        first.path("files").forEach(f -> earlier.add(f.path("object").asText()));
        assertThat(deleted).as("keep_runs: 1 deletes the first run's files").containsExactlyInAnyOrderElementsOf(earlier).hasSize(2);

        Page page = browser.page(BrowserSession.WIDE);
        page.navigate(fx.base() + "/#/run/" + second.path("id").asText());
        assertThat(page.locator("#run-status .badge")).hasText("succeeded");
        Locator items = page.locator("#run-retention [data-retention=deleted] li");
        assertThat(items).hasText(deleted.toArray(String[]::new));
        assertThat(page.locator("#run-retention [data-retention=deleted] h3")).hasText("Deleted (2)");
        for (JsonNode file : second.path("files")) {
            Locator row = page.locator("#run-files tr[data-object='" + file.path("object").asText() + "']");
            assertThat(row.locator("td[data-label=Rows]")).hasText(String.valueOf(file.path("rows").asLong()));
            assertThat(row.locator("td[data-label=Bytes]")).hasText(String.format(java.util.Locale.US, "%,d", file.path("bytes").asLong()));
        }
        shoot(page, "run-succeeded-retention");
        page.navigate(fx.base() + "/#/run/" + first.path("id").asText());
        assertThat(page.locator("#run-status .badge")).hasText("succeeded");
        assertThat(page.locator("#run-retention")).containsText("deleted nothing");

        // At 390 px the object names wrap at word-like points inside a card, not letter by letter in a squeezed cell.
        Page phone = browser.page(BrowserSession.NARROW);
        phone.navigate(fx.base() + "/#/run/" + second.path("id").asText());
        Locator object = phone.locator("#run-files td[data-label=Object]").first();
        assertThat(object).isVisible();
        Object width = object.evaluate("td => td.getBoundingClientRect().width");
        assertThat(((Number) width).doubleValue()).as("an object name's cell takes the card's width").isGreaterThan(300);
        BrowserSession.assertFitsWidth(phone, "a succeeded run's page");

        // A held run: its guards and their outcome, and its own button (no Retry).
        JsonNode ok = fx.awaitRun(fx.startRun("/api/activations/guarded/runs"));
        assertThat(ok.path("status").asText()).isEqualTo("succeeded");
        fx.sql("DELETE FROM customers WHERE id IN (1, 2)");
        JsonNode held = fx.awaitRun(fx.startRun("/api/activations/guarded/runs"));
        assertThat(held.path("status").asText()).isEqualTo("held");
        page.navigate(fx.base() + "/#/run/" + held.path("id").asText());
        assertThat(page.locator("#guards tr[data-guard=max_removed] .badge")).hasText("broken");
        assertThat(page.locator("#guards tr[data-guard=min_rows] .badge")).hasText("passed");
        assertThat(page.locator("#accept-held")).isVisible();
        assertThat(page.locator("#retry")).hasCount(0);
        shoot(page, "run-held-guards");
        assertThat(browser.requestsLeaving(fx.base())).isEmpty();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void theHistoryFiltersByActivationStatusAndDates() throws Exception {
        fx.awaitRun(fx.startRun("/api/activations/daily/runs"));
        fx.awaitRun(fx.startRun("/api/activations/flaky/runs")); // fails: its first upload is refused
        fx.awaitRun(fx.startRun("/api/activations/flaky/runs"));
        fx.awaitRun(fx.startRun("/api/activations/by_hand/runs"));

        Page page = browser.page(BrowserSession.WIDE);
        page.navigate(fx.base() + "/#/runs");
        Locator rows = page.locator("#runs tbody tr");
        assertThat(rows).hasCount(4);
        shoot(page, "runs-all");
        page.locator("#f-run-activation").selectOption("flaky");
        assertThat(rows).hasCount(2);
        assertThat(page.locator("#f-run-activation")).isFocused();
        assertThat(page.locator("#runs-total")).hasText("2 runs match.");
        page.locator("#f-run-status").selectOption("failed");
        assertThat(rows).hasCount(1);
        assertThat(rows.first()).hasAttribute("data-status", "failed");
        assertThat(page.locator("#f-run-activation")).hasValue("flaky");
        assertThat(page).hasURL(Pattern.compile(".*#/runs/\\?activation=flaky&status=failed"));

        String today = LocalDate.now(ZoneId.systemDefault()).toString();
        String yesterday = LocalDate.now(ZoneId.systemDefault()).minusDays(1).toString();
        String tomorrow = LocalDate.now(ZoneId.systemDefault()).plusDays(1).toString();
        page.locator("#run-filters-clear").click();
        assertThat(rows).hasCount(4);
        page.locator("#f-run-from").fill(tomorrow);
        assertThat(page.locator("#runs-empty")).containsText("No runs started in this range.");
        page.locator("#f-run-from").fill(today);
        assertThat(rows).hasCount(4);
        assertThat(page.locator("#f-run-from")).isFocused();
        page.locator("#f-run-to").fill(yesterday);
        assertThat(page.locator("#runs-empty")).containsText("The range ends before it starts");
        page.locator("#f-run-to").fill(today);
        assertThat(rows).hasCount(4);
        assertThat(page).hasURL(Pattern.compile(".*from=" + today + "&to=" + today));
        page.locator("#f-run-status").selectOption("succeeded");
        assertThat(rows).hasCount(3);
        BrowserSession.assertFitsWidth(page, "the runs list");

        // An activation's runs: the same filters, the activation fixed.
        page.navigate(fx.base() + "/#/runs/flaky");
        assertThat(rows).hasCount(2);
        assertThat(page.locator("#f-run-activation")).hasCount(0);
        page.locator("#f-run-status").selectOption("succeeded");
        assertThat(rows).hasCount(1);
        page.locator("#run-filters-clear").click();
        assertThat(rows).hasCount(2);
        shoot(page, "runs-of-activation-filtered");
        Page phone = browser.page(BrowserSession.NARROW);
        phone.navigate(fx.base() + "/#/runs");
        assertThat(phone.locator("#runs tbody tr")).hasCount(4);
        BrowserSession.assertFitsWidth(phone, "the runs list");
        for (String label : List.of("Activation", "Status", "Started from", "to")) {
            assertThat(phone.getByLabel(label, new Page.GetByLabelOptions().setExact(true))).hasCount(1);
        }
        assertThat(browser.requestsLeaving(fx.base())).isEmpty();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /** Screenshots of the page at both widths (the same address in a phone-sized page), each checked to fit 390 px. */
    private void shoot(Page page, String name) {
        BrowserSession.screenshot(page, name);
        shoot(page, name, BrowserSession.NARROW);
    }

    private void shoot(Page page, String name, int width) {
        Page phone = browser.page(width);
        phone.navigate(page.url());
        phone.locator("main h1").waitFor();
        BrowserSession.screenshot(phone, name);
        BrowserSession.assertFitsWidth(phone, name);
        phone.close();
    }
}
