package dev.sluice.run;

import dev.sluice.error.SluiceException;
import dev.sluice.history.Pauses;
import dev.sluice.history.RunStore;
import dev.sluice.workspace.Activation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Pausing and resuming an activation, for {@code sluice pause}/{@code resume} and the server's API
 * alike: the pause is kept in the state folder ({@link Pauses}); {@code enabled: false} in the
 * activation's file pauses it too, and only an edit of the file lifts that.
 */
public final class Pausing {
    private Pausing() {}

    /** Why the scheduler skips {@code activation}, or empty when it runs on schedule. */
    public static Optional<String> skipReason(Path stateDir, Activation activation) {
        if (!activation.enabled()) {
            return Optional.of("enabled: false in " + activation.file());
        }
        try (RunStore store = new RunStore(stateDir)) {
            return new Pauses(store.database()).get(activation.name()).map(p -> "paused by " + p.by() + " since " + p.since());
        }
    }

    /** The pause of {@code activation} kept in the state folder, if any. */
    public static Optional<Pauses.Pause> pause(Path stateDir, String activation) {
        try (RunStore store = new RunStore(stateDir)) {
            return new Pauses(store.database()).get(activation);
        }
    }

    /** Pauses {@code activation}; what to tell the user. */
    public static String pause(Path stateDir, Activation activation, Instant at, String by) {
        try (RunStore store = new RunStore(stateDir)) {
            Pauses pauses = new Pauses(store.database());
            Optional<Pauses.Pause> before = pauses.get(activation.name());
            if (before.isPresent()) {
                return activation.name() + " was already paused (by " + before.get().by() + " since " + before.get().since() + ")";
            }
            pauses.pause(activation.name(), at, by);
        }
        return "paused " + activation.name() + ": the scheduler skips it until 'sluice resume " + activation.name()
                + "'; a run started by hand still runs, with a warning"
                + (activation.enabled() ? "" : " (its file " + activation.file() + " also has enabled: false)");
    }

    /**
     * Lifts the pause of {@code activation}; what to tell the user. A user error when the activation's
     * file says {@code enabled: false}: only an edit of the file resumes it.
     */
    public static String resume(Path stateDir, Activation activation) {
        if (!activation.enabled()) {
            throw SluiceException.user("activations." + activation.name() + ".enabled: false in " + activation.file()
                    + " keeps " + activation.name() + " paused; set enabled: true (or remove the line) in that file to resume it");
        }
        boolean was;
        try (RunStore store = new RunStore(stateDir)) {
            was = new Pauses(store.database()).resume(activation.name());
        }
        return was ? "resumed " + activation.name() + ": the scheduler runs it again from its next scheduled time"
                : activation.name() + " was not paused";
    }
}
