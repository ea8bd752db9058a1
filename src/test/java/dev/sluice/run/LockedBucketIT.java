package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gcs.FakeGcs;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bucket that refuses deletes and replacements (a retention policy, a default event-based hold),
 * on {@link FakeGcs} through the official client over HTTP, read back through a client of the
 * test's own: runs that need no delete publish directly under new names, the manifest last; runs
 * that would need one are refused before reading; a refused delete is named as the bucket's rule.
 */
class LockedBucketIT {
    static final String BUCKET = "locked-bucket";

    @TempDir
    java.nio.file.Path dir;

    FakeGcs fake;
    GcsView view;
    Fixture fx;

    @BeforeEach
    void start() {
        fake = new FakeGcs(dir.resolve("fake")).createBucket(BUCKET);
        view = new GcsView(fake, BUCKET, dir.resolve("downloads"));
        fx = new Fixture(dir);
        fx.view = view;
        People.create(fx);
    }

    @AfterEach
    void stop() throws Exception {
        view.close();
        fake.close();
    }

    void workspace(String settings) {
        fx.workspace(People.WORKSPACE.replace("out: {type: local, path: out}",
                "out: {type: gcs, bucket: " + BUCKET + ", endpoint: \"" + fake.endpoint() + "\", max_attempts: 2}") + """
                  daily:
                    model: eu_people
                    destination: out
                    folder: exports/people
                    format: {type: csv}
                %s""".formatted(settings.indent(4)));
    }

    static final String WRITE_ONCE = """
            file_name: "people_{run}"
            sync_mode: upsert
            publish: direct
            manifest: true
            """;

    /** Every manifest in the bucket, read back, keyed by its object name. */
    TreeMap<String, JsonNode> manifests() throws IOException {
        TreeMap<String, JsonNode> result = new TreeMap<>();
        for (String name : fx.objects().keySet()) {
            if (name.endsWith(".manifest.json")) {
                result.put(name, Fixture.JSON.readTree(Files.readString(fx.file(name))));
            }
        }
        return result;
    }

    /** Checks that each file a manifest names is in the bucket as the manifest describes it: a complete set. */
    void assertComplete(JsonNode manifest) {
        for (JsonNode file : manifest.path("files")) {
            String object = file.path("object").asText();
            assertThat(fx.objects()).as("%s of run %s", object, manifest.path("run").asText()).containsEntry(object, file.path("bytes").asLong());
            assertThat(Fixture.crc32c(fx.file(object))).isEqualTo(file.path("crc32c").asText());
        }
    }

    @Test
    void uniqueNamesPublishDirectlyRunAfterRunAndTheManifestLast() throws Exception {
        fake.bucketRetention(BUCKET, Duration.ofDays(1), true);
        workspace(WRITE_ONCE);
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                People.step(fx, i - 1);
            }
            int before = fake.requests().size();
            Fixture.Cli run = fx.run("daily");
            runs.add(run.json());
            assertThat(run.err()).contains("retention policy of 1 day (locked)").contains("publishing directly under new names");
            // This run's uploads: the data file, then the manifest, each to its final name.
            List<String> uploads = fake.requests().subList(before, fake.requests().size()).stream()
                    .filter(r -> r.startsWith("POST /upload/")).toList();
            assertThat(uploads).hasSize(2);
        }
        // Nothing staged, copied or deleted, ever: two uploads a run, six objects, none staged.
        assertThat(fake.requests()).noneMatch(r -> r.startsWith("DELETE ") || r.contains("/rewriteTo/") || r.contains("/copyTo/"));
        assertThat(fx.objects()).hasSize(6);
        assertThat(fx.stagingLeftovers()).isEmpty();
        TreeMap<String, JsonNode> manifests = manifests();
        assertThat(manifests).hasSize(3);
        List<String> announced = new ArrayList<>();
        for (JsonNode manifest : manifests.values()) {
            assertComplete(manifest);
            announced.add(manifest.path("run").asText());
        }
        assertThat(announced).containsExactlyInAnyOrderElementsOf(runs.stream().map(r -> r.path("id").asText()).toList());
        // The sets are what the runs recorded: the first all five EU rows, then the changes.
        assertThat(runs.get(0).path("counts").path("written").asLong()).isEqualTo(5);
        assertThat(runs.get(1).path("counts").path("written").asLong()).isEqualTo(4); // 2 added, 2 updated (upsert)
        for (JsonNode run : runs) {
            assertThat(run.path("status").asText()).isEqualTo("succeeded");
            run.path("files").forEach(f -> assertThat(fx.objects()).containsKey(f.path("object").asText()));
        }
        // Every object is held by the bucket's policy, and none could have been replaced.
        assertThat(fx.objects().keySet()).allMatch(n -> n.startsWith("exports/people/people_"));
    }

    @Test
    void theSchemaFileIsLeftOutOnABucketThatRefusesReplacementsAndTheManifestCarriesTheSchema() throws Exception {
        fake.bucketRetention(BUCKET, Duration.ofDays(1), true);
        workspace(WRITE_ONCE + "schema_file: true\n");
        for (int i = 0; i < 2; i++) {
            JsonNode run = fx.run("daily").json();
            assertThat(run.path("status").asText()).isEqualTo("succeeded");
            assertThat(run.path("warnings").toString()).contains("schema_file: exports/people/_schema.json was not written");
        }
        assertThat(fx.objects().keySet()).noneMatch(n -> n.endsWith("_schema.json"));
        for (JsonNode manifest : manifests().values()) {
            assertComplete(manifest);
            assertThat(manifest.path("schema").path("version").asInt()).isEqualTo(1);
            assertThat(manifest.path("schema").path("primary_key")).extracting(JsonNode::asText).containsExactly("id");
        }
    }

    @Test
    void aRunThatWouldReplaceOrStageIsRefusedBeforeReading() {
        fake.bucketRetention(BUCKET, Duration.ofDays(7), true);
        workspace("file_name: people\n"); // snapshot, staged, one fixed name, no manifest
        // Had the run read the model, it would fail on the missing table instead.
        fx.sql("DROP TABLE people");
        Fixture.Cli refused = fx.cli("run", "daily");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err())
                .contains("activations.daily: destination out: bucket " + BUCKET + " has a retention policy of 7 days (locked)")
                .contains("activations.daily.publish must be direct")
                .contains("activations.daily.file_name 'people' must give every run names of its own: add {run}")
                .contains("a snapshot activation cannot keep one fixed name on this bucket")
                .contains("activations.daily.manifest must be true")
                .contains("nothing was read or written")
                .doesNotContain("people does not exist").doesNotContain("Catalog Error");
        assertThat(fx.objects()).isEmpty();
        assertThat(fake.requests()).noneMatch(r -> r.startsWith("POST /upload/") || r.startsWith("DELETE "));
        assertThat(fx.runs("daily")).isEmpty();
    }

    @Test
    void aDefaultEventBasedHoldRefusesARunThatWouldStage() {
        fake.defaultEventBasedHold(BUCKET, true);
        workspace("file_name: \"people_{run}\"\nmanifest: true\n");
        Fixture.Cli refused = fx.cli("run", "daily");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("has a default event-based hold").contains("activations.daily.publish must be direct")
                .doesNotContain(".file_name").doesNotContain(".manifest must");
        assertThat(fx.objects()).isEmpty();
        // Made write-once, it runs, and every object it wrote is held.
        workspace(WRITE_ONCE);
        JsonNode run = fx.run("daily").json();
        assertThat(run.path("files")).hasSize(2);
        run.path("files").forEach(f -> assertThat(fake.isHeld(BUCKET, f.path("object").asText())).isTrue());
    }

    @Test
    void aDeleteRefusedByAHoldIsReportedAsTheBucketsRuleNotAPermission() {
        // Without storage.buckets.get the run cannot see the hold: it says so and goes on as before.
        fake.defaultEventBasedHold(BUCKET, true);
        fake.revoke("storage.buckets.get");
        workspace("file_name: \"people_{run}\"\n");
        Fixture.Cli failed = fx.cli("run", "daily");
        // The set is published all the same; the staged copies stay, with a warning.
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(0);
        assertThat(failed.err()).contains("lack the permission storage.buckets.get")
                .contains("cannot tell whether the bucket refuses deletes");
        // The staged copy could not be deleted after the move: the hold, not a missing permission.
        assertThat(failed.err()).contains("every file was published, but 1 staged copy could not be removed after the move")
                .contains("bucket " + BUCKET + " refused deleting exports/people/.sluice-staging/")
                .contains("403 objectUnderActiveHold: Object '" + BUCKET + "/exports/people/.sluice-staging/")
                .contains("is under active Event-Based hold")
                .contains("the bucket's retention policy or an object hold forbids deleting or replacing that object, whatever the "
                        + "credentials' permissions")
                .doesNotContain("lack the permission storage.objects.delete");
    }

    @Test
    void aManifestNotUploadedAfterTheDecisionIsPublishedByTheNextRun() throws Exception {
        fake.bucketRetention(BUCKET, Duration.ofHours(36), false);
        workspace(WRITE_ONCE);
        // The second upload of the run (its manifest, after the decision) fails on every attempt.
        AtomicInteger uploads = new AtomicInteger();
        fake.fail(r -> r.method().equals("POST") && r.isUpload() && uploads.incrementAndGet() >= 2, 503, 100);
        Fixture.Cli failed = fx.cli("run", "daily", "--json");
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
        assertThat(failed.err()).contains("its snapshot is committed").contains("kept (staged, or in the state folder");
        assertThat(manifests()).isEmpty();
        assertThat(fx.objects()).hasSize(1); // the data file, which no manifest names yet
        fake.clearFaults();
        People.step(fx, 0);
        JsonNode second = fx.run("daily").json();
        TreeMap<String, JsonNode> manifests = manifests();
        assertThat(manifests).hasSize(2);
        manifests.values().forEach(this::assertComplete);
        List<JsonNode> history = fx.runs("daily");
        assertThat(history).hasSize(2).allMatch(r -> r.path("status").asText().equals("succeeded"));
        JsonNode first = history.get(1);
        assertThat(first.path("warnings").toString()).contains("completed its publish (1 file");
        // The manifest published late is the one the first run wrote and recorded, byte for byte.
        JsonNode recorded = java.util.stream.StreamSupport.stream(first.path("files").spliterator(), false)
                .filter(f -> f.path("object").asText().endsWith(".manifest.json")).findFirst().orElseThrow();
        assertThat(Fixture.crc32c(fx.file(recorded.path("object").asText()))).isEqualTo(recorded.path("crc32c").asText());
        assertThat(manifests.values().stream().map(m -> m.path("run").asText()))
                .containsExactlyInAnyOrder(first.path("id").asText(), second.path("id").asText());
        assertThat(java.nio.file.Files.exists(fx.state.resolve("work").resolve(first.path("id").asText()))).isFalse();
    }

    @Test
    void aFailureBeforeTheDecisionLeavesItsDataFilesUnannouncedAndDeletesNothing() throws Exception {
        fake.bucketRetention(BUCKET, Duration.ofDays(1), false);
        workspace(WRITE_ONCE + "max_rows_per_file: 2\n"); // five rows: three data files
        AtomicInteger uploads = new AtomicInteger();
        fake.fail(r -> r.method().equals("POST") && r.isUpload() && uploads.incrementAndGet() >= 2, 503, 100);
        Fixture.Cli failed = fx.cli("run", "daily");
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
        assertThat(fx.objects()).hasSize(1);
        String left = fx.objects().firstKey();
        assertThat(failed.err()).contains("1 data files it had written stay in the bucket (bucket " + BUCKET
                + " has a retention policy of 1 day").contains(left).contains("no manifest names them");
        fake.clearFaults();
        JsonNode second = fx.run("daily").json();
        assertThat(second.path("files")).hasSize(4);
        assertThat(manifests()).hasSize(1).allSatisfy((name, manifest) -> {
            assertComplete(manifest);
            assertThat(manifest.path("run").asText()).isEqualTo(second.path("id").asText());
        });
        assertThat(fx.objects()).containsKey(left).hasSize(5);
        assertThat(fake.requests()).noneMatch(r -> r.startsWith("DELETE "));
        assertThat(fx.runs("daily").get(1).path("status").asText()).isEqualTo("failed");
    }
}
