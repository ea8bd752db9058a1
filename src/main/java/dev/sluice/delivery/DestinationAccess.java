package dev.sluice.delivery;

import dev.sluice.destination.Destination;
import dev.sluice.destination.Destination.Access;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.workspace.Activation;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Before a run reads anything: may its credentials do what this run will do on its destination?
 * Every run creates, reads back and lists objects; it deletes them (staged copies, rollbacks,
 * replacements, leftovers, retention) unless it runs write-once. The destination is asked once
 * ({@link Destination#lacking}); a missing permission stops the run with the sentence
 * {@code sluice check} prints, before a row is read or a byte uploaded.
 *
 * <p>A missing delete permission alone does not stop an activation that can run without deleting
 * ({@code publish: direct}, a file name of its own every run, a manifest, no retention): it runs
 * write-once, as on a bucket that refuses deletes ({@link LockedBucket}), and says so on its log.
 */
final class DestinationAccess {
    private DestinationAccess() {}

    /**
     * What the run may do: {@code lock} is the bucket's rule the run works under (the one read before,
     * or the missing delete permission), {@code refusal} the message that stops the run, null when it
     * may go on.
     */
    record Verdict(Destination.Lock lock, String refusal) {}

    static Verdict check(Destination destination, Activation activation, Destination.Lock lock, Consumer<String> log) {
        Set<Access> asked = EnumSet.of(Access.CREATE, Access.GET, Access.LIST);
        if (!lock.locked()) {
            asked.add(Access.DELETE); // a write-once run deletes nothing
        }
        Map<Access, String> lacking;
        try {
            lacking = destination.lacking(asked, activation.folder());
        } catch (SluiceException e) {
            // Refused credentials, a missing bucket, an outage: the run meets them at its first request,
            // where the failure is recorded with its own message.
            log.accept("warning: could not ask " + destination.name() + " which permissions the credentials hold ("
                    + Secrets.redact(e.getMessage()) + "); going on");
            return new Verdict(lock, null);
        }
        String at = "activations." + activation.name() + ": destination " + destination.name() + ": ";
        List<String> missing = lacking.entrySet().stream().filter(e -> e.getKey() != Access.DELETE).map(Map.Entry::getValue).toList();
        String delete = lacking.get(Access.DELETE);
        if (!missing.isEmpty()) {
            List<String> all = new ArrayList<>(missing);
            if (delete != null) {
                all.add(delete);
            }
            return new Verdict(lock, at + String.join("; ", all) + "; nothing was read or written (`sluice check "
                    + destination.name() + "` says the same)");
        }
        if (delete == null) {
            return new Verdict(lock, null);
        }
        List<String> needs = new ArrayList<>(LockedBucket.writeOnceNeeds(activation));
        if (activation.retention() != null) {
            needs.add("activations." + activation.name() + ".retention must be removed (it deletes old files)");
        }
        if (!needs.isEmpty()) {
            return new Verdict(lock, at + delete + ", which this run needs to delete staged copies, or what it uploaded if it "
                    + "fails; nothing was read or written. Grant it, or, to run without deleting anything, " + String.join("; ", needs)
                    + " (see docs/destinations.md, \"Permissions\")");
        }
        log.accept(destination.name() + ": " + delete + "; publishing directly under new names, the manifest last, nothing staged "
                + "and nothing deleted");
        return new Verdict(new Destination.Lock(delete, true, null), null);
    }
}
