package dev.sluice.run;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.sluice.gcs.FakeGcs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bucket of {@link FakeGcs} seen through a client instance of the test's own (the official
 * client over HTTP): listings and downloads, nothing read from the fake's files directly.
 */
final class GcsView implements Fixture.DestinationView, AutoCloseable {
    private final Storage storage;
    private final String bucket;
    private final Path downloads;
    private final AtomicLong count = new AtomicLong();

    GcsView(FakeGcs fake, String bucket, Path downloads) {
        this.storage = StorageOptions.http().setHost(fake.endpoint()).setProjectId("test").setCredentials(NoCredentials.getInstance())
                .build().getService();
        this.bucket = bucket;
        this.downloads = downloads;
    }

    @Override
    public TreeMap<String, Long> objects() {
        TreeMap<String, Long> names = new TreeMap<>();
        for (Blob blob : storage.list(bucket, Storage.BlobListOption.pageSize(5)).iterateAll()) {
            names.put(blob.getName(), blob.getSize());
        }
        return names;
    }

    @Override
    public Path file(String object) {
        Path file = downloads.resolve(count.incrementAndGet() + "-" + object.substring(object.lastIndexOf('/') + 1));
        try {
            Files.createDirectories(downloads);
            if (storage.get(BlobId.of(bucket, object)) == null) {
                return downloads.resolve("missing-" + count.get());
            }
            storage.downloadTo(BlobId.of(bucket, object), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public TreeSet<String> stagingLeftovers() {
        TreeSet<String> names = new TreeSet<>();
        objects().keySet().stream().filter(n -> n.contains(".sluice-staging") || n.contains(".sluice-upload-")).forEach(names::add);
        return names;
    }

    Storage storage() {
        return storage;
    }

    @Override
    public void close() throws Exception {
        storage.close();
    }
}
