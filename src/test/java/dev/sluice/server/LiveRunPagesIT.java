package dev.sluice.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.sluice.destination.Destination;
import dev.sluice.destination.ForwardingDestination;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live run in the web UI (issue 26, item 5), in Chromium against a real server: the run is held
 * at three points (its first upload and its second, in phase {@code stage}; its first move of a
 * staged file to its final name, in phase {@code publish}), and at each the run page, the activation's runs and the activations list
 * show the phase and the rows and bytes so far that {@code GET /api/runs/{id}} answers at that moment;
 * when it ends, the final record replaces the progress, with no page reload (a marker set on
 * {@code window} before the run survives) and the focus where the user left it.
 */
class LiveRunPagesIT {
    @TempDir
    Path dir;

    @Test
    void aRunGoingIsFollowedInPlaceOnItsPageAndInTheListsUntilItsRecordReplacesTheProgress() throws Exception {
        Holds holds = new Holds(3);
        try (ServerFixture fx = new ServerFixture(dir); BrowserSession browser = new BrowserSession()) {
            fx.write(ServerFixture.WORKSPACE + """
                      live:
                        model: customers
                        destination: out
                        folder: live
                        manifest: true
                    """);
            fx.start(false, null, Duration.ofSeconds(60), config -> holds.wrap(config.open()));
            Page runs = browser.page(BrowserSession.WIDE);
            runs.navigate(fx.base() + "/#/runs/live");
            assertThat(runs.locator("main")).containsText("No runs yet.");
            Page list = browser.page(BrowserSession.NARROW);
            list.navigate(fx.base() + "/");
            assertThat(list.locator("tr[data-activation=live] td[data-cell=last-run]")).containsText("never run");
            for (Page p : List.of(runs, list)) {
                p.evaluate("() => { window.sluiceMarker = 'no reload'; }");
            }

            runs.locator("#run-now").click();
            assertThat(holds.await(0)).isTrue();
            String id = fx.get("/api/runs?activation=live").json().path("runs").get(0).path("id").asText();
            Page run = browser.page(BrowserSession.WIDE);
            run.navigate(fx.base() + "/#/run/" + id);
            run.evaluate("() => { window.sluiceMarker = 'no reload'; }");

            // First state: read and written, uploading, nothing uploaded yet.
            JsonNode staging = progress(fx, id);
            assertThat(staging.path("phase").asText()).isEqualTo("stage");
            long total = staging.path("bytesToUpload").asLong();
            Locator live = run.locator("#run-progress .progress");
            assertThat(live).hasAttribute("data-phase", "stage");
            assertThat(live.locator("[data-progress=phase]")).hasText("uploading");
            assertThat(live.locator("[data-progress=rowsRead]")).hasText(String.valueOf(staging.path("rowsRead").asLong()));
            assertThat(live.locator("[data-progress=rowsWritten]")).hasText(String.valueOf(staging.path("rowsWritten").asLong()));
            assertThat(live.locator("[data-progress=rowsRead]")).hasText("3");
            assertThat(live.locator("[data-progress=bytesUploaded]")).hasAttribute("data-value", "0");
            assertThat(live.locator("[data-progress=bytesToUpload]")).hasAttribute("data-value", String.valueOf(total));
            assertThat(live).containsText("0 of 2 files");
            assertThat(run.locator("#run-status .badge")).hasText("running");
            assertThat(run.locator("#run-files h2")).hasText("Files being published");
            Locator row = runs.locator("#runs tr[data-run='" + id + "']");
            assertThat(row.locator(".progress")).hasAttribute("data-phase", "stage");
            assertThat(row.locator("[data-progress=rowsRead]")).hasText("3");
            assertThat(runs.locator("#run-now")).isDisabled();
            Locator cell = list.locator("tr[data-activation=live] td[data-cell=last-run]");
            assertThat(cell.locator(".progress")).hasAttribute("data-phase", "stage");
            assertThat(cell.locator("[data-progress=rowsRead]")).hasText("3");
            assertThat(list.locator("tr[data-activation=live] button[data-action=run-now]")).isDisabled();
            run.locator("#run-actions a.button").focus();
            BrowserSession.screenshot(run, "live-run-uploading");

            // Second state: the data file uploaded, the manifest held.
            holds.release(0);
            assertThat(holds.await(1)).isTrue();
            JsonNode uploading = progress(fx, id);
            long first = holds.sizes.get(0);
            assertThat(uploading.path("phase").asText()).isEqualTo("stage");
            assertThat(uploading.path("bytesUploaded").asLong()).isEqualTo(first);
            assertThat(live.locator("[data-progress=bytesUploaded]")).hasAttribute("data-value", String.valueOf(first));
            assertThat(live).containsText("1 of 2 files");
            assertThat(live.locator("progress")).hasAttribute("value", String.valueOf(first));
            assertThat(cell.locator("[data-progress=bytesUploaded]")).hasAttribute("data-value", String.valueOf(first));
            BrowserSession.screenshot(list, "live-run-activations");

            // Third state: every file uploaded, publishing (the first move to a final name held).
            holds.release(1);
            assertThat(holds.await(2)).isTrue();
            JsonNode publishing = progress(fx, id);
            assertThat(publishing.path("phase").asText()).isEqualTo("publish");
            assertThat(publishing.path("bytesUploaded").asLong()).isEqualTo(total);
            assertThat(total).isEqualTo(holds.sizes.get(0) + holds.sizes.get(1));
            assertThat(live).hasAttribute("data-phase", "publish");
            assertThat(live.locator("[data-progress=phase]")).hasText("publishing");
            assertThat(live.locator("[data-progress=bytesUploaded]")).hasAttribute("data-value", String.valueOf(total));
            assertThat(row.locator(".progress")).hasAttribute("data-phase", "publish");
            BrowserSession.screenshot(run, "live-run-publishing");

            // The end: the record replaces the progress, on every page, without a reload.
            holds.release(2);
            JsonNode ended = fx.awaitRun(id);
            assertThat(ended.path("status").asText()).isEqualTo("succeeded");
            assertThat(run.locator("#run-status .badge")).hasText("succeeded");
            assertThat(run.locator("#run-progress")).hasCount(0);
            assertThat(run.locator("#run-counts [data-count=read]")).hasText("3");
            assertThat(run.locator("#run-counts [data-count=added]")).hasText("3");
            assertThat(run.locator("#run-files h2")).hasText("Files");
            assertThat(run.locator("#run-files tbody tr")).hasCount(ended.path("files").size());
            for (JsonNode file : ended.path("files")) {
                assertThat(run.locator("#run-files tr[data-object='" + file.path("object").asText() + "']"))
                        .containsText(String.valueOf(file.path("bytes").asLong()));
            }
            assertThat(row).hasAttribute("data-status", "succeeded");
            assertThat(row.locator(".progress")).hasCount(0);
            assertThat(row.locator("td[data-label=Read]")).hasText("3");
            assertThat(runs.locator("#run-now")).isEnabled();
            assertThat(cell.locator(".badge")).hasText("succeeded");
            assertThat(cell.locator("[data-count=read]")).hasText("3");
            assertThat(list.locator("tr[data-activation=live] button[data-action=run-now]")).isEnabled();
            for (Page p : List.of(run, runs, list)) {
                assertThat(p.evaluate("() => window.sluiceMarker")).as("the page was not reloaded").isEqualTo("no reload");
            }
            assertThat(run.evaluate("() => document.activeElement.textContent")).as("the focus stayed where the user left it")
                    .isEqualTo("All runs of live");
            BrowserSession.screenshot(run, "live-run-ended");
            BrowserSession.assertFitsWidth(list, "the activations list with a run going and ended");
            assertThat(browser.requestsLeaving(fx.base())).isEmpty();
            assertThat(browser.consoleErrors()).isEmpty();
        } finally {
            holds.releaseAll();
        }
    }

    /** The run's progress as the API answers it now. */
    private static JsonNode progress(ServerFixture fx, String id) {
        JsonNode run = fx.get("/api/runs/" + id).json();
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("running");
        return run.path("progress");
    }

    /**
     * Holds the first destination a run opens at each of its first two uploads and at its first
     * publish, until the test releases each hold; records each uploaded file's size.
     */
    private static final class Holds {
        final List<Long> sizes = new CopyOnWriteArrayList<>();
        private final List<CountDownLatch> entered = new CopyOnWriteArrayList<>();
        private final List<CountDownLatch> open = new CopyOnWriteArrayList<>();
        private volatile boolean used;

        Holds(int count) {
            for (int i = 0; i < count; i++) {
                entered.add(new CountDownLatch(1));
                open.add(new CountDownLatch(1));
            }
        }

        boolean await(int hold) throws InterruptedException {
            return entered.get(hold).await(10, TimeUnit.MINUTES);
        }

        void release(int hold) {
            open.get(hold).countDown();
        }

        void releaseAll() {
            open.forEach(CountDownLatch::countDown);
        }

        private void hold(int hold) {
            entered.get(hold).countDown();
            try {
                open.get(hold).await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized Destination wrap(Destination delegate) {
            if (used) {
                return delegate;
            }
            used = true;
            return new ForwardingDestination(delegate) {
                private int uploads;
                private boolean published;

                @Override
                public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
                    try {
                        sizes.add(Files.size(file));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    int upload = uploads++;
                    if (upload < 2) {
                        hold(upload);
                    }
                    return delegate.upload(file, objectName, contentType, metadata);
                }

                @Override
                public String publish(String stagedName, String finalName, boolean overwrite) {
                    if (!published) {
                        published = true;
                        hold(2);
                    }
                    return delegate.publish(stagedName, finalName, overwrite);
                }
            };
        }
    }
}
