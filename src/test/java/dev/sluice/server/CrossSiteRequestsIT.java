package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: the header rules against cross-site requests, over real HTTP. A request that changes
 * something is refused when the browser says it comes from another site (Sec-Fetch-Site) or from
 * another origin (Origin); a POST without a body carries X-Sluice-Request or Authorization. Clients
 * such as curl (no Origin, no Sec-Fetch-Site) and the server's own pages keep working. Also: a query
 * parameter given twice is a 400 naming it.
 */
class CrossSiteRequestsIT {
    private static final String HEADER = "X-Sluice-Request";
    private static final String TOKEN = "a-token-of-more-than-16-chars-csrf";

    @TempDir
    Path dir;
    ServerFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(fx.base() + path));
    }

    private static HttpRequest.BodyPublisher json(String body) {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    private ServerFixture.Response runNow(String... headers) {
        HttpRequest.Builder r = request("/api/activations/by_hand/runs").header("Content-Type", "application/json").POST(json(""));
        return fx.send(headers.length == 0 ? r : r.headers(headers));
    }

    /** Waits for the run to end and its activation to be free again (the run is recorded a moment before). */
    private void awaitRun(String id) throws InterruptedException {
        String activation = fx.awaitRun(id).path("activation").asText();
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(1).toNanos();
        while (fx.server.dispatcher().activeRun(activation).isPresent()) {
            assertThat(System.nanoTime()).as("activation %s still busy after run %s", activation, id).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private long runsRecorded() {
        return fx.get("/api/runs").json().path("total").asLong();
    }

    private static void assertRefused(ServerFixture.Response r, String detail) {
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.header("Content-Type")).startsWith(ProblemDetails.CONTENT_TYPE);
        assertThat(r.json().path("title").asText()).isEqualTo("Cross-site request refused");
        assertThat(r.json().path("detail").asText()).contains(detail).contains("Sluice changes nothing for another site's page");
    }

    @Test
    void aChangeTheBrowserSaysComesFromAnotherSiteIsRefused() throws Exception {
        fx = new ServerFixture(dir).start(false, null);
        for (String site : new String[] {"cross-site", "same-site", "Cross-Site"}) {
            assertRefused(runNow("Sec-Fetch-Site", site), "(Sec-Fetch-Site: " + site + ")");
            ServerFixture.Response held = fx.send(request("/api/activations/by_hand/runs?accept_held=true")
                    .header("Sec-Fetch-Site", site).POST(HttpRequest.BodyPublishers.noBody()));
            assertRefused(held, "Sec-Fetch-Site");
            ServerFixture.Response check = fx.send(request("/api/destinations/out/check?folder=probe")
                    .headers("Sec-Fetch-Site", site, HEADER, "1").POST(HttpRequest.BodyPublishers.noBody()));
            assertRefused(check, "Sec-Fetch-Site");
        }
        assertThat(fx.post("/api/activations", "{\"name\": \"kept\", \"model\": \"customers\", \"destination\": \"out\"}").status())
                .isEqualTo(201);
        Path kept = fx.activations.resolve("kept.yaml");
        String saved = Files.readString(kept);
        assertRefused(fx.send(request("/api/activations/kept").header("Sec-Fetch-Site", "cross-site").DELETE()), "Sec-Fetch-Site");
        assertRefused(fx.send(request("/api/activations/kept").headers("Sec-Fetch-Site", "cross-site", "Content-Type", "application/json")
                .PUT(json("{\"model\": \"customers\", \"destination\": \"out\", \"folder\": \"moved\"}"))), "Sec-Fetch-Site");
        assertRefused(fx.send(request("/api/activations").headers("Sec-Fetch-Site", "same-site", "Content-Type", "application/json")
                .POST(json("{\"name\": \"planted\", \"model\": \"customers\", \"destination\": \"out\"}"))), "Sec-Fetch-Site");

        assertThat(runsRecorded()).isZero();
        assertThat(fx.server.dispatcher().activeRun("by_hand")).isEmpty();
        assertThat(Files.readString(kept)).isEqualTo(saved);
        assertThat(fx.activations.resolve("planted.yaml")).doesNotExist();
        assertThat(fx.out).as("a probe writes the destination folder").doesNotExist();
        // Reading is not a change: the browser keeps another site's page from seeing the answer.
        assertThat(fx.send(request("/api/activations").header("Sec-Fetch-Site", "cross-site").GET()).status()).isEqualTo(200);
        // The browser's own pages say same-origin, or none when the user typed the address.
        ServerFixture.Response own = runNow("Sec-Fetch-Site", "same-origin");
        assertThat(own.status()).as(own.body()).isEqualTo(202);
        awaitRun(own.json().path("id").asText());
        ServerFixture.Response typed = runNow("Sec-Fetch-Site", "none");
        assertThat(typed.status()).as(typed.body()).isEqualTo(202);
        awaitRun(typed.json().path("id").asText());
    }

    @Test
    void aChangeFromAnotherOriginIsRefusedAndOneFromTheServersOwnIsServed() throws Exception {
        fx = new ServerFixture(dir).start(false, null);
        int port = fx.server.port();
        for (String origin : new String[] {"http://evil.example", "null", "http://127.0.0.1:" + (port == 65535 ? 1 : port + 1),
                "https://127.0.0.1:" + port, "http://localhost:" + port, "http://127.0.0.1.evil.example:" + port}) {
            ServerFixture.Response r = runNow("Origin", origin);
            assertRefused(r, "this request comes from a page at '" + origin + "', not from this server (http://127.0.0.1:" + port + ")");
            ServerFixture.Response check = fx.send(request("/api/destinations/out/check?folder=probe")
                    .headers("Origin", origin, HEADER, "1").POST(HttpRequest.BodyPublishers.noBody()));
            assertRefused(check, "this request comes from a page at");
        }
        assertThat(runsRecorded()).isZero();
        assertThat(fx.out).as("a probe writes the destination folder").doesNotExist();

        // The server's own page: Origin equal to scheme, host and port of the request's Host (the default port written or not).
        ServerFixture.Response own = runNow("Origin", fx.base());
        assertThat(own.status()).as(own.body()).isEqualTo(202);
        awaitRun(own.json().path("id").asText());
        ServerFixture.Response check = fx.send(request("/api/destinations/out/check").headers("Origin", "HTTP://127.0.0.1:" + port,
                "Content-Type", "application/json").POST(json("")));
        assertThat(check.status()).as(check.body()).isEqualTo(200);
        // A browser that vouches for the origin (Sec-Fetch-Site: same-origin): the web UI behind a reverse proxy.
        ServerFixture.Response proxied = runNow("Origin", "https://sluice.example.com", "Sec-Fetch-Site", "same-origin");
        assertThat(proxied.status()).as(proxied.body()).isEqualTo(202);
        awaitRun(proxied.json().path("id").asText());
        ServerFixture.Response unvouched = runNow("Origin", "https://sluice.example.com");
        assertRefused(unvouched, "start the server with --public-url https://sluice.example.com");
    }

    @Test
    void theConfiguredPublicUrlIsTheServersOwnOrigin() throws Exception {
        fx = new ServerFixture(dir).startWithPublicUrl("https://sluice.example.com/ui/");
        ServerFixture.Response own = runNow("Origin", "https://sluice.example.com");
        assertThat(own.status()).as(own.body()).isEqualTo(202);
        awaitRun(own.json().path("id").asText());
        ServerFixture.Response withPort = runNow("Origin", "https://sluice.example.com:443");
        assertThat(withPort.status()).as(withPort.body()).isEqualTo(202);
        awaitRun(withPort.json().path("id").asText());
        assertRefused(runNow("Origin", "http://sluice.example.com"),
                "not from this server (http://127.0.0.1:" + fx.server.port() + " or https://sluice.example.com)");
        assertRefused(runNow("Origin", "https://sluice.example.com:8443"), "https://sluice.example.com:8443");
        assertRefused(runNow("Origin", "https://evil.example"), "https://evil.example");
    }

    @Test
    void aPostWithoutBodyOrTypeCarriesTheRequestHeaderOrTheToken() throws Exception {
        fx = new ServerFixture(dir).start(false, null);
        // What fetch(url, {method: 'POST', mode: 'no-cors'}) or navigator.sendBeacon(url) of a browser
        // that sends no Origin would look like: no body, no type, no header of its own.
        ServerFixture.Response bare = fx.send(request("/api/activations/by_hand/runs?accept_held=true")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(bare.status()).as(bare.body()).isEqualTo(403);
        assertThat(bare.json().path("title").asText()).isEqualTo("Request header required");
        assertThat(bare.json().path("detail").asText()).isEqualTo("POST /api/activations/by_hand/runs without a body must carry "
                + "the header 'X-Sluice-Request: 1' (or 'Authorization: Bearer TOKEN'), which a web page of another site cannot send; "
                + "e.g. curl -X POST -H 'X-Sluice-Request: 1' URL");
        ServerFixture.Response bareCheck = fx.send(request("/api/destinations/out/check?folder=probe")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(bareCheck.status()).as(bareCheck.body()).isEqualTo(403);
        assertThat(runsRecorded()).isZero();
        assertThat(fx.out).as("a probe writes the destination folder").doesNotExist();

        // curl -X POST -H 'X-Sluice-Request: 1' URL
        ServerFixture.Response curl = fx.send(request("/api/activations/by_hand/runs").header(HEADER, "1")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(curl.status()).as(curl.body()).isEqualTo(202);
        awaitRun(curl.json().path("id").asText());
        ServerFixture.Response check = fx.send(request("/api/destinations/out/check?folder=probe").header(HEADER, "1")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(check.status()).as(check.body()).isEqualTo(200);
    }

    @Test
    void withATokenTheAuthorizationHeaderServesAndTheCookieAloneDoesNot() throws Exception {
        fx = new ServerFixture(dir).start(false, TOKEN);
        // fx.send adds 'Authorization: Bearer TOKEN', which no page of another site can send.
        ServerFixture.Response api = fx.send(request("/api/activations/by_hand/runs").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(api.status()).as(api.body()).isEqualTo(202);
        awaitRun(api.json().path("id").asText());
        long runs = runsRecorded();

        // The cookie is what a browser adds by itself (SameSite=Strict keeps it from other sites' pages, and still).
        String cookie = TokenAuth.COOKIE + "=" + TOKEN;
        ServerFixture.Response bare = fx.sendRaw(request("/api/activations/by_hand/runs?accept_held=true").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(bare.status()).as(bare.body()).isEqualTo(403);
        assertThat(bare.json().path("title").asText()).isEqualTo("Request header required");
        assertRefused(fx.sendRaw(request("/api/activations/by_hand/runs").headers("Cookie", cookie, "Sec-Fetch-Site", "same-site",
                "Content-Type", "application/json").POST(json("{}"))), "Sec-Fetch-Site: same-site");
        assertRefused(fx.sendRaw(request("/api/activations/by_hand/runs").headers("Cookie", cookie, "Origin", "http://evil.example",
                "Content-Type", "application/json").POST(json("{}"))), "http://evil.example");
        assertThat(runsRecorded()).isEqualTo(runs);
        // Without the token, 401 comes first.
        assertThat(fx.sendRaw(request("/api/activations/by_hand/runs").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(401);
        // The server's own page, with the cookie.
        ServerFixture.Response own = fx.sendRaw(request("/api/activations/by_hand/runs").headers("Cookie", cookie, "Origin", fx.base(),
                "Sec-Fetch-Site", "same-origin", "Content-Type", "application/json").POST(json("{}")));
        assertThat(own.status()).as(own.body()).isEqualTo(202);
        awaitRun(own.json().path("id").asText());
    }

    @Test
    void aQueryParameterGivenTwiceIsRefusedNamingIt() throws Exception {
        fx = new ServerFixture(dir).start(false, null);
        ServerFixture.Response twice = fx.post("/api/activations/by_hand/runs?accept_held=true&accept_held=false", "");
        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.fields()).containsExactly("accept_held");
        assertThat(twice.json().path("detail").asText()).isEqualTo("accept_held: given 2 times ('true', 'false'); give it once");
        ServerFixture.Response same = fx.post("/api/activations/by_hand/runs?accept_held=false&accept_held=false", "");
        assertThat(same.status()).as(same.body()).isEqualTo(400);
        assertThat(same.fields()).containsExactly("accept_held");
        assertThat(runsRecorded()).isZero();

        ServerFixture.Response folder = fx.post("/api/destinations/out/check?folder=a&folder=b", "");
        assertThat(folder.status()).as(folder.body()).isEqualTo(400);
        assertThat(folder.fields()).containsExactly("folder");
        assertThat(fx.out).as("a probe writes the destination folder").doesNotExist();
        assertThat(fx.get("/api/runs?limit=5&offset=0&limit=10").fields()).containsExactly("limit");
        assertThat(fx.get("/api/runs?status=failed&status=held").fields()).containsExactly("status");
        assertThat(fx.get("/api/runs?limit=5&offset=0").status()).isEqualTo(200);
        ServerFixture.Response once = fx.post("/api/activations/by_hand/runs?accept_held=false", "");
        assertThat(once.status()).as(once.body()).isEqualTo(202);
        awaitRun(once.json().path("id").asText());
    }
}
