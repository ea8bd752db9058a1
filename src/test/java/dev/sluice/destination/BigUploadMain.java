package dev.sluice.destination;

import java.nio.file.Path;
import java.util.Map;

/**
 * Uploads one file through a {@code gcs} destination and prints the heap it ended with; run by
 * {@link GcsBigUploadIT} in a JVM with a small heap ({@code -Xmx256m}), so that an upload that held
 * the file in memory would fail with OutOfMemoryError.
 * Arguments: ENDPOINT BUCKET FILE OBJECT CHUNK_SIZE.
 */
public final class BigUploadMain {
    private BigUploadMain() {}

    public static void main(String[] args) {
        GcsDestinationConfig config = new GcsDestinationConfig("big", args[1], null, null, null, args[0], Long.parseLong(args[4]), 6, null);
        try (Destination destination = config.open()) {
            destination.upload(Path.of(args[2]), args[3], "application/octet-stream", Map.of("sluice-run", "big"));
        }
        Runtime runtime = Runtime.getRuntime();
        System.out.println("uploaded; max heap " + runtime.maxMemory() + " bytes");
    }
}
