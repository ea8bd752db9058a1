package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the server (what SIGTERM does through the shutdown hook): runs going may end within the
 * grace period; a run still going after it is left with its snapshot untouched.
 */
class ServerShutdownIT {
    @TempDir
    Path dir;

    private static final class Gates {
        volatile GateDestination last;
    }

    @Test
    void aRunGoingWhenTheServerIsToldToStopFinishesWithinTheGracePeriod() throws Exception {
        Gates gates = new Gates();
        ServerFixture fx = new ServerFixture(dir).start(false, null, Duration.ofMinutes(10), config -> {
            gates.last = new GateDestination(config.open());
            return gates.last;
        });
        String id = fx.post("/api/activations/by_hand/runs", "").json().path("id").asText();
        waitFor(() -> gates.last != null);
        assertThat(gates.last.awaitEntered()).isTrue();

        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(fx.server::stop);
        waitFor(() -> fx.log.stream().anyMatch(l -> l.startsWith("stopping: no new runs")));
        // While it waits, the server starts no new run.
        ServerFixture.Response refused = fx.post("/api/activations/by_hand/runs", "");
        assertThat(refused.status()).isIn(409, 502);
        assertThat(stopped).isNotDone();

        gates.last.release();
        assertThat(stopped.get(10, TimeUnit.MINUTES)).isTrue();
        fx.server = null;
        Path state = dir.resolve(".sluice");
        assertThat(state.resolve("activations/by_hand/current.json")).exists();
        try (dev.sluice.history.RunStore store = new dev.sluice.history.RunStore(state)) {
            assertThat(store.get(id).orElseThrow().status().json()).isEqualTo("succeeded");
        }
    }

    @Test
    void aRunStillGoingAfterTheGracePeriodLeavesTheSnapshotUntouched() throws Exception {
        Gates gates = new Gates();
        ServerFixture fx = new ServerFixture(dir).start(false, null, Duration.ofMillis(200), config -> {
            gates.last = new GateDestination(config.open());
            return gates.last;
        });
        String id = fx.post("/api/activations/by_hand/runs", "").json().path("id").asText();
        waitFor(() -> gates.last != null);
        assertThat(gates.last.awaitEntered()).isTrue();

        Server server = fx.server;
        assertThat(server.stop()).isFalse();
        fx.server = null;
        assertThat(String.join("\n", fx.log)).contains("stopping with runs still going: their snapshots are untouched");
        Path state = dir.resolve(".sluice");
        assertThat(state.resolve("activations/by_hand/current.json")).doesNotExist();
        try (dev.sluice.history.RunStore store = new dev.sluice.history.RunStore(state)) {
            assertThat(store.get(id).orElseThrow().status().json()).isEqualTo("running");
        }
        // The process would end here; in this JVM the run's thread is let go with a failure.
        gates.last.failUpload();
        waitFor(() -> {
            try (dev.sluice.history.RunStore store = new dev.sluice.history.RunStore(state)) {
                return !store.get(id).orElseThrow().status().json().equals("running");
            }
        });
        assertThat(state.resolve("activations/by_hand/current.json")).doesNotExist();
        assertThat(Files.exists(dir.resolve("out/hand"))).isFalse();
        // After recording the failure, the run's thread still cleans its work folder, lets go of the
        // lock, and then opens the run history once more (the dispatcher checks the run recorded
        // itself): wait for the thread itself to end, so that nothing writes into the state folder
        // while the temporary folder is removed.
        assertThat(server.dispatcher().shutdown(Duration.ofMinutes(10))).as("the abandoned run's thread ended").isTrue();
    }

    /** Polls a condition; fails (never hangs) if it does not hold within ten minutes. */
    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition never held");
            }
            Thread.sleep(20);
        }
    }

}
