package dev.sluice.server;

import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import dev.sluice.history.RunRecord;
import dev.sluice.run.RunLock;
import dev.sluice.run.Runner;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * Dry runs for the activation form: the run of {@code sluice run --dry-run} (read and compare,
 * write, publish and record nothing) on a workspace that may hold unsaved settings.
 */
final class DryRuns {
    private final Path stateDir;
    private final Clock clock;
    private final String memoryLimit;
    private final Function<DestinationConfig, Destination> opener;

    DryRuns(Path stateDir, Clock clock, String memoryLimit, Function<DestinationConfig, Destination> opener) {
        this.stateDir = stateDir;
        this.clock = clock;
        this.memoryLimit = memoryLimit;
        this.opener = opener;
    }

    /** The dry run's record; a user mistake it finds (a duplicate key …) stays a user error (400). */
    RunRecord run(Workspace workspace, String activation) {
        Runner runner = new Runner(workspace, stateDir, clock, line -> { }, memoryLimit, opener);
        try {
            return runner.run(new Runner.Request(activation, false, true, "manual"));
        } catch (RunLock.Busy e) {
            throw new ApiError(409, "Conflict", "activation " + activation + " is running; ask again when its run has ended",
                    List.of());
        } catch (Runner.RunFailed failed) {
            if (failed.getCause() instanceof SluiceException cause && cause.kind() == ErrorKind.USER) {
                throw cause;
            }
            throw failed;
        }
    }
}
