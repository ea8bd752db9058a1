package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gcs.FakeGcs;
import dev.sluice.gcs.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service-account key given as text in the workspace never shows: not in the output of runs that
 * succeed or fail (with --debug stack traces), not in the run history, not in any file of the state.
 */
class GcsSecretsIT {
    @TempDir
    Path dir;

    @Test
    void theKeyNeverAppearsInOutputRecordsOrState() throws IOException {
        try (FakeGcs fake = new FakeGcs(dir.resolve("fake")).createBucket("secret-bucket")) {
            Fixture fx = new Fixture(dir);
            String key = TestKeys.serviceAccountKey(fake);
            String body = TestKeys.privateKeyBody(key);
            People.create(fx);
            fx.workspace(People.WORKSPACE.replace("out: {type: local, path: out}", "out: {type: gcs, bucket: secret-bucket, endpoint: \""
                    + fake.endpoint() + "\", max_attempts: 1, credentials_json: '" + key.replace("'", "''") + "'}") + """
                      daily:
                        model: eu_people
                        destination: out
                        folder: daily
                        file_name: "people_{run}"
                        format: csv
                        run_type: full_only
                        sync_mode: snapshot
                    """);
            StringBuilder printed = new StringBuilder();
            Fixture.Cli ok = fx.cli("run", "daily", "--json");
            assertThat(ok.exitCode()).as(ok.err()).isZero();
            printed.append(ok.out()).append(ok.err());
            fake.revoke("storage.objects.create");
            Fixture.Cli denied = fx.cli("run", "daily", "--json", "--debug");
            assertThat(denied.exitCode()).isEqualTo(1);
            assertThat(denied.err()).contains("lack the permission storage.objects.create").contains("\tat ");
            printed.append(denied.out()).append(denied.err());
            fake.clearFaults();
            fake.refuseKeys(true);
            Fixture.Cli refused = fx.cli("run", "daily", "--debug");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("refused the credentials");
            printed.append(refused.out()).append(refused.err());
            Fixture.Cli runs = fx.cli("runs", "daily", "--json");
            printed.append(runs.out()).append(runs.err());
            assertThat(runs.out()).contains("refused the credentials").contains("storage.objects.create");

            assertThat(printed.toString()).doesNotContain(body).doesNotContain("PRIVATE KEY")
                    .doesNotContain("0123456789abcdef0123456789abcdef01234567");
            for (String line : body.split("(?<=\\G.{64})")) {
                assertThat(printed.toString()).doesNotContain(line);
            }
            try (Stream<Path> files = Files.walk(fx.state)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String content = new String(read(file), StandardCharsets.ISO_8859_1);
                    assertThat(content).as("state file %s", file).doesNotContain(body.substring(0, 64)).doesNotContain("PRIVATE KEY");
                }
            }
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
