package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gcs.FakeGcs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rclone as a second GCS client, independent of the official Java client: a temporary
 * config with {@code type = google cloud storage}, the fake as {@code endpoint}, anonymous access.
 */
final class Rclone {
    static final Path BINARY = Path.of("/usr/bin/rclone");

    private final Path config;
    private final String bucket;

    Rclone(FakeGcs fake, String bucket, Path dir) {
        this.bucket = bucket;
        this.config = dir.resolve("rclone.conf");
        try {
            Files.writeString(config, """
                    [fake]
                    type = google cloud storage
                    anonymous = true
                    endpoint = %s/storage/v1/
                    """.formatted(fake.endpoint()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    private byte[] run(String... args) {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--config", config.toString(), "--low-level-retries", "1",
                "--retries", "1"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errors = new Thread(() -> copy(process.getErrorStream(), err));
            errors.start();
            copy(process.getInputStream(), out);
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("rclone ended").isTrue();
            errors.join();
            assertThat(process.exitValue()).as("rclone %s: %s", args, err).isZero();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code rclone lsjson -R fake:BUCKET}: object name → size. */
    TreeMap<String, Long> list() {
        TreeMap<String, Long> names = new TreeMap<>();
        try {
            for (JsonNode entry : Fixture.JSON.readTree(run("lsjson", "-R", "--files-only", "fake:" + bucket))) {
                names.put(entry.path("Path").asText(), entry.path("Size").asLong());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** {@code rclone cat fake:BUCKET/OBJECT}. */
    byte[] cat(String object) {
        return run("cat", "fake:" + bucket + "/" + object);
    }
}
