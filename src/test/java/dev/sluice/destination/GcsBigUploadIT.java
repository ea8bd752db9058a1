package dev.sluice.destination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gcs.FakeGcs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2.5 GiB upload from a JVM with a 256 MiB heap, through the official client to {@link FakeGcs}
 * (which streams it to disk): it can only succeed if the upload streams from the file. The file is
 * sparse with random blocks at the start, across chunk boundaries and at the end, so the CRC32C
 * check compares real content.
 */
class GcsBigUploadIT {
    static final long SIZE = (5L << 29) + 12_345; // 2.5 GiB and a bit: the last chunk is partial
    static final long CHUNK = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void aMultiGigabyteFileStreamsThroughASmallHeap() throws Exception {
        Path file = dir.resolve("big.bin");
        Random random = new Random(42);
        long[] blocks = {0, CHUNK - 1000, 7 * CHUNK + 5, SIZE / 2, SIZE - 70_000};
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(SIZE);
            for (long at : blocks) {
                byte[] block = new byte[65_536];
                random.nextBytes(block);
                raf.seek(at);
                raf.write(block);
            }
        }
        String expectedCrc = crc32c(file);
        try (FakeGcs fake = new FakeGcs(dir.resolve("fake")).createBucket("big-bucket")) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), BigUploadMain.class.getName(),
                    fake.endpoint(), "big-bucket", file.toString(), "exports/big.bin", Long.toString(CHUNK)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("the upload ended").isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("uploaded; max heap");
            FakeGcs.StoredObject stored = fake.objects("big-bucket").get("exports/big.bin");
            assertThat(stored.size()).isEqualTo(SIZE);
            assertThat(stored.crc32c()).isEqualTo(expectedCrc);
            assertThat(crc32c(stored.data())).as("the bytes the fake stored").isEqualTo(expectedCrc);
            long puts = fake.requests().stream().filter(r -> r.startsWith("PUT /upload/")).count();
            assertThat(puts).as("one PUT per chunk").isEqualTo((SIZE + CHUNK - 1) / CHUNK);
        }
    }

    private static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (var channel = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(1 << 20);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return GcsDestination.crc32c(crc.getValue());
    }
}
