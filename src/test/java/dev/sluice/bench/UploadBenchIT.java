package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Main;
import dev.sluice.gcs.FakeGcs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload benchmark on a small table against the GCS fake named as its endpoint: both runs
 * deliver, a line of figures is printed for each, and what they uploaded is deleted afterwards.
 */
class UploadBenchIT {
    @TempDir
    Path dir;

    @TempDir
    Path bucketDir;

    @Test
    void reportsBothActivationsAndRemovesWhatItUploaded() throws Exception {
        try (FakeGcs fake = new FakeGcs(bucketDir).createBucket("bench-bucket")) {
            StringWriter text = new StringWriter();
            new UploadBench(20_000, dir, new PrintWriter(text, true), Main.class,
                    new UploadBench.Target("bench-bucket", fake.endpoint(), null), false).run();
            String report = text.toString();
            assertThat(report).contains("generated 20,000 rows");
            assertThat(report).containsPattern("csv_full\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9]+\\s+[0-9]+%\\s+[1-9][0-9]*");
            assertThat(report).containsPattern("parquet_full\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9]+\\s+[0-9]+%\\s+[1-9][0-9]*");
            assertThat(fake.requests()).anyMatch(r -> r.contains("uploadType=resumable"));
            assertThat(fake.objects("bench-bucket")).isEmpty();
        }
    }

    @Test
    void keepLeavesTheUploadedObjects() throws Exception {
        try (FakeGcs fake = new FakeGcs(bucketDir).createBucket("bench-bucket")) {
            StringWriter text = new StringWriter();
            new UploadBench(1_000, dir, new PrintWriter(text, true), Main.class,
                    new UploadBench.Target("bench-bucket", fake.endpoint(), null), true).run();
            assertThat(text.toString()).contains("kept the uploaded objects under gs://bench-bucket/sluice-bench-upload/");
            assertThat(fake.objects("bench-bucket").keySet())
                    .anyMatch(name -> name.startsWith("sluice-bench-upload/") && name.endsWith(".csv"))
                    .anyMatch(name -> name.endsWith(".parquet"));
        }
    }
}
