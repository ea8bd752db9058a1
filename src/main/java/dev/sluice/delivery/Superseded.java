package dev.sluice.delivery;

import dev.sluice.destination.Destination;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.history.RetentionReport;
import dev.sluice.history.RunStore;
import dev.sluice.history.VerificationStore;
import dev.sluice.plan.PartitionBy;
import dev.sluice.plan.SyncMode;
import dev.sluice.workspace.Activation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a snapshot run of a partitioned activation removes once its set is published: the objects
 * in partition folders of its folder ({@code country=FR/…}) that the activation has published
 * before and that this run did not write again — the partitions that no longer have rows, and
 * parts or names of the partitions it replaced. Only objects the run history says the activation
 * published are candidates, and each is deleted only if it is still the object recorded
 * ({@link Destination#deleteIfUnchanged}): an object Sluice did not publish is never touched.
 * What it deleted is recorded with the run (as retention's deletions are), so that what the
 * activation has published now ({@code sluice verify}) no longer counts it.
 */
final class Superseded {
    private Superseded() {}

    /** Whether runs of {@code activation} replace a whole partitioned set. */
    static boolean applies(Activation activation, Destination.Lock lock) {
        return !activation.partitionBy().isEmpty() && activation.syncMode() == SyncMode.SNAPSHOT && !lock.locked();
    }

    /**
     * Removes what {@code run}'s set (its final names, {@code written}) supersedes; null when there
     * was nothing to remove. A failed delete is a warning added to {@code warnings}: the object is
     * still counted as published, so the next snapshot run removes it.
     */
    static RetentionReport remove(RunStore store, Destination destination, Activation activation, String run,
            Collection<String> written, List<String> warnings) {
        String prefix = activation.folder().isEmpty() ? "" : activation.folder() + "/";
        Set<String> kept = new HashSet<>(written);
        Map<String, VerificationStore.Expected> published = new VerificationStore(store.database())
                .publishedNow(activation.name(), destination.name());
        List<String> deleted = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        String reason = null;
        for (Map.Entry<String, VerificationStore.Expected> entry : published.entrySet()) {
            String name = entry.getKey();
            if (kept.contains(name) || entry.getValue().run().equals(run) || !name.startsWith(prefix)
                    || !PartitionBy.inPartition(name.substring(prefix.length()))) {
                continue;
            }
            var file = entry.getValue().file();
            try {
                switch (destination.deleteIfUnchanged(name, file.version(), file.crc32c(), file.bytes())) {
                    case DELETED, MISSING -> deleted.add(name);
                    case CHANGED -> changed.add(name);
                    case REFUSED -> refused.add(name);
                }
            } catch (SluiceException e) {
                failed.add(name);
                reason = reason == null ? Secrets.redact(e.getMessage()) : reason;
            }
        }
        if (!changed.isEmpty()) {
            warnings.add("partitions no longer written: " + changed.size() + " objects were left because they are no longer what "
                    + "Sluice published (" + String.join(", ", changed) + ")");
        }
        if (!refused.isEmpty()) {
            warnings.add("partitions no longer written: the bucket refused deleting " + String.join(", ", refused)
                    + " (a retention policy or a hold); the next run tries again");
        }
        if (!failed.isEmpty()) {
            warnings.add("partitions no longer written: " + failed.size() + " objects could not be removed (" + String.join(", ", failed)
                    + "): " + reason + "; the next run of " + activation.name() + " removes them");
        }
        if (deleted.isEmpty() && changed.isEmpty()) {
            return null;
        }
        return new RetentionReport(deleted, List.of(), changed, List.of());
    }

    /** {@code a} and {@code b} together (either may be null). */
    static RetentionReport merge(RetentionReport a, RetentionReport b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new RetentionReport(concat(a.deleted(), b.deleted()), concat(a.wouldDelete(), b.wouldDelete()),
                concat(a.changed(), b.changed()), concat(a.refused(), b.refused()));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
