package dev.sluice.run;

import dev.sluice.destination.DestinationConfig;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A child-process entry point for kill tests: runs an activation as {@code sluice run} does, but its
 * destination stops after upload number {@code UPLOADS} has completed, prints {@value #MARKER} on
 * stderr and waits to be killed. So a kill lands between two staged uploads every time, however fast
 * the uploads are.
 *
 * <p>{@code java -cp TEST_CLASSPATH dev.sluice.run.PausingRun WORKSPACE STATE_DIR ACTIVATION UPLOADS}
 */
public final class PausingRun {
    static final String MARKER = "paused after upload";

    private PausingRun() {
    }

    public static void main(String[] args) throws InterruptedException {
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(Path.of(args[0]));
        int pauseAfter = Integer.parseInt(args[3]);
        Runner runner = new Runner(workspace, Path.of(args[1]), Clock.systemUTC(), System.err::println, null, config -> {
            FaultyDestination destination = new FaultyDestination(config.open(), FaultyDestination.Fault.NONE);
            destination.afterUpload = n -> {
                if (n == pauseAfter) {
                    System.err.println(MARKER + " " + n);
                    System.err.flush();
                    pauseForever();
                }
            };
            return destination;
        });
        runner.run(new Runner.Request(args[2], false, false, "manual"));
    }

    private static void pauseForever() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
