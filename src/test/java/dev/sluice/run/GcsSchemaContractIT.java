package dev.sluice.run;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** {@link SchemaContractIT} through a {@code gcs} destination whose endpoint is {@link FakeGcs}, over HTTP. */
class GcsSchemaContractIT extends SchemaContractIT {
    static final String BUCKET = "contract-bucket";

    GcsBucket bucket;

    @BeforeEach
    void startFake() {
        bucket = GcsBucket.start(dir, BUCKET);
    }

    @AfterEach
    void stop() throws Exception {
        bucket.close();
    }

    @Override
    Fixture fixture() {
        return bucket.fixture(dir);
    }

    @Override
    String destination() {
        return bucket.destination(3, "");
    }
}
