package dev.sluice.run;

import dev.sluice.destination.DestinationConfig;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A child-process entry point for kill tests: runs an activation as {@code sluice run} does, but its
 * destination stops after upload (or publish) number {@code N} has completed, prints {@value #MARKER}
 * on stderr and waits to be killed. So a kill lands between two uploads, or between two moves to
 * final names, every time, however fast they are.
 *
 * <p>{@code java -cp TEST_CLASSPATH dev.sluice.run.PausingRun WORKSPACE STATE_DIR ACTIVATION upload|publish N}, or
 * {@code manifest 0} to stop once the manifest is published, before the run's success is recorded.
 */
public final class PausingRun {
    static final String MARKER = "paused after";

    private PausingRun() {
    }

    public static void main(String[] args) throws InterruptedException {
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(Path.of(args[0]));
        boolean publish = args[3].equals("publish");
        int pauseAfter = Integer.parseInt(args[4]);
        // Only this run's own uploads and publishes count: the recovery it starts with may publish
        // an earlier run's files first. Its own begin with its "publishing N files" log line.
        boolean[] own = new boolean[1];
        int[] count = new int[1];
        Runner runner = new Runner(workspace, Path.of(args[1]), Clock.systemUTC(), line -> {
            if (line.startsWith("publishing ")) {
                own[0] = true;
            }
            System.err.println(line);
        }, null, config -> {
            FaultyDestination destination = new FaultyDestination(config.open(), FaultyDestination.Fault.NONE);
            java.util.function.IntConsumer pause = n -> {
                if (!own[0]) {
                    return;
                }
                count[0]++;
                if (args[3].equals("manifest") ? destination.calls.get(destination.calls.size() - 1).endsWith(".manifest.json")
                        : count[0] == pauseAfter) {
                    System.err.println(MARKER + " " + args[3] + " " + count[0]);
                    System.err.flush();
                    pauseForever();
                }
            };
            if (publish || args[3].equals("manifest")) {
                destination.afterPublish = pause;
            } else {
                destination.afterUpload = pause;
            }
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
