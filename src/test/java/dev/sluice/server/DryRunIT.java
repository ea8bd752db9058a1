package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "What would the next run write?" (issue 26, item 8): {@code POST /api/activations/dry-run} with
 * the form's unsaved settings answers what {@code sluice run --dry-run} answers, and writes nothing:
 * no file in the destination, no run in the history, no change of state (the next real run finds
 * exactly the changes the dry run announced).
 */
class DryRunIT {
    private static final String SAVED = """
            {"name": "fr", "model": "customers", "destination": "out", "folder": "dry", "file_name": "customers",
             "sync_mode": "upsert", "overwrite": true}""";

    @TempDir
    Path dir;
    ServerFixture fx;
    BrowserSession browser;

    @BeforeEach
    void start() throws Exception {
        fx = new ServerFixture(dir).start(false, null);
        assertThat(fx.post("/api/activations", SAVED).status()).isEqualTo(201);
        JsonNode first = fx.awaitRun(fx.startRun("/api/activations/fr/runs"));
        assertThat(first.path("status").asText()).isEqualTo("succeeded");
        // Since the first run: one row added, one updated, one removed.
        fx.sql("INSERT INTO customers VALUES (4, 'di@example.com', 'ES', 1)", "UPDATE customers SET score = 4 WHERE id = 2",
                "DELETE FROM customers WHERE id = 3");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        fx.close();
    }

    /** {@code sluice run NAME --dry-run --json} on the same workspace and state, in-process. */
    private JsonNode cliDryRun(String activation) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cmd = dev.sluice.cli.Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute("run", activation, "--dry-run", "--json", "-c", fx.yaml.toString());
        assertThat(code).as(err.toString()).isZero();
        return ServerFixture.JSON.readTree(out.toString());
    }

    private List<String> destinationFiles() throws IOException {
        try (Stream<Path> files = Files.walk(fx.out)) {
            return files.filter(Files::isRegularFile).map(p -> fx.out.relativize(p).toString()).sorted().toList();
        }
    }

    private static List<String> files(JsonNode run) {
        List<String> files = new ArrayList<>();
        run.path("files").forEach(f -> files.add(f.path("output").asText() + " " + f.path("object").asText() + " " + f.path("rows").asLong()));
        return files;
    }

    private static String counts(JsonNode run) {
        JsonNode c = run.path("counts");
        return run.path("kind").asText() + " read " + c.path("read") + " added " + c.path("added") + " updated " + c.path("updated")
                + " removed " + c.path("removed") + " unchanged " + c.path("unchanged") + " skipped " + c.path("skipped");
    }

    @Test
    void theApiAnswersWhatTheCliAnswersAndNothingIsWritten() throws Exception {
        List<String> before = destinationFiles();
        String savedFile = Files.readString(fx.activations.resolve("fr.yaml"));

        ServerFixture.Response r = fx.post("/api/activations/dry-run", SAVED);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode api = r.json();
        assertThat(api.path("status").asText()).isEqualTo("dry_run");
        assertThat(counts(api)).isEqualTo("delta read 3 added 1 updated 1 removed 1 unchanged 1 skipped 0");
        assertThat(files(api)).containsExactly("added_or_updated dry/customers.csv 2");

        JsonNode cli = cliDryRun("fr");
        assertThat(counts(api)).isEqualTo(counts(cli));
        assertThat(files(api)).isEqualTo(files(cli));

        // Unsaved settings: a difference activation under another name, never saved.
        ServerFixture.Response unsaved = fx.post("/api/activations/dry-run", SAVED.replace("\"upsert\"", "\"difference\"")
                .replace("\"customers\",\n", "\"customers_{run}\",\n"));
        assertThat(unsaved.status()).as(unsaved.body()).isEqualTo(200);
        List<String> diff = files(unsaved.json());
        assertThat(diff).hasSize(3);
        assertThat(diff.get(0)).matches("new_keys dry/customers_\\d{8}T\\d{6}\\S*_added\\.csv 1");
        assertThat(diff.get(2)).matches("removed dry/customers_\\S+_removed\\.csv 1");

        assertThat(destinationFiles()).as("nothing written to the destination").isEqualTo(before);
        assertThat(Files.readString(fx.activations.resolve("fr.yaml"))).as("nothing saved").isEqualTo(savedFile);
        assertThat(fx.get("/api/runs?activation=fr").json().path("total").asInt()).as("no run recorded").isEqualTo(1);
        // The state is as it was: the next real run finds exactly the changes the dry runs announced.
        JsonNode real = fx.awaitRun(fx.startRun("/api/activations/fr/runs"));
        assertThat(counts(real)).as(real.toString()).isEqualTo(counts(api));
        assertThat(files(real)).as(real.toString()).isEqualTo(files(api));
    }

    @Test
    void invalidUnsavedSettingsAreNamedByTheirField() {
        ServerFixture.Response r = fx.post("/api/activations/dry-run", SAVED.replace("\"upsert\"", "\"upsrt\""));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.fields()).contains("sync_mode");
        ServerFixture.Response unknown = fx.post("/api/activations/dry-run", SAVED.replace("\"customers\", \"destination\"",
                "\"nope\", \"destination\""));
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.fields()).contains("model");
    }

    @Test
    void theFormShowsTheDryRunOfItsUnsavedSettings() throws Exception {
        JsonNode cli = cliDryRun("fr");
        List<String> before = destinationFiles();
        browser = new BrowserSession();
        for (int width : new int[] {BrowserSession.WIDE, BrowserSession.NARROW}) {
            Page page = browser.page(width);
            page.navigate(fx.base() + "/#/edit/fr");
            assertThat(page.locator("#f-folder")).hasValue("dry");
            page.locator("#dry-run-button").click();
            Locator rows = page.locator("#dry-run-files tbody tr");
            assertThat(rows).hasCount(cli.path("files").size());
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < rows.count(); i++) {
                Locator cells = rows.nth(i).locator("td");
                shown.add(cells.nth(0).innerText().replaceAll("^Output: ", "").replace(' ', '_') + " "
                        + cells.nth(1).innerText().replaceAll("^Object: ", "") + " " + cells.nth(2).innerText().replaceAll("^Rows: ", "").replace(",", ""));
            }
            assertThat(shown).isEqualTo(files(cli));
            JsonNode c = cli.path("counts");
            assertThat(page.locator("#dry-run-summary")).hasText("A " + cli.path("kind").asText() + " run would export from " + c.path("read")
                    + " rows read (" + c.path("added") + " added, " + c.path("updated") + " updated, " + c.path("removed") + " removed, "
                    + c.path("unchanged") + " unchanged, " + c.path("skipped") + " left out).");
            BrowserSession.screenshot(page, "activation-dry-run");
            BrowserSession.assertFitsWidth(page, "the activation form with a dry run");

            // An unsaved change is what the dry run answers for; an invalid one is marked on its field and focused.
            page.locator("#f-folder").fill("elsewhere");
            page.locator("#dry-run-button").click();
            assertThat(page.locator("#dry-run-files")).containsText("elsewhere/customers.csv");
            page.locator("#f-folder").fill("../up");
            page.locator("#dry-run-button").click();
            assertThat(page.locator("#err-folder")).not().isEmpty();
            assertThat(page.locator("#f-folder")).isFocused();
        }
        assertThat(destinationFiles()).as("nothing written to the destination").isEqualTo(before);
        assertThat(fx.get("/api/runs?activation=fr").json().path("total").asInt()).as("no run recorded").isEqualTo(1);
        assertThat(browser.requestsLeaving(fx.base())).isEmpty();
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
