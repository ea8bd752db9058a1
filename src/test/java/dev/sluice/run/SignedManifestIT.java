package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sign: {key_file}}: a real run writes {@code NAME.manifest.json.sig} beside its manifest,
 * which openssl (an independent verifier) accepts with the public key and refuses for a manifest
 * changed by one byte; a wrong or unreadable key and {@code sign} without a manifest are workspace
 * errors naming the setting, without the key's content. {@link GcsSignedManifestIT} runs the same
 * on a {@code gcs} destination and checks the signature is published before the manifest.
 */
class SignedManifestIT {
    @TempDir
    Path dir;

    Fixture fx;

    @BeforeEach
    void source() {
        assumeTrue(openssl("version").exit == 0, "openssl is not installed");
        fx = fixture();
        People.create(fx);
    }

    Fixture fixture() {
        return new Fixture(dir);
    }

    String workspaceHeader() {
        return People.WORKSPACE;
    }

    record Result(int exit, String output) {}

    static Result openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void workspace(String sign, boolean manifest) {
        fx.workspace(workspaceHeader() + """
                  daily:
                    model: eu_people
                    destination: out
                    folder: exports/people
                    file_name: people
                    manifest: %s
                    sign: %s
                """.formatted(manifest, sign));
    }

    @Test
    void theManifestsSignatureChecksWithOpensslAndTheVerificationCoversIt() throws Exception {
        Path key = dir.resolve("keys/manifest-key.pem");
        Files.createDirectories(key.getParent());
        assertThat(openssl("genpkey", "-algorithm", "ed25519", "-out", key.toString()).exit).isZero();
        Path pub = dir.resolve("keys/pub.pem");
        assertThat(openssl("pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()).exit).isZero();
        workspace("{key_file: keys/manifest-key.pem}", true);

        JsonNode run = fx.run("daily").json();
        List<String> objects = new ArrayList<>();
        run.path("files").forEach(f -> objects.add(f.path("object").asText()));
        assertThat(objects).containsExactly("exports/people/people.csv", "exports/people/people.manifest.json.sig",
                "exports/people/people.manifest.json");
        assertThat(fx.objects().keySet()).containsExactlyInAnyOrderElementsOf(objects);

        Path manifest = dir.resolve("check/people.manifest.json");
        Files.createDirectories(manifest.getParent());
        Files.copy(fx.file("exports/people/people.manifest.json"), manifest);
        String text = Files.readString(fx.file("exports/people/people.manifest.json.sig"), StandardCharsets.US_ASCII);
        assertThat(text).as("base64 on one line").matches("[A-Za-z0-9+/]+=*\\n");
        Path sig = dir.resolve("check/sig.bin");
        Files.write(sig, java.util.Base64.getDecoder().decode(text.strip()));
        assertThat(Files.size(sig)).as("an Ed25519 signature").isEqualTo(64);

        Result verified = openssl("pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin", "-in", manifest.toString(),
                "-sigfile", sig.toString());
        assertThat(verified.exit).as(verified.output).isZero();
        assertThat(verified.output).contains("Signature Verified Successfully");

        byte[] changed = Files.readAllBytes(manifest);
        changed[changed.length / 2] ^= 1;
        Path tampered = dir.resolve("check/tampered.json");
        Files.write(tampered, changed);
        Result refused = openssl("pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin", "-in", tampered.toString(),
                "-sigfile", sig.toString());
        assertThat(refused.exit).as("a manifest changed by one bit").isNotZero();

        // The signature is one of the run's published objects: verify checks it like the others.
        Fixture.Cli verify = fx.cli("verify", "daily", "--json");
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.json().path("verifications").get(0).path("checked").asInt()).isEqualTo(3);
    }

    @Test
    void aWrongOrUnreadableKeyAndSignWithoutAManifestAreWorkspaceErrorsThatNeverShowTheKey() throws Exception {
        Path rsa = dir.resolve("rsa.pem");
        assertThat(openssl("genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa.toString()).exit).isZero();
        String body = Files.readAllLines(rsa).get(1);
        workspace("{key_file: rsa.pem}", true);
        Fixture.Cli wrong = fx.cli("validate");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.out() + wrong.err()).contains("activations.daily.sign.key_file").contains("not an Ed25519 private key")
                .doesNotContain(body);
        Fixture.Cli run = fx.cli("run", "daily");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("activations.daily.sign.key_file").doesNotContain(body);
        assertThat(fx.objects()).as("nothing published").isEmpty();

        workspace("{key_file: missing.pem}", true);
        Fixture.Cli missing = fx.cli("validate");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.out() + missing.err()).contains("activations.daily.sign.key_file").contains("cannot read");

        Path key = dir.resolve("key.pem");
        assertThat(openssl("genpkey", "-algorithm", "ed25519", "-out", key.toString()).exit).isZero();
        workspace("{key_file: key.pem}", false);
        Fixture.Cli noManifest = fx.cli("validate");
        assertThat(noManifest.exitCode()).isEqualTo(2);
        assertThat(noManifest.out() + noManifest.err()).contains("activations.daily.sign").contains("manifest: true");
    }
}
