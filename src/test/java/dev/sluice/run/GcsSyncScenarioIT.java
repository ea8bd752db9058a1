package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gcs.FakeGcs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every scenario of {@link SyncScenarioIT} (each run type × sync mode, every format) delivered to a
 * {@code gcs} destination whose endpoint is {@link FakeGcs}, over HTTP, through the official
 * client, with a chunk size small enough that most files go up in several chunks. Files are read
 * back through a separate client instance; after each scenario, rclone (an independent GCS client)
 * must list the same objects with the same sizes and read the same bytes.
 */
class GcsSyncScenarioIT extends SyncScenarioIT {
    static final String BUCKET = "activation-bucket";

    GcsBucket bucket;
    FakeGcs fake;
    GcsView view;

    @BeforeEach
    void startFake() {
        bucket = GcsBucket.start(dir, BUCKET);
        fake = bucket.fake;
        view = bucket.view;
    }

    @AfterEach
    void compareWithRcloneAndStop() throws Exception {
        try {
            Map<String, Long> objects = view.objects();
            assertThat(objects).as("the scenario published objects").isNotEmpty();
            if (Rclone.installed()) {
                Rclone rclone = new Rclone(fake, BUCKET, dir);
                assertThat(rclone.list()).as("objects listed by rclone").isEqualTo(objects);
                for (String object : objects.keySet()) {
                    assertThat(rclone.cat(object)).as("%s read by rclone", object).isEqualTo(Files.readAllBytes(view.file(object)));
                }
            }
            assertThat(fake.openSessions()).as("upload sessions left open").isZero();
            fake.objects(BUCKET).forEach((name, object) -> {
                String extension = name.endsWith(".manifest.json") ? "manifest" : name.substring(name.lastIndexOf('.') + 1);
                assertThat(object.contentType()).as("content type of %s", name).isEqualTo(switch (extension) {
                    case "csv" -> "text/csv";
                    case "json", "manifest" -> "application/json";
                    case "jsonl" -> "application/x-ndjson";
                    case "xml" -> "application/xml";
                    case "parquet" -> "application/vnd.apache.parquet";
                    default -> "unexpected extension " + extension;
                });
                assertThat(object.metadata()).as("metadata of %s", name).containsKeys("sluice-activation", "sluice-run", "sluice-rows");
                assertThat(name).contains(object.metadata().get("sluice-run"));
            });
        } finally {
            bucket.close();
        }
    }

    @Override
    Fixture fixture() {
        return bucket.fixture(dir);
    }

    @Override
    String workspaceHeader() {
        return bucket.workspaceHeader(3, ", chunk_size: 256KiB");
    }

    /** Keeps the file-system check honest: nothing was written to a local folder instead. */
    @AfterEach
    void nothingLocal() throws IOException {
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
