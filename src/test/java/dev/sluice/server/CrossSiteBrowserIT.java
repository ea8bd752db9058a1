package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: a page of another site, opened in a real Chromium (Debian's, driven by Playwright),
 * tries every state-changing route of a loopback server without a token: {@code fetch} in
 * {@code no-cors} mode with and without a body, a {@code cors} fetch with the route's own method,
 * {@code navigator.sendBeacon} with and without data, and auto-submitted forms (urlencoded, empty,
 * {@code text/plain} carrying JSON, multipart). The routes come from the server itself, so a new one
 * is attacked too. Nothing may start, nothing may be written: no run, no activation file created,
 * changed or deleted, no probe in the destination folder.
 */
class CrossSiteBrowserIT {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("SLUICE_CHROMIUM", "/usr/bin/chromium"));
    /** Answers from the server for each route (preflights aside): 2 fetches, 2 beacons, 4 forms. */
    private static final int REQUESTS_PER_ROUTE = 8;

    @TempDir
    Path dir;
    ServerFixture fx;
    HttpServer evil;
    Playwright playwright;
    Browser browser;

    @BeforeEach
    void start() throws Exception {
        fx = new ServerFixture(dir).start(false, null);
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync")));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (evil != null) {
            evil.stop(0);
        }
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aPageOfAnotherSiteChangesNothing() throws Exception {
        // An activation saved by the API (so that PUT and DELETE could touch its file), with guards,
        // whose next run is held: accept_held=true would publish past them.
        ServerFixture.Response created = fx.post("/api/activations", """
                {"name": "guarded", "model": "customers", "destination": "out", "folder": "guarded",
                 "file_name": "{activation}_{run}", "sync_mode": "upsert", "guards": {"max_removed": "10%", "min_rows": 1}}
                """);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(awaitRun(fx.post("/api/activations/guarded/runs", "")).path("status").asText()).isEqualTo("succeeded");
        fx.sql("DELETE FROM customers WHERE id IN (1, 2)");
        assertThat(awaitRun(fx.post("/api/activations/guarded/runs", "")).path("status").asText()).isEqualTo("held");

        List<Routes.Route> changing = fx.server.routes().stream().filter(r -> CrossSiteGuard.changes(r.method(), r.path())).toList();
        assertThat(changing).extracting(r -> r.method() + " " + r.path()).contains("POST /api/activations/{name}/runs",
                "POST /api/destinations/{name}/check", "PUT /api/activations/{name}", "DELETE /api/activations/{name}",
                "POST /api/activations");
        List<String> targets = new ArrayList<>();
        for (Routes.Route route : changing) {
            String path = route.path().replace("{name}", route.path().startsWith("/api/destinations/") ? "out" : "guarded");
            // accept_held for a run, a folder of its own for a check (a probe there would leave the folder's time changed).
            targets.add("{\"method\": \"" + route.method() + "\", \"url\": \"" + path + "?accept_held=true&folder=from-evil\"}");
        }

        long runs = fx.get("/api/runs").json().path("total").asLong();
        Map<String, String> activationFiles = tree(fx.activations);
        Map<String, String> written = tree(fx.out);
        String workspace = Files.readString(fx.yaml);

        evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String page = attackPage(fx.base(), String.join(",\n", targets));
        evil.createContext("/", exchange -> {
            byte[] html = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(html);
            }
        });
        evil.start();
        int evilPort = evil.getAddress().getPort();

        // Another port of the same host is another origin of the same site (Sec-Fetch-Site: same-site);
        // localhost against 127.0.0.1 is another site (cross-site).
        Map<String, List<String>> answered = new TreeMap<>();
        for (String from : List.of("http://127.0.0.1:" + evilPort, "http://localhost:" + evilPort)) {
            List<String> answers = new CopyOnWriteArrayList<>();
            answered.put(from, answers);
            Page attacker = browser.newPage();
            String server = fx.base();
            attacker.onResponse(r -> {
                if (r.url().startsWith(server) && !r.request().method().equals("OPTIONS")) {
                    answers.add(r.status() + " " + r.request().method() + " " + r.url().substring(server.length()));
                }
            });
            // Requests that end without an answer the page may use are reported as failed too, besides their
            // answer: forms (the answer may not be framed), beacons (the answer is dropped), and fetches in
            // cors mode (no preflight answer, so never sent).
            attacker.navigate(from + "/attack.html");
            assertThat(attacker.evaluate("() => attack()")).isEqualTo("sent");
            // A bound for a busy machine, not a speed requirement: beacons and forms are not awaited by the page.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (answers.size() < REQUESTS_PER_ROUTE * targets.size() && System.nanoTime() < deadline) {
                attacker.waitForTimeout(100);
            }
            attacker.waitForTimeout(500);
            attacker.close();
        }

        SoftAssertions nothing = new SoftAssertions();
        nothing.assertThat(fx.server.dispatcher().activeRun("guarded")).as("a run of guarded going").isEmpty();
        nothing.assertThat(fx.server.dispatcher().activeRun("by_hand")).as("a run of by_hand going").isEmpty();
        nothing.assertThat(fx.get("/api/runs").json().path("total").asLong()).as("runs recorded").isEqualTo(runs);
        nothing.assertThat(tree(fx.activations)).as("activation files").isEqualTo(activationFiles);
        nothing.assertThat(tree(fx.out)).as("the destination folder").isEqualTo(written);
        nothing.assertThat(Files.readString(fx.yaml)).as("the workspace").isEqualTo(workspace);
        nothing.assertAll();
        answered.forEach((from, answers) -> {
            assertThat(answers).as("answers to requests from %s", from).hasSizeGreaterThanOrEqualTo(REQUESTS_PER_ROUTE * targets.size());
            assertThat(answers).as("every answer to %s is a refusal", from).allMatch(answer -> answer.startsWith("403 "));
        });
    }

    private com.fasterxml.jackson.databind.JsonNode awaitRun(ServerFixture.Response started) throws InterruptedException {
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        com.fasterxml.jackson.databind.JsonNode run = fx.awaitRun(started.json().path("id").asText());
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (fx.server.dispatcher().activeRun(run.path("activation").asText()).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return run;
    }

    /** Every file and folder under {@code root}: its size, modification time and, for files, content. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    entries.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime().toInstant()
                            + (a.isRegularFile() ? " " + Files.readString(p) : "/"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return entries;
    }

    /** A page that sends every request a page may send to another origin without asking it first. */
    private static String attackPage(String server, String targets) {
        return """
                <!doctype html><meta charset=utf-8><title>Not Sluice</title><body>
                <script>
                const server = '%s';
                const targets = [%s];
                const body = JSON.stringify({name: 'evil', model: 'customers', destination: 'out'});
                let frames = 0;
                function form(url, enctype, fields) {
                  const name = 'frame' + (frames++);
                  const frame = document.createElement('iframe');
                  frame.name = name;
                  document.body.append(frame);
                  const f = document.createElement('form');
                  f.method = 'post';
                  f.action = url;
                  f.target = name;
                  if (enctype) f.enctype = enctype;
                  for (const [k, v] of fields) {
                    const input = document.createElement('input');
                    input.type = 'hidden';
                    input.name = k;
                    input.value = v;
                    f.append(input);
                  }
                  document.body.append(f);
                  f.submit();
                }
                async function attack() {
                  const waits = [];
                  for (const t of targets) {
                    const url = server + t.url;
                    waits.push(fetch(url, {method: 'POST', mode: 'no-cors', credentials: 'include'}).catch(e => e));
                    waits.push(fetch(url, {method: 'POST', mode: 'no-cors', credentials: 'include', body}).catch(e => e));
                    // Not sent: no-cors allows GET, HEAD and POST only; cors asks the server first, which never agrees.
                    if (t.method !== 'POST') waits.push(fetch(url, {method: t.method, mode: 'no-cors'}).catch(e => e));
                    waits.push(fetch(url, {method: t.method, mode: 'cors', credentials: 'include',
                        headers: {'Content-Type': 'application/json', 'X-Sluice-Request': '1'},
                        body: t.method === 'DELETE' ? undefined : body}).catch(e => e));
                    navigator.sendBeacon(url);
                    navigator.sendBeacon(url, body);
                    form(url, null, []);
                    form(url, null, [['name', 'evil'], ['model', 'customers'], ['destination', 'out']]);
                    form(url, 'text/plain', [[body.slice(0, -1) + ',"x":"', '"}']]);
                    form(url, 'multipart/form-data', [['name', 'evil']]);
                  }
                  await Promise.all(waits);
                  return 'sent';
                }
                </script>
                """.formatted(server, targets);
    }
}
