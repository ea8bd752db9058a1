package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gcs.FakeGcs;
import dev.sluice.gcs.TestKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice check} against {@link FakeGcs} over HTTP, through the official client: the
 * sentence and exit code of each common failure, and that no key material is ever printed, even
 * with {@code --debug}.
 */
class CheckCommandIT {
    @TempDir
    Path dir;

    FakeGcs fake;
    String key;

    @BeforeEach
    void start() {
        fake = new FakeGcs(dir.resolve("fake")).createBucket("acme-activation");
        key = TestKeys.serviceAccountKey(fake);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    Result check(String destinationYaml, String... args) throws IOException {
        Path yaml = dir.resolve("sluice.yaml");
        Files.writeString(yaml, "destinations:\n" + destinationYaml);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        all.addAll(List.of("-c", yaml.toString()));
        int code = cmd.execute(all.toArray(String[]::new));
        Result result = new Result(code, out.toString(), err.toString());
        assertThat(result.all()).as("no key material in the output").doesNotContain(TestKeys.privateKeyBody(key))
                .doesNotContain("PRIVATE KEY").doesNotContain("0123456789abcdef0123456789abcdef01234567");
        return result;
    }

    String emulator(String bucket) {
        return "  bucket:\n    type: gcs\n    bucket: " + bucket + "\n    endpoint: " + fake.endpoint() + "\n    max_attempts: 2\n";
    }

    String withKeyFile(String bucket) throws IOException {
        Path file = dir.resolve("sa.json");
        Files.writeString(file, key);
        return emulator(bucket) + "    credentials_file: sa.json\n";
    }

    @Test
    void aWorkingBucketWithoutCredentialsOnAnEmulator() throws IOException {
        Result r = check(emulator("acme-activation"), "bucket", "--folder", "exports/daily");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("ok: destination bucket (gs://acme-activation at " + fake.endpoint() + ") works")
                .contains("under exports/daily/");
        assertThat(fake.objects("acme-activation")).as("the probe is deleted").isEmpty();
        assertThat(fake.requests()).anyMatch(q -> q.startsWith("POST /upload/storage/v1/b/acme-activation/o?") && q.contains("uploadType=multipart")
                && q.contains("ifGenerationMatch=0"));
        assertThat(fake.authorizations()).as("no credentials are sent to an emulator without a key").isEmpty();
    }

    @Test
    void aServiceAccountKeyFileGetsATokenAndIsUsed() throws IOException {
        Result r = check(withKeyFile("acme-activation"), "bucket");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(fake.requests()).contains("POST /token");
        assertThat(fake.authorizations()).contains("Bearer fake-access-token");
    }

    @Test
    void aKeyAsTextFromTheEnvironmentIsUsed() throws IOException {
        String yaml = emulator("acme-activation") + "    credentials_json: '" + key.replace("'", "''") + "'\n";
        Result r = check(yaml, "bucket");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(fake.authorizations()).contains("Bearer fake-access-token");
    }

    @Test
    void aKeyOfADeletedAccountIsRefused() throws IOException {
        fake.refuseKeys(true);
        Result r = check(withKeyFile("acme-activation"), "bucket", "--debug");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: destinations.bucket: Google Cloud Storage refused the credentials (401 Unauthorized)")
                .contains("the service account or its key was deleted or disabled")
                .contains("update destinations.bucket.credentials_file");
    }

    /** The newcomer issue, item 2: a token request that never reached Google was reported as a revoked key. */
    @Test
    void anUnreachableTokenEndpointIsNotAVerdictOnTheKey() throws IOException {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        key = key.replace(fake.endpoint() + "/token", "http://127.0.0.1:" + closed + "/token");
        Result refused = check(withKeyFile("acme-activation"), "bucket", "--debug");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
        assertThat(refused.err()).contains("error: destinations.bucket: cannot reach Google's token endpoint http://127.0.0.1:" + closed
                + "/token").contains("the connection was refused").doesNotContain("refused the credentials").doesNotContain("revoked");
        assertThat(refused.err()).as("--debug shows the chain").contains("Caused by");

        key = key.replace("http://127.0.0.1:" + closed + "/token", "http://no-such-host.invalid/token");
        Result unknown = check(withKeyFile("acme-activation"), "bucket");
        assertThat(unknown.exitCode()).as(unknown.err()).isEqualTo(1);
        assertThat(unknown.err()).contains("cannot reach Google's token endpoint http://no-such-host.invalid/token")
                .contains("the host name does not resolve").doesNotContain("revoked").doesNotContain("\tat ");
    }

    @Test
    void credentialsTheApiRejectsAre401() throws IOException {
        fake.rejectCredentials(true);
        Result r = check(withKeyFile("acme-activation"), "bucket");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("refused the credentials (401 Unauthorized) while asking which permissions the credentials hold");
        assertThat(r.err()).doesNotContain("\tat ").as("no stack trace without --debug");
    }

    /** Issue 16: an endpoint that never answers left the command silent for minutes. */
    @Test
    void anEndpointThatDoesNotAnswerIsSaidAtOnceAndGivenUpOnInBoundedTime() throws IOException {
        // Connections are taken by the kernel's backlog and never answered.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
            java.time.Duration before = CheckCommand.giveUpAfter;
            CheckCommand.giveUpAfter = java.time.Duration.ofSeconds(4);
            Result r;
            try {
                r = check("  bucket:\n    type: gcs\n    bucket: acme-activation\n    endpoint: " + endpoint + "\n", "bucket");
            } finally {
                CheckCommand.giveUpAfter = before;
            }
            assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
            List<String> lines = r.err().lines().toList();
            assertThat(lines.get(0)).isEqualTo("checking destination bucket (gs://acme-activation at " + endpoint + "): connecting…");
            assertThat(lines.get(1)).isEqualTo("no answer yet from gs://acme-activation at " + endpoint + "; retrying, giving up after 4 s");
            assertThat(r.err()).contains("error: destination bucket (gs://acme-activation at " + endpoint + ") did not answer within 4 s");
        }
    }

    @Test
    void aMissingBucketIs404() throws IOException {
        Result r = check(withKeyFile("acme-activatoin"), "bucket");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: destinations.bucket: the bucket 'acme-activatoin' does not exist (404 Not Found)")
                .contains("check destinations.bucket.bucket");
    }

    @Test
    void aMissingPermissionIsNamedWithARoleThatGrantsIt() throws IOException {
        fake.revoke("storage.objects.create");
        Result r = check(withKeyFile("acme-activation"), "bucket");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("sluice-test@sluice-project.iam.gserviceaccount.com lack the permission storage.objects.create on bucket acme-activation")
                .contains("e.g. roles/storage.objectAdmin");
    }

    @Test
    void aFolderThatIsNotWritableIsSaidSo() throws IOException {
        fake.revoke("storage.objects.create");
        Result r = check(withKeyFile("acme-activation"), "bucket", "--folder", "exports/");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("storage.objects.create on bucket acme-activation")
                .contains("writing under the folder exports/ was refused too (the folder is not writable");
    }

    @Test
    void deleteAndReadPermissionsAreCheckedToo() throws IOException {
        fake.revoke("storage.objects.delete");
        Result r = check(withKeyFile("acme-activation"), "bucket");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("lack the permission storage.objects.delete").contains("roles/storage.objectAdmin");
        assertThat(fake.objects("acme-activation")).as("asked before writing: no probe is left behind").isEmpty();
        fake.clearFaults();
        fake.revoke("storage.objects.get");
        fake.revoke("storage.objects.list");
        r = check(withKeyFile("acme-activation"), "bucket");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).as("every missing permission in one answer").contains("lack the permission storage.objects.get")
                .contains("lack the permission storage.objects.list");
        assertThat(fake.objects("acme-activation")).isEmpty();
    }

    @Test
    void badKeysAreDescribedWithoutQuotingThem() throws IOException {
        Result r = check(emulator("acme-activation") + "    credentials_file: nowhere.json\n", "bucket");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("destinations.bucket.credentials_file: the key file " + dir.resolve("nowhere.json") + " does not exist");

        Files.writeString(dir.resolve("sa.json"), key.substring(0, key.length() / 2));
        r = check(emulator("acme-activation") + "    credentials_file: sa.json\n", "bucket", "--debug");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("destinations.bucket.credentials_file: the key file " + dir.resolve("sa.json") + " is not valid JSON");

        Files.writeString(dir.resolve("sa.json"), "{\"type\": \"authorized_user\", \"client_id\": \"x\"}");
        r = check(emulator("acme-activation") + "    credentials_file: sa.json\n", "bucket");
        assertThat(r.err()).contains("is not a service-account key (its \"type\" is 'authorized_user', expected 'service_account')");

        Files.writeString(dir.resolve("sa.json"), key.replace("MII", "XXX"));
        r = check(emulator("acme-activation") + "    credentials_file: sa.json\n", "bucket", "--debug");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is malformed: its private_key cannot be read");

        r = check(emulator("acme-activation") + "    credentials_json: '{\"type\": \"service_account\"}'\n", "bucket");
        assertThat(r.err()).contains("destinations.bucket.credentials_json: the key text has no \"client_email\"");
        assertThat(fake.requests()).as("nothing is sent with a bad key").isEmpty();
    }

    @Test
    void anUnknownDestinationIsAUserError() throws IOException {
        Result r = check(emulator("acme-activation"), "buckett");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no destination named 'buckett', did you mean bucket?");
    }

    @Test
    void localDestinationsAreCheckedToo() throws IOException {
        Result r = check("  out: {type: local, path: out}\n", "out", "--folder", "a/b");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("ok: destination out (the folder " + dir.resolve("out") + ") works");
    }

    @Test
    void withoutAnyCredentialsItSaysWhereToGiveThem() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("GOOGLE_APPLICATION_CREDENTIALS") == null
                && !Files.exists(Path.of(System.getProperty("user.home"), ".config", "gcloud", "application_default_credentials.json"))
                && System.getenv("GCE_METADATA_HOST") == null, "this machine has Application Default Credentials");
        Result r = check("  bucket: {type: gcs, bucket: acme-activation}\n", "bucket");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("destinations.bucket: no credentials given and no Application Default Credentials found; set "
                + "destinations.bucket.credentials_file to a service-account JSON key");
    }
    @Test
    void aBucketRetentionPolicyIsReportedWithWhatItMeans() throws IOException {
        fake.bucketRetention("acme-activation", java.time.Duration.ofDays(7), true);
        Result r = check(withKeyFile("acme-activation"), "bucket", "--folder", "exports");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("ok: destination bucket (gs://acme-activation at " + fake.endpoint()
                        + ") works: wrote, read back and listed a probe object under exports/")
                .contains("note: bucket acme-activation has a retention policy of 7 days (locked): an object cannot be deleted or "
                        + "replaced until it is 7 days old")
                .contains("needs publish: direct, a file_name that changes every run ({run}, {X}, {x}, or the date and time down to {ss}) "
                        + "and manifest: true")
                .contains("stays in the bucket");
        assertThat(fake.objects("acme-activation")).as("the probe the policy keeps").hasSize(1)
                .allSatisfy((name, o) -> assertThat(name).startsWith("exports/.sluice-check-"));
    }

    @Test
    void aDefaultEventBasedHoldIsReported() throws IOException {
        fake.defaultEventBasedHold("acme-activation", true);
        Result r = check(withKeyFile("acme-activation"), "bucket");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("note: bucket acme-activation has a default event-based hold: every new object is held, and "
                + "cannot be deleted or replaced until its hold is released");
    }

    @Test
    void withoutStorageBucketsGetTheCheckSaysItCannotTell() throws IOException {
        fake.revoke("storage.buckets.get");
        Result r = check(withKeyFile("acme-activation"), "bucket");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("works: wrote, read back, listed and deleted a probe object")
                .contains("note: destinations.bucket: permission denied (403) while reading the retention policy of bucket "
                        + "acme-activation: sluice-test@sluice-project.iam.gserviceaccount.com lack the permission storage.buckets.get")
                .contains("cannot tell whether the bucket has a retention policy or a default event-based hold");
        assertThat(fake.objects("acme-activation")).isEmpty();
    }
}
