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
import java.util.List;
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
        return new GcsDestinationConfig("bucket", BUCKET, null, null, null, fake.endpoint(), CHUNK, maxAttempts);
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
}
