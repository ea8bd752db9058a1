package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A workspace in a temporary folder (a DuckDB file with three customers, a local destination, the
 * activations folder included) and a real {@code sluice serve} on a free port, spoken to over HTTP.
 * Every response body is kept, so that tests can check that no secret ever left the server.
 */
final class ServerFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PG_PASSWORD = "pg-Pa55word-never-shown";
    /** A variable of the server's environment that the workspace never references: it must never come out. */
    static final String PLANTED = "planted-7f3a9c2e-never-shown";
    static final String GCS_KEY = "{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----MIIEvgIBADAN-never-shown\"}";
    static final String WORKSPACE = """
            # Hand-written workspace: the server must never rewrite this file or its comments.
            include: [activations/*.yaml, segments/*.yaml]
            sources:
              warehouse: {type: duckdb, path: warehouse.duckdb}
              pg: {type: postgres, host: 127.0.0.1, port: 9, database: shop, user: sluice, password: "%s"}
            models:
              customers:
                source: warehouse
                sql: SELECT id, email, country, score FROM customers
                primary_key: [id]
              pg_orders:
                source: pg
                sql: SELECT * FROM orders
                primary_key: [id]
            segments:
              french:
                model: customers
                filter:
                  all:
                    - {attribute: country, op: eq, value: FR}
            destinations:
              out: {type: local, path: out}
              bucket: {type: gcs, bucket: acme-activation, credentials_json: "${GCS_KEY}", endpoint: "http://127.0.0.1:9"}
            activations:
              by_hand:
                model: customers
                destination: out
                folder: hand
            """.formatted(PG_PASSWORD);

    final Path dir;
    final Path yaml;
    final Path activations;
    final Path out;
    final List<String> bodies = new ArrayList<>();
    final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    Server server;
    String token;

    ServerFixture(Path dir) {
        this.dir = dir;
        this.yaml = dir.resolve("sluice.yaml");
        this.activations = dir.resolve("activations");
        this.out = dir.resolve("out");
        sql("CREATE TABLE customers (id INTEGER, email VARCHAR, country VARCHAR, score DOUBLE)",
                "INSERT INTO customers VALUES (1, 'ana@example.com', 'FR', 10.5), (2, 'bo@example.com', 'DE', 3), "
                        + "(3, 'cy@example.com', 'FR', 7)");
        write(WORKSPACE);
    }

    void write(String workspace) {
        try {
            Files.writeString(yaml, workspace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void sql(String... statements) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("warehouse.duckdb").toAbsolutePath());
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
        }
    }

    ServerFixture start(boolean schedule, String token) {
        return start(schedule, token, Duration.ofSeconds(60), DestinationConfig::open);
    }

    ServerFixture start(boolean schedule, String token, Duration grace, Function<DestinationConfig, Destination> opener) {
        return start(schedule, token, grace, 2, opener);
    }

    /** As above, with {@code threads} runs going at once (serve --max-concurrent-runs). */
    ServerFixture start(boolean schedule, String token, Duration grace, int threads, Function<DestinationConfig, Destination> opener) {
        this.token = token;
        server = Server.start(new Server.Options(yaml, null, null, "127.0.0.1", 0, token, grace, threads, "256MB",
                schedule, Clock.systemUTC(), Map.of("GCS_KEY", GCS_KEY, "PLANTED_SECRET", PLANTED)::get, opener), log::add);
        return this;
    }

    /** Starts the server without its scheduler, with the web UI's public address given (as serve --public-url does). */
    ServerFixture startWithPublicUrl(String publicUrl) {
        server = Server.start(new Server.Options(yaml, null, null, "127.0.0.1", 0, null, Duration.ofSeconds(60), 2, "256MB",
                false, Clock.systemUTC(), Map.of("GCS_KEY", GCS_KEY, "PLANTED_SECRET", PLANTED)::get, DestinationConfig::open)
                .withPublicUrl(publicUrl), log::add);
        return this;
    }

    /** Starts the server without its ticker, on {@code clock}: a test steps the scheduler with {@code server.tick()}. */
    ServerFixture start(Clock clock) {
        server = Server.start(new Server.Options(yaml, null, null, "127.0.0.1", 0, null, Duration.ofSeconds(60), 2, "256MB",
                false, clock, Map.of("GCS_KEY", GCS_KEY, "PLANTED_SECRET", PLANTED)::get, DestinationConfig::open), log::add);
        return this;
    }

    /** Starts the server without its scheduler, with more variables in its environment (beside GCS_KEY and PLANTED_SECRET). */
    ServerFixture startWithEnvironment(Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("GCS_KEY", GCS_KEY, "PLANTED_SECRET", PLANTED));
        env.putAll(more);
        server = Server.start(new Server.Options(yaml, null, null, "127.0.0.1", 0, null, Duration.ofSeconds(60), 2, "256MB",
                false, Clock.systemUTC(), env::get, DestinationConfig::open), log::add);
        return this;
    }

    /** Starts the server without its scheduler, with {@code token} (may be null), on {@code clock}, with more variables in its environment. */
    ServerFixture start(String token, Clock clock, Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("GCS_KEY", GCS_KEY, "PLANTED_SECRET", PLANTED));
        env.putAll(more);
        this.token = token;
        server = Server.start(new Server.Options(yaml, null, null, "127.0.0.1", 0, token, Duration.ofSeconds(60), 2, "256MB",
                false, clock, env::get, DestinationConfig::open), log::add);
        return this;
    }

    /** Starts the server without its scheduler, with more variables in its environment, opening destinations with {@code opener}. */
    ServerFixture start(Map<String, String> more, Function<DestinationConfig, Destination> opener) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("GCS_KEY", GCS_KEY, "PLANTED_SECRET", PLANTED));
        env.putAll(more);
        server = Server.start(new Server.Options(yaml, null, null, "127.0.0.1", 0, null, Duration.ofSeconds(60), 2, "256MB",
                false, Clock.systemUTC(), env::get, opener), log::add);
        return this;
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** One response: status, headers and body (JSON when it is JSON). */
    record Response(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The fields named by a problem's errors. */
        List<String> fields() {
            List<String> fields = new ArrayList<>();
            json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
            return fields;
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).DELETE());
    }

    Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response put(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return sendRaw(request);
    }

    Response sendRaw(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            bodies.add(response.body());
            response.headers().map().forEach((k, v) -> bodies.add(k + ": " + v));
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a run with POST {@code path}; its id. The test fails, with the server's answer, unless it was accepted (202). */
    String startRun(String path) {
        Response started = post(path, "");
        if (started.status() != 202) {
            throw new AssertionError("POST " + path + " was answered " + started.status() + ", not 202: " + started.body());
        }
        return started.json().path("id").asText();
    }

    /**
     * Polls a run until it has ended; the test fails (never hangs) if it does not within ten minutes.
     * An empty id (a start that was refused) fails at once: GET /api/runs/ would answer the list.
     */
    JsonNode awaitRun(String id) throws InterruptedException {
        if (id.isEmpty()) {
            throw new AssertionError("no run id to wait for: the request that should have started the run was refused");
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            Response r = get("/api/runs/" + id);
            if (r.status() == 200) {
                String status = r.json().path("status").asText();
                if (status.isEmpty()) {
                    throw new AssertionError("GET /api/runs/" + id + " answered no status: " + r.body());
                }
                if (!status.equals("queued") && !status.equals("running")) {
                    return r.json();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + id + " did not end");
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }
}
