package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import dev.sluice.notify.StallingReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} as a real child process (the packaged jar) told to stop by a signal: it
 * exits 0 after a clean stop on SIGTERM or SIGINT, and 1 when a run going had to be abandoned at the
 * end of the grace period, as its {@code --help} and docs/cli.md say.
 */
class ServeSignalIT {
    private static final Path JAR = Path.of("target", "sluice.jar").toAbsolutePath();
    private static final Pattern URL = Pattern.compile("sluice serve: (http://127\\.0\\.0\\.1:\\d+/)");

    @TempDir
    Path dir;

    /** Notifications added to the workspace's YAML. */
    private String notifications = "";

    /** Every {@code sluice serve} this test started. */
    private final List<Process> children = new java.util.ArrayList<>();

    /** Ends every child still running, also when the test failed before stopping it (before its folder is deleted). */
    @AfterEach
    void endChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process serve(String rows, String... extra) throws IOException {
        Path workspace = dir.resolve("sluice.yaml");
        Files.writeString(workspace, """
                models:
                  numbers:
                    sql: SELECT i AS id, i * 2 AS twice FROM range(0, %s) t(i)
                    primary_key: [id]
                destinations:
                  out: {type: local, path: ./out}
                activations:
                  all_numbers:
                    model: numbers
                    destination: out
                    file_name: "{activation}_{run}"
                    sync_mode: snapshot
                """.formatted(rows) + notifications);
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "serve", "-c", workspace.toString(), "--port", "0", "--no-scheduler"));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile()).start();
        children.add(process);
        return process;
    }

    private String awaitUrl(Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = URL.matcher(log());
            if (m.find()) {
                return m.group(1);
            }
            assertThat(process.isAlive()).as("serve is still starting; its output:%n%s", log()).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("serve did not start in time; its output:\n" + log());
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("serve.log"), StandardCharsets.UTF_8);
    }

    private int stop(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("serve stopped; its output:%n%s", log()).isTrue();
        return process.exitValue();
    }

    @Test
    void sigtermStopsCleanlyWithExitCodeZero() throws Exception {
        Process process = serve("10");
        String url = awaitUrl(process);
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/activations")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(stop(process, "TERM")).as("exit code after SIGTERM; output:%n%s", log()).isZero();
        assertThat(log()).doesNotContain("Exception");
        // Server log lines carry the date, the time to the second and the offset (issue 16).
        assertThat(log().lines().filter(l -> l.contains("stopping")))
                .isNotEmpty().allMatch(l -> l.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2} .*"));
    }

    @Test
    void sigintStopsCleanlyWithExitCodeZero() throws Exception {
        Process process = serve("10");
        awaitUrl(process);
        assertThat(stop(process, "INT")).as("exit code after SIGINT; output:%n%s", log()).isZero();
    }

    @Test
    void sigtermWhileAWebhookHangsExitsZeroWithinTheGracePeriodAndRecordsTheDeliveryNotDelivered() throws Exception {
        try (StallingReceiver receiver = new StallingReceiver(StallingReceiver.Mode.SILENT)) {
            notifications = """
                    notifications:
                      hang:
                        type: webhook
                        url: %s
                        events: [succeeded]
                        timeout: 10m
                    """.formatted(receiver.url("/hook"));
            Process process = serve("10", "--grace-period", "3s");
            String url = awaitUrl(process);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(url + "api/activations/all_numbers/runs"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(started.body()).path("id").asText();
            // The run has ended and its webhook has the request: it will not answer (it is given 10 minutes).
            assertThat(receiver.awaitRequest(60)).as("the webhook was called; output:%n%s", log()).isTrue();

            long signalled = System.nanoTime();
            assertThat(stop(process, "TERM")).as("exit code after SIGTERM with a delivery hanging; output:%n%s", log()).isZero();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - signalled)).as("seconds to stop, grace period 3 s")
                    .isLessThan(60);
            assertThat(log()).contains("recorded as not delivered (server stopped)");
            try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
                assertThat(store.get(id).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(new dev.sluice.history.NotificationLog(store.database()).notifications(id)).singleElement().satisfies(d -> {
                    assertThat(d.name()).isEqualTo("hang");
                    assertThat(d.status()).isEqualTo("failed");
                    assertThat(d.error()).isEqualTo("server stopped: the delivery had not ended when the grace period of 3s ran out");
                });
            }
        }
    }

    @Test
    void aRunAbandonedAtTheEndOfTheGracePeriodMakesTheExitCodeOne() throws Exception {
        // Enough rows that the run is still going one second after the signal.
        Process process = serve("400000000", "--grace-period", "1s");
        String url = awaitUrl(process);
        HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/activations/all_numbers/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        Thread.sleep(1_500); // the run is reading 400 M rows
        assertThat(stop(process, "TERM")).as("exit code after SIGTERM with a run going; output:%n%s", log()).isEqualTo(1);
    }
}
