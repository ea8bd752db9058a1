package dev.sluice.delivery;

import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free-space check before a run's decision point. Committing the snapshot and recording the run
 * must not fail for want of disk once files are staged, so a run needs, on the state folder's disk,
 * room for the larger of the previous snapshot and the new one (as the run's state estimates it),
 * plus a margin for the history and the engine's log. Without it the run stops before its decision point:
 * nothing is published, the snapshot is untouched.
 */
final class StateSpace {
    static final long MARGIN = 32L << 20;

    private StateSpace() {}

    /** Fails unless the state folder's disk has room for {@code commitBytes} (see {@code ChangeState.commitBytes}) and the margin. */
    static void require(Path stateDir, long commitBytes) {
        try {
            long needed = MARGIN + commitBytes;
            long free = Files.getFileStore(stateDir).getUsableSpace();
            if (free < needed) {
                throw SluiceException.external("the state folder " + stateDir + " has " + (free >> 20) + " MB free; committing this "
                        + "run's snapshot needs about " + (needed >> 20) + " MB: free some space (or move the state with --state-dir) "
                        + "and run again; the snapshot is unchanged", null);
            }
        } catch (IOException e) {
            throw SluiceException.external("cannot measure the free space of the state folder " + stateDir + ": " + e.getMessage(), e);
        }
    }
}
