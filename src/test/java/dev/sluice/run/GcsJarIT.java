package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gcs.FakeGcs;
import dev.sluice.gcs.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official client from the shaded application jar ({@code target/sluice.jar}), whose merged
 * service files it depends on: {@code sluice check} with a service-account key, and a run, in a
 * separate JVM against {@link FakeGcs}.
 */
class GcsJarIT {
    @TempDir
    Path dir;

    @Test
    void checkAndRunFromTheApplicationJar() throws Exception {
        try (FakeGcs fake = new FakeGcs(dir.resolve("fake")).createBucket("jar-bucket")) {
            Fixture fx = new Fixture(dir);
            String key = TestKeys.serviceAccountKey(fake);
            Files.writeString(dir.resolve("sa.json"), key);
            People.create(fx);
            fx.workspace(People.WORKSPACE.replace("out: {type: local, path: out}", "out: {type: gcs, bucket: jar-bucket, endpoint: \""
                    + fake.endpoint() + "\", credentials_file: sa.json}") + """
                      daily:
                        model: eu_people
                        destination: out
                        folder: daily
                        file_name: people
                        format: {type: parquet}
                        run_type: full_only
                        sync_mode: snapshot
                    """);
            ChildRun check = new ChildRun(fx, "check", "out", "--folder", "daily");
            assertThat(check.waitFor()).as(check.err()).isZero();
            assertThat(check.out()).contains("ok: destination out (gs://jar-bucket at " + fake.endpoint() + ") works");
            ChildRun run = new ChildRun(fx, "run", "daily");
            assertThat(run.waitFor()).as(run.err()).isZero();
            assertThat(fake.objects("jar-bucket")).containsOnlyKeys("daily/people.parquet");
            assertThat(fake.objects("jar-bucket").get("daily/people.parquet").contentType()).isEqualTo("application/vnd.apache.parquet");
            assertThat(fake.authorizations()).isNotEmpty().allMatch(a -> a.equals("Bearer fake-access-token"));
            assertThat(check.err() + check.out() + run.err() + run.out()).doesNotContain(TestKeys.privateKeyBody(key));
        }
    }
}
