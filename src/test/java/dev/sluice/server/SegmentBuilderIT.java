package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26, "Done when": in Chromium, a segment with nested groups is built on a model of 12,000
 * rows, each count the page shows checked against a DuckDB query written here; it is saved,
 * activated through the form "Activate" opens, run from the UI, and the exported file read back by
 * DuckDB's own CSV reader holds exactly the previewed rows.
 */
class SegmentBuilderIT {
    private static final String PEOPLE = "CREATE TABLE people AS SELECT i AS id, "
            + "CASE i % 5 WHEN 0 THEN 'FR' WHEN 1 THEN 'DE' WHEN 2 THEN 'SE' WHEN 3 THEN 'ES' ELSE 'IT' END AS country, "
            + "18 + (i * 7) % 63 AS age, (i % 11 = 0) AS vip, DATE '2020-01-01' + CAST((i * 13) % 2000 AS INTEGER) AS signed_up, "
            + "CAST((i % 1000) / 10.0 AS DOUBLE) AS spend "
            + "FROM range(1, 12001) t(i)";
    private static final String MODEL = """
            models:
              people:
                source: warehouse
                sql: SELECT * FROM people
                primary_key: [id]
            """;

    @TempDir
    Path dir;
    ServerFixture fx;
    BrowserSession browser;

    @BeforeEach
    void start() {
        fx = new ServerFixture(dir);
        fx.sql(PEOPLE);
        fx.write(ServerFixture.WORKSPACE.replace("models:\n", MODEL));
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

    private List<Long> duck(String sql) throws Exception {
        List<Long> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute("ATTACH '" + dir.resolve("warehouse.duckdb").toAbsolutePath() + "' AS w (READ_ONLY)");
            s.execute("USE w");
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    values.add(rs.getLong(1));
                }
            }
        }
        return values;
    }

    private long count(String where) throws Exception {
        return duck("SELECT count(*) FROM people WHERE " + where).get(0);
    }

    /** The count the page shows once the answer to the last edit has arrived. */
    private static long shownCount(Page page) {
        assertThat(page.locator("#seg-preview")).hasAttribute("data-state", "ok");
        return Long.parseLong(page.locator("#seg-count").getAttribute("data-count"));
    }

    private static Locator at(Page page, String path) {
        return page.locator("[data-path=\"" + path + "\"]");
    }

    @Test
    void aSegmentWithNestedGroupsIsBuiltWithLiveCountsSavedActivatedRunAndExportedExactly() throws Exception {
        Page page = browser.page(BrowserSession.WIDE);
        page.navigate(fx.base() + "/#/segments");
        assertThat(page.locator("tr[data-segment=french]")).containsText("written in");
        page.locator("text=New segment").click();

        page.locator("#s-name").fill("older_buyers");
        page.locator("#s-description").fill("older or VIP buyers in France and Sweden");
        page.locator("#s-model").selectOption("people");
        assertThat(shownCount(page)).as("no condition yet: the whole model").isEqualTo(count("TRUE")).isEqualTo(12_000);

        // 1. country in [FR, SE]
        page.locator("#seg-builder > .seg-group > .actions .add-cond").click();
        at(page, "filter.all[0]").locator(".cond-attr").selectOption("country");
        at(page, "filter.all[0]").locator(".cond-op").selectOption("in");
        at(page, "filter.all[0]").locator(".cond-value").fill("FR");
        at(page, "filter.all[0]").locator(".add-item").click();
        at(page, "filter.all[0]").locator(".cond-item").nth(1).fill("SE");
        String where = "country IN ('FR', 'SE')";
        long shown = shownCount(page);
        assertThat(shown).isEqualTo(count(where)).isEqualTo(4_800);
        assertThat(page.locator("#seg-share")).containsText("40.0% of 12,000");
        assertThat(page.locator("#seg-rows tbody tr")).hasCount(20);

        // 2. a nested group: any of (age >= 60, vip)
        page.locator("#seg-builder > .seg-group > .actions .add-group").click();
        Locator group = at(page, "filter.all[1]");
        assertThat(group.locator(".group-match")).hasValue("any");
        at(page, "filter.all[1].any[0]").locator(".cond-attr").selectOption("age");
        at(page, "filter.all[1].any[0]").locator(".cond-op").selectOption("gte");
        at(page, "filter.all[1].any[0]").locator(".cond-value").fill("60");
        long older = shownCount(page);
        assertThat(older).isEqualTo(count(where + " AND age >= 60")).isLessThan(shown);
        group.locator(":scope > .actions .add-cond").click();
        at(page, "filter.all[1].any[1]").locator(".cond-attr").selectOption("vip");
        at(page, "filter.all[1].any[1]").locator(".cond-op").selectOption("eq");
        at(page, "filter.all[1].any[1]").locator(".cond-value").selectOption("true");
        where += " AND (age >= 60 OR vip)";
        long olderOrVip = shownCount(page);
        assertThat(olderOrVip).isEqualTo(count(where)).isGreaterThan(older);

        // 3. signed up between two dates, with the date pickers
        page.locator("#seg-builder > .seg-group > .actions .add-cond").click();
        at(page, "filter.all[2]").locator(".cond-attr").selectOption("signed_up");
        at(page, "filter.all[2]").locator(".cond-op").selectOption("between");
        assertThat(at(page, "filter.all[2]").locator(".cond-low")).hasAttribute("type", "date");
        at(page, "filter.all[2]").locator(".cond-low").fill("2021-01-01");
        at(page, "filter.all[2]").locator(".cond-high").fill("2024-06-30");
        where += " AND signed_up BETWEEN DATE '2021-01-01' AND DATE '2024-06-30'";
        long finalCount = shownCount(page);
        assertThat(finalCount).isEqualTo(count(where)).isLessThan(olderOrVip).isGreaterThan(100);

        // A bad value is answered next to its condition, and removing the condition brings the count back.
        page.locator("#seg-builder > .seg-group > .actions .add-cond").click();
        at(page, "filter.all[3]").locator(".cond-attr").selectOption("signed_up");
        at(page, "filter.all[3]").locator(".cond-op").selectOption("within_last");
        at(page, "filter.all[3]").locator(".cond-value").fill("90 parsecs");
        assertThat(page.locator("#seg-preview")).hasAttribute("data-state", "error");
        assertThat(page.locator("[data-error-path=\"filter.all[3].value\"]")).containsText("90 parsecs");
        // Saving now is refused and the focus goes to the offending value; nothing is written.
        page.locator("#seg-save").click();
        assertThat(page.locator("#banner")).containsText("see the fields marked below");
        String bad = at(page, "filter.all[3]").locator(".cond-value").getAttribute("id");
        page.waitForFunction("id => document.activeElement && document.activeElement.id === id", bad);
        assertThat(dir.resolve("segments/older_buyers.yaml")).doesNotExist();
        at(page, "filter.all[3]").locator("button.remove").click();
        assertThat(shownCount(page)).isEqualTo(finalCount);
        BrowserSession.screenshot(page, "segment-builder");

        page.locator("#seg-save").click();
        page.waitForURL(Pattern.compile(".*#/segment/older_buyers$"));
        assertThat(page.locator("#banner")).containsText("saved");
        JsonNode saved = new YAMLMapper().readTree(dir.resolve("segments/older_buyers.yaml").toFile()).path("segments").path("older_buyers");
        assertThat(saved.path("model").asText()).isEqualTo("people");
        assertThat(saved.path("filter").path("all")).hasSize(3);
        assertThat(saved.path("filter").path("all").get(1).path("any")).hasSize(2);
        // The saved segment, drawn again from its file, counts the same.
        assertThat(at(page, "filter.all[1].any[1]").locator(".cond-attr")).hasValue("vip");
        assertThat(shownCount(page)).isEqualTo(finalCount);

        page.navigate(fx.base() + "/#/segments");
        assertThat(page.locator("tr[data-segment=older_buyers]")).containsText("editable");
        BrowserSession.screenshot(page, "segments");

        Page phone = browser.page(BrowserSession.NARROW);
        phone.navigate(fx.base() + "/#/segments");
        assertThat(phone.locator("tr[data-segment=older_buyers]")).isVisible();
        BrowserSession.assertFitsWidth(phone, "the segment list");
        BrowserSession.screenshot(phone, "segments");
        phone.navigate(fx.base() + "/#/segment/older_buyers");
        assertThat(shownCount(phone)).isEqualTo(finalCount);
        BrowserSession.assertFitsWidth(phone, "the segment builder");
        BrowserSession.screenshot(phone, "segment-builder");
        phone.navigate(fx.base() + "/#/segment/french");
        assertThat(phone.locator("#seg-readonly")).containsText("sluice.yaml");
        assertThat(phone.locator("#seg-save")).isHidden();
        BrowserSession.assertFitsWidth(phone, "a hand-written segment");

        // Activate: the activation form opens with the segment chosen.
        page.navigate(fx.base() + "/#/segment/older_buyers");
        page.locator("#seg-activate").click();
        assertThat(page.locator("#f-target")).hasValue("segment:older_buyers");
        page.locator("#f-name").fill("older_export");
        page.locator("#f-destination").selectOption("out");
        page.locator("#f-folder").fill("older");
        page.locator("#save").click();
        assertThat(page.locator("h1")).hasText("Runs of older_export");
        page.locator("#run-now").click();
        assertThat(page.locator("#runs tbody tr[data-status=succeeded]")).hasCount(1);

        Path csv;
        try (var files = Files.list(fx.out.resolve("older"))) {
            csv = files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
        }
        String read = "read_csv('" + csv.toAbsolutePath() + "', header = true)";
        assertThat(duck("SELECT count(*) FROM " + read).get(0)).isEqualTo(finalCount);
        assertThat(duck("SELECT id FROM " + read + " ORDER BY id")).isEqualTo(duck("SELECT id FROM people WHERE " + where + " ORDER BY id"));

        assertThat(browser.requestsLeaving(fx.base())).isEmpty();
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
