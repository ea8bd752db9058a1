package dev.sluice.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's test command sets up what the tests need on a fresh machine: {@code ./test} finds
 * what is missing and says how to install it, and CI runs that same command.
 */
class TestScriptTest {
    @TempDir
    Path bin;

    @Test
    void theReadmesTestCommandIsTheScriptThatCiRuns() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("./test               # runs every test");
        assertThat(Files.readString(Path.of(".ci/run"))).contains("exec ./test");
        assertThat(Path.of("test")).isExecutable();
    }

    @Test
    void aMachineWithoutChromiumAndRcloneIsToldTheExactPackagesToInstall() throws Exception {
        // A PATH with the tools the script itself uses and java, but neither chromium, rclone, npm nor mvn.
        for (String tool : List.of("dirname", "id", "head")) {
            Files.createSymbolicLink(bin.resolve(tool), which(tool));
        }
        Files.createSymbolicLink(bin.resolve("java"), which("java"));
        Result check = script(bin, "--check");
        assertThat(check.code()).isEqualTo(1);
        assertThat(check.err()).contains("missing for the tests: maven npm chromium rclone")
                .contains("apt-get install -y maven npm chromium rclone");

        // With everything there (stand-ins that only need to exist), --check says so and exits 0.
        for (String tool : List.of("mvn", "npm", "chromium", "rclone")) {
            Path stub = bin.resolve(tool);
            Files.writeString(stub, "#!/bin/sh\nexit 0\n");
            stub.toFile().setExecutable(true);
        }
        Result ok = script(bin, "--check");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("everything the tests need is installed");
    }

    private record Result(int code, String out, String err) {}

    private static Result script(Path path, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/bin/bash", Path.of("test").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PATH", path.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static Path which(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(tool + " is not on the PATH");
    }
}
