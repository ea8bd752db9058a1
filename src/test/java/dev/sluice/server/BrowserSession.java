package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A real headless Chromium (Debian's, driven by Playwright; nothing downloaded) for the web UI's
 * browser tests: pages at the two widths the UI is checked at, screenshots under target/web-ui/,
 * the width check, and a record of every request a page makes, to show none leaves the server.
 */
final class BrowserSession implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("SLUICE_CHROMIUM", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "web-ui");
    /** A desktop and a phone. */
    static final int WIDE = 1280;
    static final int NARROW = 390;

    private final Playwright playwright;
    private final Browser browser;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> consoleErrors = Collections.synchronizedList(new ArrayList<>());

    BrowserSession() {
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync")));
        // A bound for waiting on a run on a busy machine, not a speed requirement.
        PlaywrightAssertions.setDefaultAssertionTimeout(120_000);
    }

    /** A new page {@code width} px wide whose requests and console errors are recorded. */
    Page page(int width) {
        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(width, width == NARROW ? 844 : 900));
        page.onRequest(r -> requests.add(r.url()));
        page.onConsoleMessage(m -> {
            // The UI answers invalid input with the server's 400 on purpose; the browser logs those fetches.
            if (m.type().equals("error") && !m.text().startsWith("Failed to load resource: the server responded with a status of 4")) {
                consoleErrors.add(m.text());
            }
        });
        return page;
    }

    /** Every URL requested by this session's pages so far. */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The URLs requested that do not start with {@code base} (the server): none, for a page that works offline. */
    List<String> requestsLeaving(String base) {
        return requests().stream().filter(url -> !url.startsWith(base + "/") && !url.equals(base) && !url.startsWith("data:")).toList();
    }

    List<String> consoleErrors() {
        synchronized (consoleErrors) {
            return List.copyOf(consoleErrors);
        }
    }

    /** A full-page screenshot as target/web-ui/NAME-WIDTHpx.png. */
    static Path screenshot(Page page, String name) {
        Path file = SCREENSHOTS.resolve(name + "-" + page.viewportSize().width + "px.png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }

    /** The page fits its width: nothing scrolls sideways. */
    static void assertFitsWidth(Page page, String what) {
        Object widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        @SuppressWarnings("unchecked")
        List<Number> w = (List<Number>) widths;
        assertThat(w.get(0).intValue()).as(what + " at " + page.viewportSize().width + " px: the page is wider than the screen")
                .isLessThanOrEqualTo(w.get(1).intValue());
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
