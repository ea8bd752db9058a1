package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.destination.Destination;
import dev.sluice.destination.ForwardingDestination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.notify.Delivery;
import dev.sluice.notify.StallingReceiver;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a run started by the server ends, over real HTTP: whoever sees it ended can start the next
 * run of its activation at once, and a notification receiver that never answers (a real HTTP server
 * that takes the request and stays silent, with a 10-minute timeout) holds neither the activation
 * nor a run slot; stopping the server records such a delivery as not delivered.
 */
class RunEndIT {
    @TempDir
    Path dir;

    private static String hanging(StallingReceiver receiver) {
        return """
                notifications:
                  hang:
                    type: webhook
                    url: %s
                    events: [succeeded]
                    timeout: 10m
                """.formatted(receiver.url("/hook"));
    }

    @Test
    void runNowRightAfterARunWhoseWebhookHangsIsAccepted() throws Exception {
        try (StallingReceiver receiver = new StallingReceiver(StallingReceiver.Mode.SILENT); ServerFixture fx = new ServerFixture(dir)) {
            fx.write(ServerFixture.WORKSPACE + hanging(receiver));
            fx.start(false, null, Duration.ofSeconds(2), DestinationConfig::open);

            String first = fx.post("/api/activations/by_hand/runs", "").json().path("id").asText();
            assertThat(fx.awaitRun(first).path("status").asText()).isEqualTo("succeeded");
            ServerFixture.Response next = fx.post("/api/activations/by_hand/runs", "");
            assertThat(next.status()).as(next.body()).isEqualTo(202);
            assertThat(fx.awaitRun(next.json().path("id").asText()).path("status").asText()).isEqualTo("succeeded");
            assertThat(receiver.awaitRequest(60)).isTrue();
            assertThat(fx.get("/api/runs/" + first).json().path("notifications")).as("still being delivered").isEmpty();

            // Stopping: the grace period (2 s) ends with both deliveries still going; each is recorded as not delivered.
            assertThat(fx.server.stop()).isTrue();
            fx.server = null;
            try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
                List<Delivery> deliveries = new dev.sluice.history.NotificationLog(store.database()).notifications(first);
                assertThat(deliveries).singleElement().satisfies(d -> {
                    assertThat(d.name()).isEqualTo("hang");
                    assertThat(d.status()).isEqualTo(Delivery.FAILED);
                    assertThat(d.error()).startsWith("server stopped");
                });
                assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications(next.json().path("id").asText())).singleElement()
                        .satisfies(d -> assertThat(d.error()).startsWith("server stopped"));
            }
            assertThat(fx.log).anyMatch(l -> l.contains("recorded as not delivered (server stopped)"));
        }
    }

    @Test
    void withOneRunSlotASecondActivationRunsWhileAWebhookHangs() throws Exception {
        try (StallingReceiver receiver = new StallingReceiver(StallingReceiver.Mode.SILENT); ServerFixture fx = new ServerFixture(dir)) {
            fx.write(ServerFixture.WORKSPACE + """
                      other:
                        model: customers
                        destination: out
                        folder: other
                        notify: []
                    """ + hanging(receiver));
            fx.start(false, null, Duration.ofSeconds(2), 1, DestinationConfig::open);

            String first = fx.post("/api/activations/by_hand/runs", "").json().path("id").asText();
            assertThat(fx.awaitRun(first).path("status").asText()).isEqualTo("succeeded");
            assertThat(receiver.awaitRequest(60)).isTrue();

            // The one run slot is free although the webhook of by_hand's run has not answered (it would take 10 minutes).
            String other = fx.post("/api/activations/other/runs", "").json().path("id").asText();
            waitFor(Duration.ofSeconds(60), () -> !List.of("queued", "running").contains(fx.get("/api/runs/" + other).json()
                    .path("status").asText()));
            assertThat(fx.get("/api/runs/" + other).json().path("status").asText()).isEqualTo("succeeded");
            assertThat(receiver.received()).isEqualTo(1);
        }
    }

    @Test
    void aRunIsShownEndedOnlyOnceItsActivationIsFree() throws Exception {
        ClosingGate gate = new ClosingGate();
        try (ServerFixture fx = new ServerFixture(dir)) {
            fx.start(false, null, Duration.ofSeconds(60), config -> gate.wrap(config.open()));
            String id = fx.post("/api/activations/by_hand/runs", "").json().path("id").asText();
            // The run has recorded its outcome and is letting go of its destination, its lock not yet released.
            assertThat(gate.entered.await(10, TimeUnit.MINUTES)).isTrue();
            try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
                assertThat(store.get(id).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
            }
            JsonNode shown = fx.get("/api/runs/" + id).json();
            assertThat(shown.path("status").asText()).isEqualTo("running");
            assertThat(shown.path("endedAt").isNull()).isTrue();
            assertThat(fx.get("/api/runs?activation=by_hand").json().path("runs").get(0).path("status").asText()).isEqualTo("running");
            JsonNode activation = fx.get("/api/activations").json().path("activations").get(0);
            assertThat(activation.path("running").asText()).isEqualTo(id);
            assertThat(activation.path("last_run").path("status").asText()).isEqualTo("running");
            assertThat(fx.post("/api/activations/by_hand/runs", "").status()).as("the activation is not free yet").isEqualTo(409);

            gate.release();
            assertThat(fx.awaitRun(id).path("status").asText()).isEqualTo("succeeded");
            // Seen ended: the activation is free, so the next run is accepted at once.
            ServerFixture.Response next = fx.post("/api/activations/by_hand/runs", "");
            assertThat(next.status()).as(next.body()).isEqualTo(202);
            assertThat(fx.awaitRun(next.json().path("id").asText()).path("status").asText()).isEqualTo("succeeded");
        }
    }

    /** Polls a condition until it holds or {@code within} has passed. */
    private static void waitFor(Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Wraps the first destination a run opens so that closing it waits for the test (what a slow close looks like). */
    private static final class ClosingGate {
        final CountDownLatch entered = new CountDownLatch(1);
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
                public void close() {
                    entered.countDown();
                    try {
                        open.await(10, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    delegate.close();
                }
            };
        }
    }
}
