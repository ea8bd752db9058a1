package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gcs.FakeGcs;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code gcs} destination with {@code kms_key_name} (customer-managed encryption, issue 28 item 3):
 * every published object (data files and the manifest) is written with the key and carries Sluice's
 * metadata, as GCS's JSON API answers for each object, read with the JDK's HTTP client (not Google's);
 * a key Cloud Storage may not use makes {@code sluice check} and a run name the setting, the missing
 * permissions and the role that grants them, with nothing published.
 */
class GcsEncryptionIT {
    static final String BUCKET = "cmek-bucket";
    static final String KEY = "projects/acme/locations/europe-west1/keyRings/activation/cryptoKeys/exports";

    @TempDir
    Path dir;
    FakeGcs fake;
    Fixture fx;

    @BeforeEach
    void start() {
        fake = new FakeGcs(dir.resolve("fake")).createBucket(BUCKET);
        fx = new Fixture(dir);
        People.create(fx);
        fx.workspace(People.WORKSPACE.replace("out: {type: local, path: out}",
                "out: {type: gcs, bucket: " + BUCKET + ", endpoint: \"" + fake.endpoint() + "\", max_attempts: 2, kms_key_name: " + KEY + "}")
                + """
                  daily:
                    model: eu_people
                    destination: out
                    folder: exports
                    file_name: "people_{run}"
                    max_rows_per_file: 2
                    manifest: true
                """);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void everyPublishedObjectIsEncryptedWithTheKeyAndCarriesTheRunsMetadata() throws Exception {
        Fixture.Cli run = fx.run("daily");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode record = run.json();
        String runId = record.path("id").asText();
        assertThat(record.path("files").size()).isGreaterThan(1);
        int objects = 0;
        for (JsonNode file : record.path("files")) {
            JsonNode resource = resource(file.path("object").asText());
            assertThat(resource.path("kmsKeyName").asText()).as(file.path("object").asText()).isEqualTo(KEY + "/cryptoKeyVersions/1");
            assertThat(resource.path("metadata").path("sluice-run").asText()).isEqualTo(runId);
            assertThat(resource.path("metadata").path("sluice-activation").asText()).isEqualTo("daily");
            assertThat(resource.path("metadata").path("sluice-rows").asLong()).isEqualTo(file.path("rows").asLong());
            assertThat(resource.path("metadata").path("sluice-schema-version").asText()).isEqualTo("1");
            objects++;
        }
        String manifest = fake.objects(BUCKET).keySet().stream().filter(n -> n.endsWith(".manifest.json")).findFirst().orElseThrow();
        assertThat(resource(manifest).path("kmsKeyName").asText()).isEqualTo(KEY + "/cryptoKeyVersions/1");
        assertThat(resource(manifest).path("metadata").path("sluice-schema-version").asText()).isEqualTo("1");
        assertThat(fake.objects(BUCKET).values()).as("every object, staged copies included, was written with the key")
                .allSatisfy(o -> assertThat(o.kmsKeyName()).isEqualTo(KEY));
        assertThat(objects).isEqualTo(record.path("files").size());
        Fixture.Cli check = fx.cli("check", "out");
        assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
    }

    @Test
    void aKeyCloudStorageMayNotUseIsNamedWithTheRoleAndNothingIsPublished() throws Exception {
        fake.denyKmsKey(KEY);
        Fixture.Cli check = fx.cli("check", "out");
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.err()).contains("destinations.out.kms_key_name", KEY, "cloudkms.cryptoKeyVersions.useToEncrypt",
                "roles/cloudkms.cryptoKeyEncrypterDecrypter").doesNotContain("Exception", "\tat ");
        Fixture.Cli run = fx.cli("run", "daily");
        assertThat(run.exitCode()).as("a started run that fails exits 1 (docs/cli.md)").isEqualTo(1);
        assertThat(run.err()).contains("destinations.out.kms_key_name", "roles/cloudkms.cryptoKeyEncrypterDecrypter");
        assertThat(fake.objects(BUCKET)).as("nothing published").isEmpty();
    }

    @Test
    void aMalformedKeyNameIsAWorkspaceError() {
        fx.workspace(People.WORKSPACE.replace("out: {type: local, path: out}",
                "out: {type: gcs, bucket: " + BUCKET + ", kms_key_name: " + KEY + "/cryptoKeyVersions/3}"));
        Fixture.Cli validate = fx.cli("validate", "--offline");
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err() + validate.out()).contains("destinations.out.kms_key_name", "without /cryptoKeyVersions/N");
    }

    /** The object's resource as GCS's JSON API answers it, fetched with the JDK's HTTP client. */
    private JsonNode resource(String object) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fake.endpoint()
                + "/storage/v1/b/" + BUCKET + "/o/" + URLEncoder.encode(object, StandardCharsets.UTF_8).replace("+", "%20"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body());
    }
}
