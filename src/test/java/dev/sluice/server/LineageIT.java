package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.run.OpenLineageSchema;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lineage:} with a real server: runs that succeed and fail send their OpenLineage events to a
 * local receiver (the JDK's HTTP server) with the API key as a bearer token; each received event is
 * valid against the OpenLineage JSON Schema. The receiver refuses the first request: it is retried,
 * and what became of each event is recorded on the run, whose outcome it never changes.
 */
class LineageIT {
    static final String KEY = "openlineage-api-key-never-shown";

    @TempDir
    Path dir;
    ServerFixture fx;
    HttpServer receiver;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (fx != null) {
            assertThat(String.join("\n", fx.log) + String.join("\n", fx.bodies)).doesNotContain(KEY);
            fx.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/api/v1/lineage", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = requests.incrementAndGet() == 1 ? 503 : 201;
            if (status == 201) {
                received.add(ServerFixture.JSON.readTree(new String(body, StandardCharsets.UTF_8)));
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    private List<JsonNode> await(int events) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (received.size() < events && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(received).as("events received").hasSize(events);
        return new ArrayList<>(received);
    }

    @Test
    void runsSendStartAndCompleteOrFailValidAgainstTheSchema() throws Exception {
        startReceiver();
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE + """
                  orders:
                    model: pg_orders
                    destination: out
                    folder: orders
                lineage:
                  url: "http://127.0.0.1:%d"
                  namespace: shop
                  api_key: "${OL_KEY}"
                """.formatted(receiver.getAddress().getPort()));
        fx.start(null, Clock.systemUTC(), Map.of("OL_KEY", KEY));

        JsonNode ok = fx.awaitRun(fx.startRun("/api/activations/by_hand/runs"));
        assertThat(ok.path("status").asText()).isEqualTo("succeeded");
        List<JsonNode> first = await(2);
        JsonNode failed = fx.awaitRun(fx.startRun("/api/activations/orders/runs"));
        assertThat(failed.path("status").asText()).as("the events never change the run's outcome").isEqualTo("failed");
        List<JsonNode> events = await(4);

        for (JsonNode event : events) {
            assertThat(OpenLineageSchema.problems(event)).as(event.toPrettyString()).isEmpty();
        }
        assertThat(authorizations).containsOnly("Bearer " + KEY);
        assertThat(first.stream().map(e -> e.path("eventType").asText())).containsExactly("START", "COMPLETE");
        JsonNode complete = first.get(1);
        assertThat(complete.path("job").path("namespace").asText()).isEqualTo("shop");
        assertThat(complete.path("job").path("name").asText()).isEqualTo("by_hand");
        assertThat(complete.path("inputs").get(0).path("namespace").asText()).startsWith("duckdb://").endsWith("warehouse.duckdb");
        assertThat(complete.path("inputs").get(0).path("name").asText()).isEqualTo("customers");
        assertThat(complete.path("outputs").get(0).path("namespace").asText()).isEqualTo("file://" + dir.resolve("out").toAbsolutePath().normalize());
        assertThat(complete.path("outputs").get(0).path("name").asText()).isEqualTo("hand");
        assertThat(complete.path("outputs").get(0).path("facets").path("schema").path("fields").size()).isEqualTo(4);
        assertThat(complete.path("outputs").get(0).path("outputFacets").path("outputStatistics").path("rowCount").asLong()).isEqualTo(3);

        assertThat(events.subList(2, 4).stream().map(e -> e.path("eventType").asText())).containsExactly("START", "FAIL");
        JsonNode fail = events.get(3);
        assertThat(fail.path("job").path("name").asText()).isEqualTo("orders");
        assertThat(fail.path("inputs").get(0).path("namespace").asText()).isEqualTo("postgres://127.0.0.1:9");
        assertThat(fail.path("run").path("facets").path("errorMessage").path("message").asText()).isNotBlank();
        assertThat(fail.path("run").path("runId").asText()).isEqualTo(events.get(2).path("run").path("runId").asText())
                .isNotEqualTo(complete.path("run").path("runId").asText());

        // Recorded on the runs: the START of the first run needed a second attempt (the receiver's first answer was 503).
        JsonNode deliveries = fx.get("/api/runs/" + ok.path("id").asText()).json().path("notifications");
        List<String> lineage = new ArrayList<>();
        deliveries.forEach(d -> {
            if (d.path("type").asText().equals("openlineage")) {
                lineage.add(d.path("event").asText() + " " + d.path("status").asText() + " " + d.path("attempts").asInt());
            }
        });
        assertThat(lineage).containsExactlyInAnyOrder("lineage_start delivered 2", "lineage_complete delivered 1");
    }
    /** START is sent as the run starts: a lineage tool sees the run going before it ends. */
    @Test
    void theStartIsReceivedWhileTheRunIsStillGoing() throws Exception {
        startReceiver();
        java.util.concurrent.CountDownLatch uploading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE + """
                lineage:
                  url: "http://127.0.0.1:%d"
                  namespace: shop
                  api_key: "${OL_KEY}"
                """.formatted(receiver.getAddress().getPort()));
        fx.start(Map.of("OL_KEY", KEY), config -> {
            dev.sluice.destination.Destination opened = config.open();
            return new dev.sluice.destination.ForwardingDestination(opened) {
                @Override
                public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
                    uploading.countDown();
                    try {
                        open.await(2, java.util.concurrent.TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return opened.upload(file, objectName, contentType, metadata);
                }
            };
        });

        String id = fx.startRun("/api/activations/by_hand/runs");
        assertThat(uploading.await(2, java.util.concurrent.TimeUnit.MINUTES)).as("the run reached its upload").isTrue();
        List<JsonNode> going = await(1);
        assertThat(going.get(0).path("eventType").asText()).isEqualTo("START");
        assertThat(fx.get("/api/runs/" + id).json().path("status").asText()).as("the run is still going").isEqualTo("running");
        open.countDown();

        assertThat(fx.awaitRun(id).path("status").asText()).isEqualTo("succeeded");
        List<JsonNode> events = await(2);
        assertThat(events.stream().map(e -> e.path("eventType").asText())).containsExactly("START", "COMPLETE");
        assertThat(events.get(1).path("run").path("runId").asText()).isEqualTo(events.get(0).path("run").path("runId").asText());
        for (JsonNode event : events) {
            assertThat(OpenLineageSchema.problems(event)).as(event.toPrettyString()).isEmpty();
        }
    }
}
