package dev.sluice.run;

import dev.sluice.history.RunRecord;
import dev.sluice.history.Counts;
import dev.sluice.history.RunStore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.notify.Delivery;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.StallingReceiver;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery worker with real webhooks against a receiver that never answers: its queue is
 * bounded, and what does not fit, or is still going when it stops, is recorded as not delivered.
 */
class DeliveriesIT {
    @TempDir
    Path dir;

    @Test
    void aFullQueueAndAStopAreRecordedAsNotDelivered() throws Exception {
        try (StallingReceiver receiver = new StallingReceiver(StallingReceiver.Mode.SILENT)) {
            Path file = dir.resolve("sluice.yaml");
            Files.writeString(file, """
                    models:
                      numbers: {sql: "SELECT 1 AS id", primary_key: [id]}
                    destinations:
                      out: {type: local, path: out}
                    notifications:
                      first: {type: webhook, url: "%1$s", events: [succeeded], timeout: 10m}
                      second: {type: webhook, url: "%1$s", events: [succeeded], timeout: 10m}
                    activations:
                      numbers_out: {model: numbers, destination: out}
                    """.formatted(receiver.url("/hook")));
            Workspace workspace = new WorkspaceLoader(Map.<String, String>of()::get).load(file);
            List<Notifier> notifiers = workspace.notificationsOf(workspace.activation("numbers_out"));
            Path state = dir.resolve(".sluice");
            List<String> log = new CopyOnWriteArrayList<>();
            List<String> runs = List.of("run-1", "run-2", "run-3");
            try (RunStore store = new RunStore(state)) {
                for (String run : runs) {
                    store.insert(RunRecord.started(run, "numbers_out", "manual", Clock.systemUTC().instant()));
                }
            }
            RunNotifications notifications = new RunNotifications(workspace, state, Clock.systemUTC(), log::add, null);
            // One worker and room for one run's notifications: run-1 is being delivered, run-2 waits, run-3 does not fit.
            try (Deliveries deliveries = new Deliveries(state, Clock.systemUTC(), log::add, dev.sluice.notify.Deliverer.system(), 1, 1)) {
                for (String run : runs) {
                    RunRecord ended = RunRecord.started(run, "numbers_out", "manual", Clock.systemUTC().instant())
                            .succeeded(Clock.systemUTC().instant(), Counts.ZERO, List.of(), List.of());
                    List<Outgoing> outgoing = notifications.after(ended);
                    assertThat(outgoing).extracting(o -> o.notifier().name()).containsExactly("first", "second");
                    deliveries.submit(outgoing);
                    if (run.equals("run-1")) {
                        assertThat(receiver.awaitRequest(60)).isTrue();
                    }
                }
                try (RunStore store = new RunStore(state)) {
                    assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications("run-3")).extracting(Delivery::name).containsExactly("first", "second");
                    assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications("run-3")).allSatisfy(d -> {
                        assertThat(d.status()).isEqualTo(Delivery.FAILED);
                        assertThat(d.attempts()).isZero();
                        assertThat(d.error()).startsWith("not sent: the queue of notifications waiting to be delivered was full");
                    });
                    assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications("run-1")).isEmpty();
                }
                assertThat(deliveries.pending()).isEqualTo(4);

                assertThat(deliveries.stop(Duration.ofMillis(200), "server stopped: test")).isEqualTo(4);
                try (RunStore store = new RunStore(state)) {
                    for (String run : List.of("run-1", "run-2")) {
                        assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications(run)).extracting(Delivery::name).containsExactly("first", "second");
                        assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications(run)).allSatisfy(d -> assertThat(d.error()).isEqualTo("server stopped: test"));
                    }
                    assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications("run-1").get(0).attempts()).as("under way when stopped").isEqualTo(1);
                    assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications("run-2").get(0).attempts()).as("still waiting").isZero();
                }
                // Handed over after the stop: recorded as not sent, at once.
                deliveries.submit(notifications.after(RunRecord.started("run-2", "numbers_out", "manual", Clock.systemUTC().instant())
                        .succeeded(Clock.systemUTC().instant(), Counts.ZERO, List.of(), List.of())));
                assertThat(deliveries.pending()).isZero();
                try (RunStore store = new RunStore(state)) {
                    assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications("run-2")).hasSize(4).last()
                            .satisfies(d -> assertThat(d.error()).isEqualTo("not sent: server stopped: test"));
                }
            }
            assertThat(receiver.received()).as("only run-1's first notification reached the receiver").isEqualTo(1);
            assertThat(log).anyMatch(l -> l.equals("numbers_out: warning: notification first (webhook, succeeded) of run run-3 not delivered: "
                    + "not sent: the queue of notifications waiting to be delivered was full (the notifications of 1 run were waiting: "
                    + "the receivers are slow or down)"));
        }
    }
}
