package dev.sluice.delivery;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;

import dev.sluice.destination.Destination;
import dev.sluice.error.SluiceException;
import dev.sluice.plan.SyncMode;
import dev.sluice.workspace.Activation;
import java.util.List;
import java.util.Optional;

/**
 * Before a run's decision point: may it replace the objects that already hold its final names?
 * {@code overwrite: true} says yes and {@code overwrite: false} no, for every object. Without the
 * setting, a {@code snapshot} activation replaces its own objects (and objects no recorded run
 * wrote), and a delta activation (insert, upsert, difference) replaces nothing: another run's
 * changes would be lost to a consumer that has not read them yet. An object published by another
 * activation is never replaced without {@code overwrite: true}.
 */
final class Replacements {
    private final RunStore store;
    private final Destination destination;
    private final Activation activation;
    private final String run;

    Replacements(RunStore store, Destination destination, Activation activation, String run) {
        this.store = store;
        this.destination = destination;
        this.activation = activation;
        this.run = run;
    }

    /** Fails with a user error naming the object, who wrote it and the fix; returns whether existing objects may be replaced. */
    boolean check(List<String> finalNames) {
        if (Boolean.TRUE.equals(activation.overwrite())) {
            return true;
        }
        for (String name : finalNames) {
            if (!destination.exists(name)) {
                continue;
            }
            Optional<RunRecord> owner = store.publishedBy(name).filter(r -> !r.id().equals(run));
            String by = owner.map(r -> "run " + r.id() + " of activation " + r.activation() + " (" + r.startedAt() + ")")
                    .orElse("something other than a recorded run");
            boolean own = owner.isEmpty() || owner.get().activation().equals(activation.name());
            if (dev.sluice.workspace.RunObjects.isSchemaFile(name) && own) {
                continue; // the activation's schema file: each run replaces it, whatever overwrite says
            }
            if (Boolean.FALSE.equals(activation.overwrite())) {
                throw refused(name, by, "overwrite is false");
            }
            if (activation.syncMode() == SyncMode.SNAPSHOT && own) {
                continue;
            }
            throw refused(name, by, activation.syncMode() == SyncMode.SNAPSHOT ? "it belongs to another activation"
                    : "this " + activation.syncMode().name().toLowerCase(java.util.Locale.ROOT)
                            + " activation's earlier changes would be lost to a consumer that has not read them");
        }
        return replaces(activation);
    }

    /** Whether the activation's runs replace objects already at their final names (checked above for other runs' objects). */
    static boolean replaces(Activation activation) {
        return Boolean.TRUE.equals(activation.overwrite())
                || activation.overwrite() == null && activation.syncMode() == SyncMode.SNAPSHOT;
    }

    private SluiceException refused(String name, String by, String why) {
        return SluiceException.user("activations." + activation.name() + ".file_name: this run would replace " + name
                + " in destination " + destination.name() + ", published by " + by + ", and " + why
                + "; nothing was published. Make file_name change between runs (a finer time variable such as {HH}{mm}{ss} or {x}, "
                + "or {run}), or set overwrite: true to replace it on purpose");
    }
}
