package dev.sluice.run;

import dev.sluice.gcs.FakeGcs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** {@link SchemaContractIT} through a {@code gcs} destination whose endpoint is {@link FakeGcs}, over HTTP. */
class GcsSchemaContractIT extends SchemaContractIT {
    static final String BUCKET = "contract-bucket";

    FakeGcs fake;
    GcsView view;

    @BeforeEach
    void startFake() {
        fake = new FakeGcs(dir.resolve("fake")).createBucket(BUCKET);
        view = new GcsView(fake, BUCKET, dir.resolve("downloads"));
    }

    @AfterEach
    void stop() throws Exception {
        view.close();
        fake.close();
    }

    @Override
    Fixture fixture() {
        Fixture fx = new Fixture(dir);
        fx.view = view;
        return fx;
    }

    @Override
    String destination() {
        return "{type: gcs, bucket: " + BUCKET + ", endpoint: \"" + fake.endpoint() + "\", max_attempts: 3}";
    }
}
