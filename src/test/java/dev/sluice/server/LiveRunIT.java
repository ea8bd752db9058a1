package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A run going in the server, over real HTTP (issue 25): held mid-way (its first file uploaded, the
 * second, the manifest, waiting), {@code GET /api/runs/{id}} shows its phase and counts so far from
 * the run's events, and the metrics have counted its rows and bytes before it ends.
 */
class LiveRunIT {
    @TempDir
    Path dir;

    @Test
    void aRunHeldMidWayShowsItsPhaseAndCountsSoFarAndTheMetricsCountThemAsItGoes() throws Exception {
        SecondUploadGate gate = new SecondUploadGate();
        try (ServerFixture fx = new ServerFixture(dir)) {
            fx.write(ServerFixture.WORKSPACE + """
                      live:
                        model: customers
                        destination: out
                        folder: live
                        manifest: true
                    """);
            fx.start(false, null, Duration.ofSeconds(60), config -> gate.wrap(config.open()));
            String id = fx.post("/api/activations/live/runs", "").json().path("id").asText();
            assertThat(gate.entered.await(10, TimeUnit.MINUTES)).isTrue();

            JsonNode run = fx.get("/api/runs/" + id).json();
            assertThat(run.path("status").asText()).isEqualTo("running");
            long first = gate.sizes.get(0);
            long total = first + gate.sizes.get(1);
            JsonNode progress = run.path("progress");
            assertThat(progress.path("phase").asText()).as(run.toString()).isEqualTo("stage");
            assertThat(progress.path("rowsRead").asLong()).isEqualTo(3);
            assertThat(progress.path("rowsWritten").asLong()).isEqualTo(3);
            assertThat(progress.path("filesWritten").asInt()).as("the data file and the manifest").isEqualTo(2);
            assertThat(progress.path("filesUploaded").asInt()).isEqualTo(1);
            assertThat(progress.path("bytesUploaded").asLong()).isEqualTo(first);
            assertThat(progress.path("filesToUpload").asInt()).isEqualTo(2);
            assertThat(progress.path("bytesToUpload").asLong()).isEqualTo(total);
            assertThat(progress.path("updatedAt").asText()).isGreaterThanOrEqualTo(run.path("startedAt").asText());
            assertThat(fx.get("/api/runs?activation=live").json().path("runs").get(0).path("progress")).isEqualTo(progress);

            Map<String, Double> during = MetricsIT.parse(fx.get("/metrics").body());
            // Rows read are counted from the run history (runs of every process): a run going counts when it ends.
            assertThat(during.get(MetricsIT.sample("sluice_rows_read_total", "activation", "live"))).isNull();
            assertThat(during.get(MetricsIT.sample("sluice_rows_written_total", "activation", "live"))).isEqualTo(3.0);
            assertThat(during.get(MetricsIT.sample("sluice_bytes_uploaded_total", "activation", "live"))).isEqualTo((double) first);
            assertThat(during.keySet()).noneMatch(k -> k.startsWith("sluice_runs_total"));

            gate.release();
            JsonNode ended = fx.awaitRun(id);
            assertThat(ended.path("status").asText()).isEqualTo("succeeded");
            assertThat(ended.has("progress")).as("an ended run is its record").isFalse();
            Map<String, Double> after = MetricsIT.parse(fx.get("/metrics").body());
            assertThat(after.get(MetricsIT.sample("sluice_rows_read_total", "activation", "live"))).isEqualTo(3.0);
            assertThat(after.get(MetricsIT.sample("sluice_bytes_uploaded_total", "activation", "live"))).isEqualTo((double) total);
            assertThat(after.get(MetricsIT.sample("sluice_bytes_published_total", "activation", "live"))).isEqualTo((double) total);
        }
    }

    /** Holds the second upload of the first destination a run opens until the test releases it; records each file's size. */
    private static final class SecondUploadGate {
        final CountDownLatch entered = new CountDownLatch(1);
        final List<Long> sizes = new CopyOnWriteArrayList<>();
        private final CountDownLatch open = new CountDownLatch(1);
        private volatile boolean used;

        void release() {
            open.countDown();
        }

        synchronized Destination wrap(Destination delegate) {
            if (used) {
                return delegate;
            }
            used = true;
            return new ForwardingDestination(delegate) {
                @Override
                public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
                    try {
                        sizes.add(Files.size(file));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (sizes.size() == 2) {
                        entered.countDown();
                        try {
                            open.await(10, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return delegate.upload(file, objectName, contentType, metadata);
                }
            };
        }
    }
}
