package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code sluice serve} refuses before it starts anything. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void aNonLoopbackAddressWithoutATokenIsRefused() throws Exception {
        Path yaml = dir.resolve("sluice.yaml");
        Files.writeString(yaml, "models: {}\n");
        Assumptions.assumeTrue(System.getenv("SLUICE_TOKEN") == null, "SLUICE_TOKEN is set in this environment");
        CliRun run = CliRun.of("serve", "--host", "0.0.0.0", "-c", yaml.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--host 0.0.0.0 is not a loopback address: set SLUICE_TOKEN");
    }

    @Test
    void badOptionsAreUserErrorsNamingTheOption() throws Exception {
        Path yaml = dir.resolve("sluice.yaml");
        Files.writeString(yaml, "models: {}\n");
        CliRun grace = CliRun.of("serve", "--grace-period", "soon", "-c", yaml.toString());
        assertThat(grace.exitCode()).isEqualTo(2);
        assertThat(grace.err()).contains("--grace-period").doesNotContain("\tat ");
        CliRun threads = CliRun.of("serve", "--max-concurrent-runs", "0", "-c", yaml.toString());
        assertThat(threads.exitCode()).isEqualTo(2);
        assertThat(threads.err()).contains("--max-concurrent-runs must be between 1 and 64, got 0");
    }

    @Test
    void anInvalidWorkspaceIsReportedAndNothingStarts() throws Exception {
        Path yaml = dir.resolve("sluice.yaml");
        Files.writeString(yaml, "activations:\n  x: {model: nope, destination: nowhere}\n");
        CliRun run = CliRun.of("serve", "--port", "0", "-c", yaml.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("activations.x.model: unknown model 'nope'");
    }
}
