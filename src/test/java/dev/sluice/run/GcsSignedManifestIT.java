package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gcs.FakeGcs;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SignedManifestIT} on a {@code gcs} destination ({@link FakeGcs}); the signature reaches its final name before the manifest. */
class GcsSignedManifestIT extends SignedManifestIT {
    static final String BUCKET = "signed-bucket";

    GcsBucket bucket;
    FakeGcs fake;
    GcsView view;

    @Override
    Fixture fixture() {
        bucket = GcsBucket.start(dir, BUCKET);
        fake = bucket.fake;
        view = bucket.view;
        return bucket.fixture(dir);
    }

    @Override
    String workspaceHeader() {
        return bucket.workspaceHeader(2, "");
    }

    @AfterEach
    void stop() throws Exception {
        if (bucket != null) {
            bucket.close();
        }
    }

    @Test
    void theSignatureIsPublishedBeforeTheManifest() throws Exception {
        java.nio.file.Path key = dir.resolve("key.pem");
        assertThat(openssl("genpkey", "-algorithm", "ed25519", "-out", key.toString()).exit()).isZero();
        workspace("{key_file: key.pem}", true);
        fx.run("daily");
        List<String> requests = fake.requests();
        int signature = -1;
        int manifest = -1;
        for (int i = 0; i < requests.size(); i++) {
            String r = requests.get(i);
            // A publish is a copy (rewrite) whose target is the final name.
            if (r.startsWith("POST ") && r.contains("/rewriteTo/") || r.contains("/copyTo/")) {
                if (r.contains("people.manifest.json.sig")) {
                    signature = i;
                } else if (r.contains("people.manifest.json")) {
                    manifest = i;
                }
            }
        }
        assertThat(signature).as("the signature's publish in %s", requests).isGreaterThanOrEqualTo(0);
        assertThat(manifest).as("the manifest's publish").isGreaterThan(signature);
    }
}
