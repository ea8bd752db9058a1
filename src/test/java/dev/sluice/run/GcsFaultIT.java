package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gcs.FakeGcs.Request;
import dev.sluice.gcs.FakeGcs;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of Google Cloud Storage, injected by {@link FakeGcs} under the official client, during
 * real runs: transient ones (503, 429, connections dropped mid-upload) are retried and the run
 * succeeds with intact files; persistent ones fail the run cleanly — recorded as failed, none of
 * its objects left (staged or final), the snapshot untouched — and the next run exports the same
 * changes again. Also: overwrite: false refused by the precondition itself, and the staging
 * leftovers of a run killed mid-upload removed by the next run.
 */
class GcsFaultIT {
    static final String BUCKET = "fault-bucket";

    @TempDir
    Path dir;

    FakeGcs fake;
    GcsView view;
    Fixture fx;

    @BeforeEach
    void start() {
        fake = new FakeGcs(dir.resolve("fake")).createBucket(BUCKET);
        view = new GcsView(fake, BUCKET, dir.resolve("downloads"));
        fx = new Fixture(dir);
        fx.view = view;
    }

    @AfterEach
    void stop() throws Exception {
        view.close();
        fake.close();
    }

    String header(int maxAttempts) {
        return People.WORKSPACE.replace("out: {type: local, path: out}", "out: {type: gcs, bucket: " + BUCKET + ", endpoint: \""
                + fake.endpoint() + "\", chunk_size: 256KiB, max_attempts: " + maxAttempts + "}");
    }

    Scenario scenario(int maxAttempts) {
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV, "changes",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
        s.manifest = true;
        People.create(fx);
        fx.workspace(header(maxAttempts) + s.yaml("all_people", "out"));
        return s;
    }

    static Predicate<Request> chunks() {
        return Request::isResumableChunk;
    }

    static Predicate<Request> sessionStarts() {
        return r -> r.method().equals("POST") && r.isUpload();
    }

    static Predicate<Request> copies() {
        return r -> r.path().contains("/rewriteTo/");
    }

    static Predicate<Request> deletes() {
        return r -> r.method().equals("DELETE");
    }

    static Predicate<Request> lists() {
        return r -> r.method().equals("GET") && r.path().endsWith("/o");
    }

    @Test
    void transientFailuresAreRetriedAndTheRunSucceeds() {
        Scenario s = scenario(6);
        fake.fail(sessionStarts(), 429, 1);
        // One of each, so that the client's backoff (which grows with every failure of the same request) stays short.
        fake.fail(chunks(), 503, 1);
        fake.dropMidUpload(chunks(), 1);
        fake.fail(copies(), 503, 1);
        fake.fail(deletes(), 500, 1);
        fake.fail(lists(), 503, 1);
        s.sync();
        assertThat(fake.pendingFaults()).as("every injected fault was hit").isZero();
        People.step(fx, 0);
        fake.dropMidUpload(chunks(), 1);
        fake.fail(copies(), 502, 1);
        s.sync();
        assertThat(fake.pendingFaults()).isZero();
    }

    @Test
    void anyOneRequestOfARunMayFailOnce() {
        Scenario s = scenario(6);
        s.sync();
        int before = fake.requests().size();
        People.step(fx, 0);
        s.sync();
        int perRun = fake.requests().size() - before;
        assertThat(perRun).as("requests of a delta run").isGreaterThan(10);
        // Each run fails its Nth request once, for every N a run makes: all succeed.
        for (int n = 1; n <= perRun; n++) {
            fake.failRequestNumber(n, 503);
            s.sync();
            assertThat(fake.pendingFaults()).as("request %d failed once", n).isZero();
        }
    }

    @Test
    void uploadsThatKeepFailingFailTheRunCleanly() {
        Scenario s = scenario(2);
        s.sync();
        People.step(fx, 0);
        fake.fail(chunks(), 503, 1_000);
        JsonNode record = s.failed(() -> {
            Fixture.Cli cli = fx.cli("run", "changes");
            assertThat(cli.exitCode()).isEqualTo(1);
            assertThat(cli.err()).contains("error: run").contains("destinations.out: Google Cloud Storage kept failing (HTTP 503")
                    .contains("after 2 attempts (destinations.out.max_attempts); run again later")
                    .contains("what it had uploaded was removed: nothing of this run was published, and the next run of changes "
                            + "exports the same changes again").doesNotContain("\tat ");
        }, "kept failing");
        assertThat(record.path("error").asText()).contains("while uploading changes/.sluice-staging/");
        fake.clearFaults();
        s.sync();
    }

    @Test
    void connectionsThatKeepDroppingFailTheRunCleanly() {
        Scenario s = scenario(2);
        s.sync();
        People.step(fx, 0);
        fake.dropMidUpload(chunks(), 1_000);
        s.failed(() -> assertThat(fx.cli("run", "changes").exitCode()).isEqualTo(1), "cannot reach Google Cloud Storage");
        fake.clearFaults();
        People.step(fx, 2);
        s.sync();
    }

    @Test
    void anUploadStoredDamagedFailsTheRunCleanly() {
        Scenario s = scenario(2);
        s.sync();
        People.step(fx, 0);
        fake.corruptUploads(1);
        s.failed(() -> assertThat(fx.cli("run", "changes").exitCode()).isEqualTo(1), "was stored damaged");
        s.sync();
    }

    @Test
    void aPublishThatFailsHalfwayIsCompletedByTheNextRun() {
        Scenario s = scenario(2);
        s.sync();
        People.step(fx, 0);
        AtomicInteger copiesSeen = new AtomicInteger();
        // The first two files reach their final names, then every copy fails.
        fake.fail(r -> copies().test(r) && copiesSeen.incrementAndGet() > 2, 503, 1_000);
        // Copies come after the decision point: nothing already copied is withdrawn; the next run
        // completes the publish from the staging prefix, then runs.
        s.decided(() -> {
            Fixture.Cli cli = fx.cli("run", "changes");
            assertThat(cli.exitCode()).isEqualTo(1);
            assertThat(cli.err()).contains("while copying", "its snapshot is committed, so its changes stand");
        });
        assertThat(copiesSeen.get()).isGreaterThan(2);
        fake.clearFaults();
        s.sync();
    }

    /**
     * Issue 12, item 4: a failed run whose clean-up fails too (every DELETE answers 503) used to leave
     * its staged objects and its direct final files for good. The error says what it could not
     * remove; the next run removes them (staging found by listing, final names from the record).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "publish: {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"staged", "direct"})
    void leftoversOfARunWhoseCleanUpFailedAreRemovedByTheNextRun(String publish) {
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV, "changes",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
        s.manifest = true;
        s.direct = publish.equals("direct");
        People.create(fx);
        fx.workspace(header(1) + s.yaml("all_people", "out"));
        s.sync();
        People.step(fx, 0);
        AtomicInteger sessions = new AtomicInteger();
        fake.fail(r -> sessionStarts().test(r) && sessions.incrementAndGet() > 2, 503, 1_000);
        fake.fail(deletes(), 503, 1_000);
        Fixture.Cli cli = fx.cli("run", "changes");
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err()).contains("3 uploaded objects could not be removed", "the next run of changes removes them")
                .doesNotContain("nothing partial was published", "\tat ");
        String id = fx.runs("changes").get(0).path("id").asText();
        assertThat(view.objects().keySet()).as("what the failed run left").filteredOn(n -> n.contains(id)).hasSize(2);
        fake.clearFaults();
        s.sync(); // checks that the destination holds exactly the successful runs' files, no staging
        assertThat(view.objects().keySet()).noneMatch(n -> n.contains(id));
    }

    @Test
    void overwriteFalseIsEnforcedByTheDoesNotExistPrecondition() {
        People.create(fx);
        fx.workspace(header(2) + """
                  daily:
                    model: eu_people
                    destination: out
                    folder: daily
                    file_name: people
                    format: csv
                    run_type: full_only
                    sync_mode: snapshot
                    overwrite: false
                """);
        // Another writer creates the final name after Sluice checked it is free and before it is published.
        fake.onRequest(r -> copies().test(r), r -> {
            if (!view.objects().containsKey("daily/people.csv")) {
                fake.putObject(BUCKET, "daily/people.csv", "someone else's\n".getBytes(StandardCharsets.UTF_8), "text/csv");
            }
        });
        Fixture.Cli cli = fx.cli("run", "daily");
        assertThat(cli.exitCode()).as("a failed run; " + cli.err()).isEqualTo(1);
        // The copy to the final name comes after the decision point: the run's changes stand and its
        // file stays staged; nothing replaced the other writer's object.
        assertThat(cli.err()).contains("daily/people.csv already exists and this activation does not replace existing files")
                .contains("its snapshot is committed, so its changes stand");
        assertThat(fake.requests()).anyMatch(q -> q.contains("/rewriteTo/") && q.contains("ifGenerationMatch=0"));
        assertThat(view.file("daily/people.csv")).hasContent("someone else's");
        assertThat(fx.runs("daily").get(0).path("status").asText()).isEqualTo("running");
        // The next run first completes that publish, and will not replace the other writer's object
        // either: it stops before starting, saying which object is in the way.
        fake.clearFaults();
        int before = fake.requests().size();
        cli = fx.cli("run", "daily");
        assertThat(cli.exitCode()).isNotZero();
        assertThat(cli.err()).contains("completing its publish failed again", "daily/people.csv already exists");
        assertThat(fake.requests().subList(before, fake.requests().size())).noneMatch(q -> q.startsWith("POST /upload/"));
        assertThat(fx.runs("daily")).hasSize(1);
        // Once the object in the way is gone, the decided run's file is published and recorded.
        assertThat(view.storage().delete(com.google.cloud.storage.BlobId.of(BUCKET, "daily/people.csv"))).isTrue();
        cli = fx.cli("run", "daily");
        assertThat(cli.err()).contains("completed it (1 file)");
        assertThat(fx.runs("daily").get(fx.runs("daily").size() - 1).path("status").asText()).isEqualTo("succeeded");
        assertThat(view.objects()).containsKey("daily/people.csv");
        assertThat(fx.stagingLeftovers()).isEmpty();
    }

    @Test
    void stagingLeftoversOfARunKilledMidUploadAreRemovedByTheNextRun() throws Exception {
        Scenario s = scenario(3);
        s.sync();
        People.step(fx, 0);
        CountDownLatch uploading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        // The third staged upload is held until the child is killed: two staged objects exist by then.
        fake.onRequest(r -> r.isResumableChunk(), r -> {
            if (finished.incrementAndGet() == 3) {
                uploading.countDown();
                try {
                    release.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ChildRun child = new ChildRun(fx, "run", "changes");
        try {
            assertThat(uploading.await(5, TimeUnit.MINUTES)).as("the child reached its third upload; stderr:\n%s", child.err()).isTrue();
            child.kill();
        } finally {
            release.countDown();
        }
        assertThat(fx.stagingLeftovers()).as("what the killed run left").isNotEmpty();
        fake.clearFaults();
        s.sync();
        assertThat(fx.stagingLeftovers()).isEmpty();
        List<JsonNode> runs = fx.runs("changes");
        assertThat(runs.get(1).path("status").asText()).isEqualTo("failed");
    }
}
