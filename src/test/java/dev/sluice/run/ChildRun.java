package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp target/sluice.jar dev.sluice.cli.Main ARGS -c WORKSPACE} in a separate process,
 * its stderr log lines collected as they come so that a test can act when one appears. The jar is
 * built by {@code mvn package}, which {@code mvn verify} runs before the integration tests.
 */
final class ChildRun {
    static final Path JAR = Path.of("target", "sluice.jar").toAbsolutePath();
    private static final String END = "\u0000end of output";
    /** Only against a process that hangs for good; no test waits on timing. */
    private static final long HANG_GUARD_MINUTES = 10;

    final Process process;
    private final Thread errReader;
    private final Thread outReader;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer err = new StringBuffer();
    private final StringBuffer out = new StringBuffer();
    private String lastMatch;

    ChildRun(Fixture fx, String... args) {
        this(fx.dir, cliCommand(fx, args));
    }

    /** {@code java -cp JAR dev.sluice.cli.Main ARGS -c WORKSPACE}. */
    private static List<String> cliCommand(Fixture fx, String... args) {
        assertThat(JAR).as("the application jar; build it with 'mvn -DskipTests package' (mvn verify does)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-cp", JAR.toString(), "dev.sluice.cli.Main"));
        command.addAll(List.of(args));
        command.add("-c");
        command.add(fx.yaml.toString());
        return command;
    }

    /** {@code main} of a class of the test tree, in a JVM with this test's class path. */
    static ChildRun testMain(Fixture fx, Class<?> main, String... args) {
        // From the class path the engine's driver copies its native library into the temporary folder
        // at start; a killed JVM cannot remove it, so it goes into the test's own folder.
        Path tmp = fx.dir.resolve("jvm-tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ChildRun(fx.dir, command);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private ChildRun(Path dir, List<String> command) {
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        errReader = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), err, true));
        outReader = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), out, false));
        errReader.setDaemon(true);
        outReader.setDaemon(true);
        errReader.start();
        outReader.start();
    }

    private void pump(BufferedReader reader, StringBuffer all, boolean queue) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                all.append(line).append('\n');
                if (queue) {
                    lines.add(line);
                }
            }
        } catch (IOException ignored) {
            // the process was killed
        } finally {
            if (queue) {
                lines.add(END);
            }
        }
    }

    /** Waits for a stderr line containing {@code marker}; fails if the process ends first. */
    String await(String marker) {
        if (!awaitOrEnd(marker)) {
            fail("the child process ended (exit " + waitFor() + ") before printing '" + marker + "'; stderr:\n" + err);
        }
        return lastMatch;
    }

    /** Waits for a stderr line containing {@code marker}; false if the process ends first. */
    boolean awaitOrEnd(String marker) {
        while (true) {
            String line;
            try {
                line = lines.poll(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (line == null) {
                process.destroyForcibly();
                fail("no output from the child process for " + HANG_GUARD_MINUTES + " minutes; stderr so far:\n" + err);
            }
            if (line == END) {
                waitFor();
                return false;
            }
            if (line.contains(marker)) {
                lastMatch = line;
                return true;
            }
        }
    }

    /** kill -9, then the exit code (137 when the signal ended it). */
    int kill() {
        process.destroyForcibly();
        return waitFor();
    }

    int waitFor() {
        try {
            if (!process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("the child process did not end within " + HANG_GUARD_MINUTES + " minutes; stderr:\n" + err);
            }
            // Everything it printed is read once the pipes are closed.
            errReader.join();
            outReader.join();
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String err() {
        return err.toString();
    }

    String out() {
        return out.toString();
    }

    static void writeFifo(Path fifo, String text) {
        try {
            Files.writeString(fifo, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
