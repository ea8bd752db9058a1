package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gcs.FakeGcs;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;

/**
 * Every test of {@link PartitionIT} against a {@code gcs} destination on {@link FakeGcs}, through
 * the official client over HTTP; after each, rclone (an independent GCS client) lists the same
 * objects, partition folders and escaped names included, and reads the same bytes.
 */
class GcsPartitionIT extends PartitionIT {
    static final String BUCKET = "partition-bucket";

    FakeGcs fake;
    GcsView view;

    @Override
    Fixture fixture() {
        fake = new FakeGcs(dir.resolve("fake")).createBucket(BUCKET);
        view = new GcsView(fake, BUCKET, dir.resolve("downloads"));
        Fixture fx = new Fixture(dir);
        fx.view = view;
        return fx;
    }

    @Override
    String workspaceHeader() {
        return People.WORKSPACE.replace("out: {type: local, path: out}",
                "out: {type: gcs, bucket: " + BUCKET + ", endpoint: \"" + fake.endpoint() + "\", max_attempts: 2}");
    }

    @Override
    void putForeign(String name, byte[] content) {
        fake.putObject(BUCKET, name, content, "text/plain");
    }

    @AfterEach
    void compareWithRcloneAndStop() throws Exception {
        try {
            if (Rclone.installed()) {
                Rclone rclone = new Rclone(fake, BUCKET, dir);
                assertThat(rclone.list()).as("objects listed by rclone").isEqualTo(view.objects());
                for (String object : view.objects().keySet()) {
                    assertThat(rclone.cat(object)).as("%s read by rclone", object).isEqualTo(Files.readAllBytes(view.file(object)));
                }
            }
        } finally {
            view.close();
            fake.close();
        }
    }
}
