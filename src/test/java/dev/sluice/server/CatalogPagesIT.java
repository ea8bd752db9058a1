package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import dev.sluice.gcs.FakeGcs;
import dev.sluice.gcs.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models and destinations pages (issue 26, item 3) on a real server: a model's columns, key,
 * count and first rows as DuckDB has them; destinations with their settings, secrets masked, and
 * the Test button's answer from a real check against {@link FakeGcs} over HTTP and a local folder,
 * including a key that lacks a permission. No secret of the workspace ever leaves the server.
 */
class CatalogPagesIT {
    @TempDir
    Path dir;
    FakeGcs fake;
    String key;
    ServerFixture fx;
    BrowserSession browser;

    @BeforeEach
    void start() {
        fake = new FakeGcs(dir.resolve("fake")).createBucket("acme-activation");
        key = TestKeys.serviceAccountKey(fake);
        fx = new ServerFixture(dir);
        fx.sql("CREATE TABLE events AS SELECT i AS event_id, 'e' || i AS name, TIMESTAMP '2026-01-01 00:00:00' + to_seconds(i) AS at, "
                + "i % 2 = 0 AS even FROM range(45) t(i)");
        fx.write(ServerFixture.WORKSPACE
                .replace("destinations:\n", "destinations:\n  fake: {type: gcs, bucket: acme-activation, credentials_json: \"${FAKE_GCS_KEY}\", "
                        + "endpoint: \"" + fake.endpoint() + "\", max_attempts: 2}\n")
                .replace("models:\n", "models:\n  events:\n    source: warehouse\n    sql: SELECT * FROM events\n    primary_key: [event_id]\n"));
        fx.startWithEnvironment(Map.of("FAKE_GCS_KEY", key));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        fx.close();
        fake.close();
    }

    /** Every secret the workspace or the server's environment holds: none may appear in an answer. */
    private List<String> secrets() {
        String body = TestKeys.privateKeyBody(key);
        return List.of(ServerFixture.PG_PASSWORD, ServerFixture.PLANTED, "MIIEvgIBADAN-never-shown", body.substring(0, 40),
                body.substring(body.length() / 2, body.length() / 2 + 40), "0123456789abcdef0123456789abcdef01234567", "PRIVATE KEY");
    }

    private void assertNoSecretLeft(List<String> seen) {
        for (String text : seen) {
            for (String secret : secrets()) {
                assertThat(text).as("a secret in an answer").doesNotContain(secret);
            }
        }
    }

    @Test
    void aModelsColumnsCountAndFirstRowsComeFromItsSource() {
        ServerFixture.Response r = fx.get("/api/models/customers");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.path("source").asText()).isEqualTo("warehouse");
        assertThat(m.path("primary_key").toString()).isEqualTo("[\"id\"]");
        assertThat(m.path("count").asLong()).isEqualTo(3);
        List<String> columns = new ArrayList<>();
        m.path("columns").forEach(c -> columns.add(c.path("name").asText() + ":" + c.path("type").asText() + ":" + c.path("source_type").asText()));
        assertThat(columns).containsExactly("id:integer:INTEGER", "email:string:VARCHAR", "country:string:VARCHAR", "score:floating:DOUBLE");
        assertThat(m.path("sample").path("columns").toString()).isEqualTo("[\"id\",\"email\",\"country\",\"score\"]");
        assertThat(m.path("sample").path("rows")).hasSize(3);
        assertThat(m.path("sample").path("rows").get(0).toString()).isEqualTo("[1,\"ana@example.com\",\"FR\",10.5]");

        JsonNode events = fx.get("/api/models/events").json();
        assertThat(events.path("count").asLong()).as("the whole count, not the sample's").isEqualTo(45);
        assertThat(events.path("sample").path("rows")).as("the first 20 rows").hasSize(20);
        assertThat(events.path("sample").path("rows").get(3).toString()).isEqualTo("[3,\"e3\",\"2026-01-01T00:00:03\",false]");

        ServerFixture.Response missing = fx.get("/api/models/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("detail").asText()).contains("no model named 'nope'");
        ServerFixture.Response segment = fx.get("/api/models/french");
        assertThat(segment.status()).as("a segment is not a model").isEqualTo(404);

        ServerFixture.Response unreachable = fx.get("/api/models/pg_orders");
        assertThat(unreachable.status()).as(unreachable.body()).isEqualTo(502);
        assertNoSecretLeft(fx.bodies);
    }

    @Test
    void destinationsShowTheirSettingsWithSecretsMaskedAndTheCheckNamesAMissingPermission() {
        JsonNode list = fx.get("/api/destinations").json().path("destinations");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        list.forEach(d -> byName.put(d.path("name").asText(), d));
        assertThat(setting(byName.get("bucket"), "credentials_json")).isEqualTo("from ${GCS_KEY}");
        assertThat(setting(byName.get("bucket"), "bucket")).isEqualTo("acme-activation");
        assertThat(setting(byName.get("fake"), "credentials_json")).isEqualTo("from ${FAKE_GCS_KEY}");
        assertThat(setting(byName.get("fake"), "endpoint")).isEqualTo(fake.endpoint());
        assertThat(setting(byName.get("out"), "path")).isEqualTo("out");
        assertThat(byName.get("fake").path("where").asText()).isEqualTo("gs://acme-activation at " + fake.endpoint());

        ServerFixture.Response ok = fx.post("/api/destinations/fake/check", "");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(fake.objects("acme-activation")).as("the probe is deleted").isEmpty();
        fake.revoke("storage.objects.create");
        ServerFixture.Response refused = fx.post("/api/destinations/fake/check", "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("detail").asText()).contains("lack the permission storage.objects.create on bucket acme-activation")
                .contains("roles/storage.objectAdmin");
        assertNoSecretLeft(fx.bodies);
    }

    @Test
    void aKeyWrittenInTheFileIsShownAsSetNeverItsValue() throws Exception {
        String written = Files.readString(fx.yaml).replace("credentials_json: \"${GCS_KEY}\"",
                "credentials_json: '{\"type\":\"service_account\",\"private_key\":\"written-in-the-file-never-shown\"}'");
        fx.write(written);
        JsonNode list = fx.get("/api/destinations").json().path("destinations");
        JsonNode bucket = null;
        for (JsonNode d : list) {
            bucket = d.path("name").asText().equals("bucket") ? d : bucket;
        }
        assertThat(setting(bucket, "credentials_json")).isEqualTo("set");
        assertThat(String.join("\n", fx.bodies)).doesNotContain("written-in-the-file-never-shown");
    }

    private static String setting(JsonNode destination, String key) {
        for (JsonNode s : destination.path("settings")) {
            if (s.path("key").asText().equals(key)) {
                return s.path("value").asText();
            }
        }
        return null;
    }

    @Test
    void theModelsAndDestinationsPagesInTheBrowser() {
        // pg_orders's source does not answer (a 502 the browser would log as an error): this workspace leaves it out.
        fx.write(readYaml().replaceAll("  pg_orders:\\n(    .*\\n){3}", ""));
        browser = new BrowserSession();
        for (int width : new int[] {BrowserSession.WIDE, BrowserSession.NARROW}) {
            Page page = browser.page(width);
            page.navigate(fx.base() + "/#/models");
            assertThat(page.locator("td[data-count-of=customers]")).hasText("3");
            assertThat(page.locator("td[data-count-of=events]")).hasText("45");
            assertThat(page.locator("header.top nav a[aria-current=page]")).hasText("Models");
            BrowserSession.screenshot(page, "models");
            BrowserSession.assertFitsWidth(page, "the models page");

            page.locator("tr[data-model=events] a").click();
            assertThat(page.locator("#model-count")).hasText("45");
            assertThat(page.locator("tr[data-column=event_id]")).containsText("key");
            assertThat(page.locator("tr[data-column=at]")).containsText("timestamp");
            assertThat(page.locator("#model-sample tbody tr")).hasCount(20);
            assertThat(page.locator("#model-sample tbody tr").nth(3)).containsText("e3");
            BrowserSession.screenshot(page, "model");
            BrowserSession.assertFitsWidth(page, "the model page");

            page.navigate(fx.base() + "/#/destinations");
            assertThat(page.locator("[data-destination=bucket] [data-setting=credentials_json]")).hasText("secret from ${GCS_KEY}");
            fake.restore("storage.objects.create");
            page.locator("button[data-test=fake]").click();
            assertThat(page.locator("#check-fake")).containsText("ok: wrote, read back and deleted a probe object in gs://acme-activation");
            page.locator("button[data-test=out]").click();
            assertThat(page.locator("#check-out")).containsText("ok: wrote, read back and deleted a probe object");
            fake.revoke("storage.objects.create");
            page.locator("button[data-test=fake]").click();
            assertThat(page.locator("#check-fake")).containsText("lack the permission storage.objects.create");
            assertThat(page.locator("#check-fake")).containsText("roles/storage.objectAdmin");
            assertThat(page.locator("#check-fake.failed")).isVisible();
            BrowserSession.screenshot(page, "destinations");
            BrowserSession.assertFitsWidth(page, "the destinations page");
            assertNoSecretLeft(List.of(page.content()));
        }
        assertThat(browser.requestsLeaving(fx.base())).isEmpty();
        assertThat(browser.consoleErrors()).isEmpty();
        assertNoSecretLeft(fx.bodies);
    }

    private String readYaml() {
        try {
            return Files.readString(fx.yaml);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
