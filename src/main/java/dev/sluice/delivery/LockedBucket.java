package dev.sluice.delivery;

import dev.sluice.destination.Destination;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.plan.SyncMode;
import dev.sluice.workspace.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Before a run reads anything: does its bucket refuse deletes and replacements (a retention policy,
 * a default event-based hold)? On such a bucket a run never deletes or replaces an object: it
 * writes its data files straight to names no run used before and its manifest last, after its
 * decision point. An activation that cannot run that way is refused here, naming the bucket's rule
 * and every setting to change, before anything is read, staged or written.
 */
final class LockedBucket {
    private LockedBucket() {}

    /**
     * Reads the destination's rules; returns them when the activation can run on them, and throws a
     * user error naming the rule and the settings otherwise. A rule that cannot be read (no
     * {@code storage.buckets.get}, or any other failure) is logged and the run goes on as on a
     * bucket without one.
     */
    static Destination.Lock check(Destination destination, Activation activation, Consumer<String> log) {
        Destination.Lock lock;
        try {
            lock = destination.lock();
        } catch (SluiceException e) {
            // Refused credentials, a missing bucket, an outage: the run meets them again at its first
            // upload, where the failure is recorded as today.
            lock = new Destination.Lock(null, false, Secrets.redact(e.getMessage()));
        }
        if (lock.unknown() != null) {
            log.accept("warning: " + lock.unknown() + "; without it Sluice cannot tell whether the bucket refuses deletes, "
                    + "and goes on as if it allowed them");
            return lock;
        }
        if (!lock.locked()) {
            return lock;
        }
        String at = "activations." + activation.name();
        List<String> needs = writeOnceNeeds(activation);
        if (!needs.isEmpty()) {
            throw SluiceException.user(at + ": destination " + destination.name() + ": " + lock.rule()
                    + ", so Sluice cannot delete or replace anything there; nothing was read or written. To run on this bucket, "
                    + String.join("; ", needs) + " (see docs/destinations.md, \"Buckets that refuse deletes\")");
        }
        log.accept(destination.name() + ": " + lock.rule() + "; publishing directly under new names, the manifest last, "
                + "nothing staged and nothing deleted");
        return lock;
    }

    /** The settings an activation must change to run write-once (nothing staged, deleted or replaced); empty when it can. */
    static List<String> writeOnceNeeds(Activation activation) {
        String at = "activations." + activation.name();
        List<String> needs = new ArrayList<>();
        if (activation.publish() != Activation.Publish.DIRECT) {
            needs.add(at + ".publish must be direct (staged copies could not be deleted after the move)");
        }
        if (!activation.fileName().uniquePerRun()) {
            needs.add(at + ".file_name '" + activation.fileName().text() + "' must give every run names of its own: add {run} "
                    + "(or {X}, {x}, or the date and time down to {ss})"
                    + (activation.syncMode() == SyncMode.SNAPSHOT
                            ? "; a snapshot activation cannot keep one fixed name on this bucket, since that means replacing it every run"
                            : ""));
        }
        if (!activation.manifest()) {
            needs.add(at + ".manifest must be true (the data files of a run that fails before its decision point cannot be "
                    + "withdrawn, so only a manifest tells a consumer that a set is complete)");
        }
        return needs;
    }
}
