package dev.sluice.destination;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.sluice.gcs.FakeGcs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The destination contract on a {@code gcs} destination, through the official client over HTTP,
 * against {@link FakeGcs} with a chunk size of {@link #CHUNK}. Objects are read back with a
 * second client instance that shares nothing with the destination.
 */
class GcsDestinationContractIT extends DestinationContract {
    static final String BUCKET = "sluice-test";

    private FakeGcs fake;
    private Storage reader;

    @Override
    Destination open(Path dir) {
        fake = new FakeGcs(dir).createBucket(BUCKET);
        reader = StorageOptions.http().setHost(fake.endpoint()).setProjectId("test").setCredentials(NoCredentials.getInstance())
                .build().getService();
        return new GcsDestinationConfig("bucket", BUCKET, null, null, null, fake.endpoint(), CHUNK, 6, null).open();
    }

    @Override
    Optional<byte[]> read(String objectName) {
        Blob blob = reader.get(BlobId.of(BUCKET, objectName));
        return blob == null ? Optional.empty() : Optional.of(reader.readAllBytes(BlobId.of(BUCKET, objectName)));
    }

    @Override
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (Blob blob : reader.list(BUCKET).iterateAll()) {
            names.add(blob.getName());
        }
        names.sort(null);
        return names;
    }

    /** Writes the object through the test's own client: a new generation, as any write of the name makes. */
    @Override
    void writeForeign(String objectName, byte[] content) {
        reader.create(com.google.cloud.storage.BlobInfo.newBuilder(BlobId.of(BUCKET, objectName)).setContentType("text/csv").build(), content);
    }

    @Override
    void stop() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (fake != null) {
            fake.close();
        }
    }
}
