package dev.sluice.run;

import com.google.cloud.storage.BlobId;
import dev.sluice.gcs.FakeGcs;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;

/**
 * Every test of {@link VerifyIT} against a {@code gcs} destination on {@link FakeGcs}, through the
 * official client over HTTP: an object replaced with the same bytes is a new generation, which
 * verify reports as changed.
 */
class GcsVerifyIT extends VerifyIT {
    static final String BUCKET = "verify-bucket";

    GcsBucket bucket;
    FakeGcs fake;
    GcsView view;

    @Override
    Fixture fixture() {
        bucket = GcsBucket.start(dir, BUCKET);
        fake = bucket.fake;
        view = bucket.view;
        return bucket.fixture(dir);
    }

    @Override
    String workspaceHeader() {
        return bucket.workspaceHeader(2, "");
    }

    @Override
    void putForeign(String name, byte[] content) {
        fake.putObject(BUCKET, name, content, "text/plain");
    }

    @Override
    void deleteForeign(String name) {
        view.storage().delete(BlobId.of(BUCKET, name));
    }

    @Override
    byte[] read(String name) throws IOException {
        return Files.readAllBytes(view.file(name));
    }

    @AfterEach
    void stop() throws Exception {
        bucket.close();
    }
}
