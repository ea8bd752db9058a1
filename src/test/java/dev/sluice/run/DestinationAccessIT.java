package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gcs.FakeGcs;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run's credentials may do on its bucket, asked before it reads anything (GCS's
 * {@code testIamPermissions}, on {@link FakeGcs} through the official client over HTTP): a missing
 * permission stops the run with {@code sluice check}'s sentence, recorded, nothing read or written;
 * a missing delete alone lets an activation that needs none run write-once; a role granted under an
 * IAM condition on the folder is not taken for a missing one; and a staged copy that cannot be
 * removed after its move does not leave a set half-published.
 */
class DestinationAccessIT {
    static final String BUCKET = "acme-exports";

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

    static final String STAGED = """
            file_name: "people"
            sync_mode: snapshot
            manifest: true
            """;

    static final String WRITE_ONCE = """
            file_name: "people_{run}"
            sync_mode: upsert
            publish: direct
            manifest: true
            """;

    @Test
    void aMissingCreatePermissionStopsTheRunBeforeItReadsWithChecksSentence() {
        workspace(STAGED);
        fake.revoke("storage.objects.create");
        Fixture.Cli run = fx.cli("run", "daily", "--json");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("activations.daily: destination out: the credentials lack the permission storage.objects.create on bucket "
                + BUCKET).contains("roles/storage.objectAdmin").contains("nothing was read or written")
                .contains("`sluice check out` says the same");
        // Nothing was sent to the bucket but the question and the folder probe (refused); no file uploaded.
        assertThat(fake.requests()).noneMatch(r -> r.contains("uploadType=resumable"));
        assertThat(fx.objects()).isEmpty();
        JsonNode recorded = fx.runs("daily").get(0);
        assertThat(recorded.path("status").asText()).isEqualTo("failed");
        assertThat(recorded.path("counts").path("read").asLong()).as("no row read").isZero();
        assertThat(recorded.path("error").asText()).contains("lack the permission storage.objects.create");

        // sluice check says the same sentence.
        Fixture.Cli check = fx.cli("check", "out");
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.err()).contains("the credentials lack the permission storage.objects.create on bucket " + BUCKET);
    }

    @Test
    void aMissingDeleteStopsAStagedActivationNamingWhatToGrantOrChange() {
        workspace(STAGED);
        fake.revoke("storage.objects.delete");
        Fixture.Cli run = fx.cli("run", "daily", "--json");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("lack the permission storage.objects.delete on bucket " + BUCKET)
                .contains("nothing was read or written. Grant it, or, to run without deleting anything, activations.daily.publish must be direct")
                .contains("activations.daily.file_name 'people' must give every run names of its own");
        assertThat(fx.objects()).as("nothing written, not even a probe: create is held on the bucket").isEmpty();
        assertThat(fake.requests()).noneMatch(r -> r.startsWith("POST /upload/"));
    }

    @Test
    void aMissingDeleteLetsAnActivationThatNeedsNoneRunWriteOnce() throws Exception {
        workspace(WRITE_ONCE);
        fake.revoke("storage.objects.delete");
        Fixture.Cli first = fx.run("daily");
        assertThat(first.err()).contains("lack the permission storage.objects.delete").contains("publishing directly under new names");
        People.step(fx, 0);
        Fixture.Cli second = fx.run("daily");
        assertThat(second.json().path("status").asText()).isEqualTo("succeeded");
        assertThat(fake.requests()).noneMatch(r -> r.startsWith("DELETE ") || r.contains("/rewriteTo/") || r.contains("/copyTo/"));
        assertThat(fx.stagingLeftovers()).isEmpty();
        List<String> manifests = fx.objects().keySet().stream().filter(n -> n.endsWith(".manifest.json")).toList();
        assertThat(manifests).hasSize(2);
        assertThat(fx.objects()).hasSize(4);
    }

    @Test
    void aRoleGrantedUnderAnIamConditionOnTheFolderIsNotTakenForAMissingOne() {
        workspace(STAGED);
        for (String permission : List.of("storage.objects.create", "storage.objects.get", "storage.objects.delete")) {
            fake.grantOnlyUnder(permission, "exports/people/");
        }
        Fixture.Cli run = fx.run("daily");
        assertThat(run.json().path("status").asText()).isEqualTo("succeeded");
        assertThat(fx.objects().keySet()).containsExactlyInAnyOrder("exports/people/people.csv", "exports/people/people.manifest.json");
        assertThat(fx.stagingLeftovers()).as("the probe was deleted").isEmpty();

        // Outside the granted folder the same run is stopped before it reads.
        fake.clearFaults();
        for (String permission : List.of("storage.objects.create", "storage.objects.get", "storage.objects.delete")) {
            fake.grantOnlyUnder(permission, "elsewhere/");
        }
        Fixture.Cli refused = fx.cli("run", "daily");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("lack the permission storage.objects.create");
    }

    @Test
    void aStagedCopyThatCannotBeRemovedAfterItsMoveLeavesTheSetCompleteAndTheNextRunRemovesIt() {
        workspace(STAGED);
        // Deleting staged objects is refused (e.g. an IAM condition that leaves out the staging folder).
        fake.fail(r -> r.method().equals("DELETE") && r.path().contains(".sluice-staging"), 403, 1000);
        Fixture.Cli run = fx.run("daily");
        JsonNode result = run.json();
        assertThat(result.path("status").asText()).isEqualTo("succeeded");
        assertThat(result.path("warnings").toString()).contains("every file was published, but 2 staged copies could not be removed")
                .contains("the next run of daily removes them");
        // The consumer sees the whole set: the data file and its manifest.
        assertThat(fx.objects().keySet()).contains("exports/people/people.csv", "exports/people/people.manifest.json");
        assertThat(fx.stagingLeftovers()).hasSize(2);

        fake.clearFaults();
        Fixture.Cli next = fx.run("daily");
        assertThat(next.err()).contains("removed 2 staged objects left by run " + result.path("id").asText());
        assertThat(fx.stagingLeftovers()).isEmpty();
    }
}
