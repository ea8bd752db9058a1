package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets are resolved only by what needs them: reading the history, listing, previewing and
 * validating offline work while a notification's or a destination's {@code ${VAR}} is unset; the
 * commands that need the setting name it and the variable, and never count the letters of
 * {@code ${…}}.
 */
class UnsetSecretsTest {
    // Variables no environment sets.
    private static final String WORKSPACE = """
            models:
              people:
                sql: SELECT * FROM (VALUES (1, 'Ann'), (2, 'Bob')) t(id, name)
                primary_key: id
            destinations:
              out: {type: local, path: out}
              bucket: {type: gcs, bucket: acme, credentials_json: "${SLUICE_TEST_UNSET_GCS_KEY}"}
            notifications:
              ops: {type: webhook, url: "http://127.0.0.1:9/hook", secret: "${SLUICE_T_HS}"}
            activations:
              daily: {model: people, destination: out, format: csv, notify: []}
              notified: {model: people, destination: out, format: csv, file_name: notified}
              to_bucket: {model: people, destination: bucket, format: csv, notify: []}
            """;

    @TempDir
    Path dir;
    private String config;

    @BeforeEach
    void workspace() throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, WORKSPACE);
        config = file.toString();
    }

    @Test
    void whatDoesNotNeedTheSecretWorksWithoutIt() {
        CliRun run = CliRun.of("run", "daily", "-c", config);
        assertThat(run.exitCode()).as(run.err()).isZero();
        CliRun runs = CliRun.of("runs", "-c", config);
        assertThat(runs.exitCode()).as(runs.err()).isZero();
        assertThat(runs.out()).contains("daily").contains("succeeded");
        assertThat(CliRun.of("list", "-c", config).exitCode()).isZero();
        CliRun preview = CliRun.of("preview", "people", "-c", config);
        assertThat(preview.exitCode()).as(preview.err()).isZero();
        CliRun offline = CliRun.of("validate", "--offline", "-c", config);
        assertThat(offline.exitCode()).as(offline.err()).isZero();
        assertThat(offline.err()).contains("warning: ").contains("SLUICE_T_HS is not set");
    }

    @Test
    void whatNeedsTheSecretNamesTheSettingAndTheVariable() {
        CliRun notified = CliRun.of("run", "notified", "-c", config);
        assertThat(notified.exitCode()).isEqualTo(2);
        assertThat(notified.err()).contains("notifications.ops.secret: environment variable SLUICE_T_HS is not set")
                .contains("needed to run activation notified").doesNotContain("characters").doesNotContain("\tat ");
        CliRun bucket = CliRun.of("run", "to_bucket", "-c", config);
        assertThat(bucket.exitCode()).isEqualTo(2);
        assertThat(bucket.err()).contains("destinations.bucket.credentials_json: environment variable SLUICE_TEST_UNSET_GCS_KEY is not set");
        CliRun check = CliRun.of("check", "bucket", "-c", config);
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.err()).contains("SLUICE_TEST_UNSET_GCS_KEY is not set").contains("needed to check destination bucket");
        CliRun test = CliRun.of("notify", "test", "ops", "-c", config);
        assertThat(test.exitCode()).isEqualTo(2);
        assertThat(test.err()).contains("SLUICE_T_HS is not set");

        // validate, which checks everything, reports each unset variable once, without counting the letters of ${…}.
        CliRun validate = CliRun.of("validate", "-c", config);
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("notifications.ops.secret: environment variable SLUICE_T_HS is not set")
                .contains("destinations.bucket.credentials_json: environment variable SLUICE_TEST_UNSET_GCS_KEY is not set")
                .doesNotContain("got 14").doesNotContain("characters").contains("2 problems");
    }
}
