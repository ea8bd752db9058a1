package dev.sluice.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import dev.sluice.gcs.FakeGcs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code gcs} destination through the official client, over HTTP, against {@link FakeGcs}:
 * uploads of every size class around the chunk size, metadata and content types, publishing with
 * and without overwrite, listing, retries of injected faults and clean failure when they persist.
 * Objects are read back with a second client instance that shares nothing with the destination.
 */
class GcsDestinationIT {
    static final String BUCKET = "sluice-test";
    static final int CHUNK = 256 * 1024;

    @TempDir
    Path dir;

    FakeGcs fake;
    Storage reader;

    @BeforeEach
    void start() {
        fake = new FakeGcs(dir.resolve("fake")).createBucket(BUCKET);
        reader = StorageOptions.http().setHost(fake.endpoint()).setProjectId("test").setCredentials(NoCredentials.getInstance())
                .build().getService();
    }

    @AfterEach
    void stop() throws Exception {
        reader.close();
        fake.close();
    }

    GcsDestinationConfig config(int maxAttempts) {
        return new GcsDestinationConfig("bucket", BUCKET, null, null, null, fake.endpoint(), CHUNK, maxAttempts, null);
    }

    GcsDestination open() {
        return (GcsDestination) config(6).open();
    }

    Path file(String name, long size, long seed) throws IOException {
        Path file = dir.resolve(name);
        Random random = new Random(seed);
        byte[] bytes = new byte[(int) size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
        return file;
    }

    static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return GcsDestination.crc32c(crc.getValue());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3L * CHUNK + 17})
    void uploadsEverySizeAroundTheChunkSizeIntact(long size) throws IOException {
        Path file = file("data.bin", size, size);
        try (GcsDestination gcs = open()) {
            gcs.upload(file, "out/data.bin", "text/csv", Map.of("sluice-activation", "a", "sluice-run", "r1", "sluice-rows", "3"));
        }
        byte[] expected = Files.readAllBytes(file);
        Blob blob = reader.get(BlobId.of(BUCKET, "out/data.bin"));
        assertThat(blob.getSize()).isEqualTo(size);
        assertThat(blob.getContentType()).isEqualTo("text/csv");
        assertThat(blob.getMetadata()).containsEntry("sluice-activation", "a").containsEntry("sluice-run", "r1").containsEntry("sluice-rows", "3");
        assertThat(blob.getCrc32c()).isEqualTo(crc32c(expected));
        assertThat(reader.readAllBytes(BlobId.of(BUCKET, "out/data.bin"))).isEqualTo(expected);
        // Uploads are resumable sessions in chunks: one PUT per chunk, the last one naming the total.
        long puts = fake.requests().stream().filter(r -> r.startsWith("PUT /upload/")).count();
        assertThat(puts).isEqualTo(Math.max(1, (size + CHUNK - 1) / CHUNK) + (size > 0 && size % CHUNK == 0 ? 1 : 0));
    }

    @Test
    void publishingCopiesThenDeletesAndHonoursOverwrite() throws IOException {
        Path file = file("a.csv", 1000, 1);
        try (GcsDestination gcs = open()) {
            gcs.upload(file, "f/.sluice-staging/r1/a.csv", "text/csv", Map.of("sluice-run", "r1"));
            gcs.publish("f/.sluice-staging/r1/a.csv", "f/a.csv", false);
            assertThat(gcs.list("f/")).containsExactly("f/a.csv");
            assertThat(reader.get(BlobId.of(BUCKET, "f/a.csv")).getMetadata()).containsEntry("sluice-run", "r1");

            gcs.upload(file("b.csv", 10, 2), "f/.sluice-staging/r2/a.csv", "text/csv", Map.of("sluice-run", "r2"));
            assertThatThrownBy(() -> gcs.publish("f/.sluice-staging/r2/a.csv", "f/a.csv", false))
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
                    .hasMessageContaining("f/a.csv already exists and this activation does not replace existing files");
            assertThat(reader.get(BlobId.of(BUCKET, "f/a.csv")).getSize()).as("the existing object is untouched").isEqualTo(1000);

            gcs.publish("f/.sluice-staging/r2/a.csv", "f/a.csv", true);
            assertThat(reader.get(BlobId.of(BUCKET, "f/a.csv")).getSize()).isEqualTo(10);
            assertThat(gcs.list("")).containsExactly("f/a.csv");
            assertThat(gcs.exists("f/a.csv")).isTrue();
            assertThat(gcs.exists("f/b.csv")).isFalse();
            gcs.delete("f/a.csv");
            gcs.delete("f/a.csv");
            assertThat(gcs.list("")).isEmpty();
        }
    }

    @Test
    void aCopyWhoseAnswerWasLostIsRecognisedWhenRetried() throws IOException {
        try (GcsDestination gcs = open()) {
            gcs.upload(file("a.csv", 5000, 3), "f/.sluice-staging/r1/a.csv", "text/csv", Map.of("sluice-run", "r1"));
            fake.loseAnswer(r -> r.path().contains("/rewriteTo/"), 1);
            gcs.publish("f/.sluice-staging/r1/a.csv", "f/a.csv", false);
            assertThat(fake.pendingFaults()).isZero();
            assertThat(fake.requests().stream().filter(r -> r.contains("/rewriteTo/"))).as("the copy was sent twice").hasSize(2);
            assertThat(gcs.list("f/")).containsExactly("f/a.csv");
        }
    }

    @Test
    void listingAndDeleteAllPageThroughManyObjects() throws IOException {
        Path file = file("x", 3, 4);
        try (GcsDestination gcs = open()) {
            for (int i = 0; i < 1205; i++) {
                fake.putObject(BUCKET, String.format("f/.sluice-staging/r/%04d", i), new byte[] {1}, "text/csv");
            }
            gcs.upload(file, "f/keep", "text/csv", Map.of());
            assertThat(gcs.list("f/.sluice-staging/r/")).hasSize(1205);
            assertThat(gcs.deleteAll("f/.sluice-staging/r/")).isEqualTo(1205);
            assertThat(gcs.list("")).containsExactly("f/keep");
        }
        assertThat(fake.requests()).anyMatch(r -> r.contains("pageToken="));
    }

    @Test
    void aLocalFileThatCannotBeReadIsNotBlamedOnTheBucket() {
        try (GcsDestination gcs = open()) {
            assertThatThrownBy(() -> gcs.upload(dir.resolve("missing.csv"), "f/a.csv", "text/csv", Map.of()))
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                    .hasMessageContaining("cannot read the local file");
        }
    }

    @Test
    void anUnreachableEndpointSaysSo() throws IOException {
        String endpoint = fake.endpoint();
        fake.close();
        GcsDestinationConfig config = new GcsDestinationConfig("bucket", BUCKET, null, null, null, endpoint, CHUNK, 1, null);
        try (Destination gcs = config.open()) {
            assertThatThrownBy(() -> gcs.upload(file("a", 1, 1), "f/a", "text/csv", Map.of()))
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.EXTERNAL))
                    .hasMessageContaining("destinations.bucket: cannot reach Google Cloud Storage at " + endpoint)
                    .hasMessageContaining("check the network and destinations.bucket.endpoint");
        }
    }

    @Test
    void anObjectStoredDamagedFailsTheUpload() throws IOException {
        fake.corruptUploads(1);
        try (GcsDestination gcs = open()) {
            assertThatThrownBy(() -> gcs.upload(file("a.csv", 3 * CHUNK, 5), "f/.sluice-staging/r/a.csv", "text/csv", Map.of()))
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.EXTERNAL))
                    .hasMessageContaining("f/.sluice-staging/r/a.csv was stored damaged: sent " + 3 * CHUNK + " bytes with CRC32C ")
                    .hasMessageContaining("nothing was published");
        }
    }
}
