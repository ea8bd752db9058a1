package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.history.Counts;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real server over HTTP, read with a line-based parser of the Prometheus
 * text format written here (not Micrometer's): runs by status, rows, bytes, durations, the last
 * success and held runs seeded from the history, notification failures, scheduler lag, and the
 * token rule of the API.
 */
class MetricsIT {
    private static final String WITH_FAILING = ServerFixture.WORKSPACE + """
              orders:
                model: pg_orders
                destination: out
                folder: orders
            """;

    @TempDir
    Path dir;
    ServerFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    /** Samples of a scrape: {@code name{label="value",...}} with labels in name order → value. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new TreeMap<>();
        Pattern line = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\S+)?");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String l : text.split("\n")) {
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            Matcher m = line.matcher(l);
            assertThat(m.matches()).as("a sample line: %s", l).isTrue();
            TreeMap<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher lm = label.matcher(m.group(2));
                while (lm.find()) {
                    labels.put(lm.group(1), lm.group(2));
                }
            }
            samples.put(key(m.group(1), labels), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    private static String key(String name, Map<String, String> labels) {
        StringBuilder key = new StringBuilder(name);
        if (!labels.isEmpty()) {
            key.append('{');
            labels.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
            key.setLength(key.length() - 1);
            key.append('}');
        }
        return key.toString();
    }

    /** A sample's key: {@code name} and label pairs. */
    static String sample(String name, String... labels) {
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return key(name, map);
    }

    private Map<String, Double> scrape() {
        ServerFixture.Response r = fx.get("/metrics");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        return parse(r.body());
    }

    private static void seed(Path dir, RunRecord record) {
        try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
            store.insert(record);
            store.save(record);
        }
    }

    private static RunRecord ended(String id, String activation, RunStatus status, Instant start, Instant end) {
        return new RunRecord(id, activation, "manual", status, "full", null, start, end, Counts.ZERO, List.of(), List.of(),
                null, Map.of(), List.of(), false, null, null, null);
    }

    @Test
    void runsRowsBytesDurationsAndTheLastSuccessAreCounted() throws Exception {
        fx = new ServerFixture(dir);
        fx.write(WITH_FAILING);
        Instant earlier = Instant.parse("2026-01-02T03:04:05Z");
        seed(dir, ended("20260102T030400Z-0001", "by_hand", RunStatus.SUCCEEDED, earlier.minusSeconds(5), earlier));
        seed(dir, ended("20260102T030400Z-0002", "orders", RunStatus.HELD, earlier, earlier.plusSeconds(1)));
        fx.start(false, null);

        Map<String, Double> before = scrape();
        assertThat(before.get(sample("sluice_last_success_timestamp_seconds", "activation", "by_hand")))
                .as("seeded from the history").isEqualTo(earlier.getEpochSecond());
        assertThat(before.get(sample("sluice_runs_held", "activation", "orders"))).isEqualTo(1.0);
        assertThat(before.get(sample("sluice_runs_held", "activation", "by_hand"))).isEqualTo(0.0);
        assertThat(before.get(sample("sluice_notification_failures_total"))).isEqualTo(0.0);
        assertThat(before).containsKey(sample("sluice_scheduler_lag_seconds"));
        assertThat(before.get(sample("sluice_runs_total", "activation", "by_hand", "status", "succeeded")))
                .as("runs are counted from the history").isEqualTo(1.0);
        assertThat(before.get(sample("sluice_runs_total", "activation", "orders", "status", "held"))).isEqualTo(1.0);

        JsonNode ok = fx.awaitRun(fx.post("/api/activations/by_hand/runs", "").json().path("id").asText());
        JsonNode failed = fx.awaitRun(fx.post("/api/activations/orders/runs", "").json().path("id").asText());
        assertThat(ok.path("status").asText()).isEqualTo("succeeded");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        fx.server.metrics().notificationFailed();

        Map<String, Double> after = scrape();
        assertThat(after.get(sample("sluice_runs_total", "activation", "by_hand", "status", "succeeded"))).isEqualTo(2.0);
        assertThat(after.get(sample("sluice_runs_total", "activation", "orders", "status", "failed"))).isEqualTo(1.0);
        assertThat(after.get(sample("sluice_rows_read_total", "activation", "by_hand"))).isEqualTo(3.0);
        assertThat(after.get(sample("sluice_rows_written_total", "activation", "by_hand"))).isEqualTo(3.0);
        long bytes = 0;
        for (JsonNode file : ok.path("files")) {
            bytes += file.path("bytes").asLong();
        }
        assertThat(bytes).isPositive();
        assertThat(after.get(sample("sluice_bytes_published_total", "activation", "by_hand"))).isEqualTo((double) bytes);
        assertThat(after.get(sample("sluice_run_duration_seconds_count", "activation", "by_hand"))).isEqualTo(2.0);
        assertThat(after.get(sample("sluice_run_duration_seconds_count", "activation", "orders"))).as("held and failed").isEqualTo(2.0);
        double took = Duration.between(Instant.parse(ok.path("startedAt").asText()), Instant.parse(ok.path("endedAt").asText()))
                .toMillis() / 1000.0;
        assertThat(after.get(sample("sluice_run_duration_seconds_sum", "activation", "by_hand"))).isCloseTo(5 + took, within(0.002));
        assertThat(after.get(sample("sluice_run_duration_seconds_bucket", "activation", "by_hand", "le", "+Inf"))).isEqualTo(2.0);
        assertThat(after.get(sample("sluice_run_duration_seconds_bucket", "activation", "by_hand", "le", "5.0")))
                .as("the seeded run took 5 s; the new one may take longer").isBetween(1.0, 2.0);
        assertThat(after.get(sample("sluice_run_duration_seconds_bucket", "activation", "by_hand", "le", "1.0")))
                .isEqualTo(took <= 1 ? 1.0 : 0.0);
        assertThat(after.get(sample("sluice_last_success_timestamp_seconds", "activation", "by_hand")))
                .isCloseTo(Instant.parse(ok.path("endedAt").asText()).toEpochMilli() / 1000.0, within(0.002));
        assertThat(after.get(sample("sluice_runs_held", "activation", "orders"))).as("its latest run failed").isEqualTo(0.0);
        assertThat(after.get(sample("sluice_notification_failures_total"))).isEqualTo(1.0);

        ServerFixture.Response open = fx.send(HttpRequest.newBuilder(URI.create(fx.base() + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0").GET());
        assertThat(open.header("Content-Type")).startsWith("application/openmetrics-text");
        assertThat(open.body().strip()).endsWith("# EOF");
    }

    /**
     * A {@code sluice run} in another JVM (the command line, on this test's class path) records its run
     * in the shared state folder: the server counts it although it never ran it.
     */
    @Test
    void aRunOfAnotherProcessIsCounted() throws Exception {
        fx = new ServerFixture(dir).start(false, null);
        Map<String, Double> before = scrape();
        assertThat(before.get(sample("sluice_last_success_timestamp_seconds", "activation", "by_hand"))).as("never ran").isEqualTo(0.0);
        assertThat(before).doesNotContainKey(sample("sluice_runs_total", "activation", "by_hand", "status", "succeeded"));

        Path tmp = java.nio.file.Files.createDirectories(dir.resolve("jvm-tmp"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "dev.sluice.cli.Main",
                "run", "by_hand", "-c", fx.yaml.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        assertThat(child.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).as("the child run ended").isTrue();
        assertThat(child.exitValue()).as(java.nio.file.Files.readString(dir.resolve("child.log"))).isZero();
        RunRecord recorded;
        try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
            recorded = store.list("by_hand", 1).get(0);
        }
        assertThat(fx.log).as("the server ran nothing").noneMatch(line -> line.contains("by_hand: run"));

        Map<String, Double> after = scrape();
        assertThat(after.get(sample("sluice_runs_total", "activation", "by_hand", "status", "succeeded"))).isEqualTo(1.0);
        assertThat(after.get(sample("sluice_rows_read_total", "activation", "by_hand"))).isEqualTo(3.0);
        assertThat(after.get(sample("sluice_run_duration_seconds_count", "activation", "by_hand"))).isEqualTo(1.0);
        assertThat(after.get(sample("sluice_last_success_timestamp_seconds", "activation", "by_hand")))
                .isCloseTo(recorded.endedAt().toEpochMilli() / 1000.0, within(0.002));
        assertThat(after.get(sample("sluice_bytes_published_total", "activation", "by_hand")))
                .isEqualTo((double) recorded.files().stream().mapToLong(dev.sluice.history.FileRecord::bytes).sum());
    }

    /** A run recorded as running when a scrape reads it is counted by a later scrape, once it has ended. */
    @Test
    void aRunSeenRunningIsCountedWhenItEnds() throws Exception {
        fx = new ServerFixture(dir).start(false, null);
        Instant start = Instant.now().minusSeconds(20);
        RunRecord running = RunRecord.started("20260102T030400Z-0009", "by_hand", "manual", start);
        try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
            store.insert(running);
        }
        assertThat(scrape().keySet()).as("running: not counted yet").noneMatch(k -> k.startsWith("sluice_runs_total"));
        seed(dir, ended("20260102T030400Z-0010", "by_hand", RunStatus.FAILED, start.plusSeconds(1), start.plusSeconds(2)));
        try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
            store.save(running.succeeded(start.plusSeconds(10), Counts.ZERO, List.of(), List.of()));
        }
        Map<String, Double> after = scrape();
        assertThat(after.get(sample("sluice_runs_total", "activation", "by_hand", "status", "succeeded"))).isEqualTo(1.0);
        assertThat(after.get(sample("sluice_runs_total", "activation", "by_hand", "status", "failed"))).isEqualTo(1.0);
        assertThat(after.get(sample("sluice_last_success_timestamp_seconds", "activation", "by_hand")))
                .isEqualTo(start.plusSeconds(10).toEpochMilli() / 1000.0);
        assertThat(scrape()).as("each run once").isEqualTo(after);
    }

    @Test
    void schedulerLagSaysHowLateADueRunStarted() throws Exception {
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE.replace("    folder: hand\n", "    folder: hand\n    schedule: {every: 1h}\n"));
        // The last scheduled run was three hours ago: the next was due two hours ago.
        Instant threeHoursAgo = Instant.now().minus(Duration.ofHours(3));
        try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
            store.insert(RunRecord.skipped("20200101T000000Z-0000", "by_hand", "schedule", threeHoursAgo, "skipped: seeded"));
        }
        fx.start(true, null);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Map<String, Double> samples;
        do {
            Thread.sleep(100);
            samples = scrape();
        } while (samples.get(sample("sluice_scheduler_lag_seconds")) == 0.0 && System.nanoTime() < deadline);
        assertThat(samples.get(sample("sluice_scheduler_lag_seconds"))).isBetween(2 * 3600.0 - 5, 2 * 3600.0 + 60);
    }

    @Test
    void aTokenIsRequiredWhenTheServerHasOne() {
        fx = new ServerFixture(dir).start(false, "a-long-random-token-0123456789");
        String token = fx.token;
        fx.token = null;
        ServerFixture.Response refused = fx.get("/metrics");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(refused.body()).doesNotContain("sluice_");
        assertThat(fx.get("/metrics?token=" + token).status()).as("no cookie redirect for a scraper").isEqualTo(401);
        assertThat(fx.sendRaw(HttpRequest.newBuilder(URI.create(fx.base() + "/metrics")).header("Authorization", "Bearer wrong").GET())
                .status()).isEqualTo(401);
        fx.token = token;
        ServerFixture.Response admitted = fx.get("/metrics");
        assertThat(admitted.status()).isEqualTo(200);
        assertThat(admitted.body()).contains("sluice_notification_failures_total");
    }
}
