package dev.sluice.run;

import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.history.FileRecord;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.Verification;
import dev.sluice.history.Verification.Finding;
import dev.sluice.history.VerificationStore;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Compares what an activation has published now ({@link VerificationStore#publishedNow}) with its
 * destination, and records the outcome in the history. Reports objects that are missing, objects
 * written again since (another version; for records without a version, another size or CRC32C),
 * and objects in the activation's folder (its staging folder aside) that no run of any activation
 * on the destination recorded. Never deletes or writes anything on the destination.
 *
 * <p>It never takes the activation's run lock (a run must not be skipped because a check is going):
 * it reads the state of the activation's runs in the history before and after reading the
 * destination, and reads again (up to {@link #ATTEMPTS} times) when a run started, ended or was
 * retired meanwhile. A run recorded as going is one only if it holds the lock: then the
 * verification waits for another time ({@link RunLock.Busy}).
 */
public final class Verifier {
    private final Workspace workspace;
    private final Path stateDir;
    private final Clock clock;
    private final Function<DestinationConfig, Destination> opener;

    public Verifier(Workspace workspace, Path stateDir, Clock clock, Function<DestinationConfig, Destination> opener) {
        this.workspace = workspace;
        this.stateDir = stateDir;
        this.clock = clock;
        this.opener = opener;
    }

    /**
     * Verifies {@code name} and records the outcome ({@code trigger}: manual or schedule). Throws a
     * user error for an unknown activation, {@link RunLock.Busy} while a run of it is going, and the
     * destination's failures as they are.
     */
    public Verification verify(String name, String trigger) {
        Activation activation = workspace.activation(name);
        workspace.requireSet("verify " + name, List.of("destinations." + activation.destination()));
        DestinationConfig config = workspace.destinations().get(activation.destination());
        Instant at = clock.instant();
        try (HistoryDatabase database = HistoryDatabase.open(stateDir); Destination destination = opener.apply(config)) {
            VerificationStore store = new VerificationStore(database);
            for (int attempt = 1; ; attempt++) {
                VerificationStore.RunState before = store.runState(name);
                if (before.running() > 0) {
                    // A run recorded as going: a live one holds the lock (a dead one, killed, does not).
                    RunLock.acquire(stateDir, name).close();
                }
                Outcome outcome = read(activation, store, destination);
                if (store.runState(name).equals(before)) {
                    Verification verification = new Verification("verify-" + RunIds.next(at), name, activation.destination(),
                            activation.folder(), trigger, at, outcome.findings().isEmpty(), outcome.checked(), outcome.findings());
                    store.insert(verification);
                    return verification;
                }
                if (attempt == ATTEMPTS) {
                    throw new RunLock.Busy(name);
                }
            }
        }
    }

    /** How many times a verification is read again when runs of the activation started or ended meanwhile. */
    static final int ATTEMPTS = 3;

    private record Outcome(int checked, List<Finding> findings) {}

    /** Reads the history and the destination once: what is published now, compared with what is there. */
    private static Outcome read(Activation activation, VerificationStore store, Destination destination) {
        String name = activation.name();
        String prefix = activation.folder().isEmpty() ? "" : activation.folder() + "/";
        List<Finding> findings = new ArrayList<>();
        Map<String, VerificationStore.Expected> expected = store.publishedNow(name, activation.destination());
        Set<String> listed = new LinkedHashSet<>();
        for (String object : destination.list(prefix)) {
            if (!staging(object.substring(prefix.length()))) {
                listed.add(object);
            }
        }
        for (Map.Entry<String, VerificationStore.Expected> entry : expected.entrySet()) {
            String object = entry.getKey();
            Optional<Destination.ObjectInfo> found = object.startsWith(prefix) && !listed.contains(object)
                    ? Optional.empty() : destination.stat(object);
            Finding finding = compare(object, entry.getValue(), found);
            if (finding != null) {
                findings.add(finding);
            }
        }
        List<String> others = listed.stream().filter(o -> !expected.containsKey(o)).toList();
        // Read after the listing: a run of another activation that put a file in the folder meanwhile has recorded it.
        Set<String> recorded = store.recorded(activation.destination(), others);
        for (String object : others) {
            if (!recorded.contains(object)) {
                findings.add(new Finding(Finding.UNPUBLISHED, object, null, "in the activation's folder, and no run of any "
                        + "activation on destination " + activation.destination() + " published it", null,
                        destination.stat(object).map(Verifier::found).orElse(null)));
            }
        }
        findings.sort(java.util.Comparator.comparing(Finding::object).thenComparing(Finding::kind));
        return new Outcome(expected.size(), findings);
    }

    /** Whether a name inside the folder is in (or is) the staging folder of runs. */
    private static boolean staging(String relative) {
        return relative.equals(Destination.STAGING) || relative.startsWith(Destination.STAGING + "/");
    }

    /** The finding for an expected object, or null when it is as published. */
    static Finding compare(String object, VerificationStore.Expected published, Optional<Destination.ObjectInfo> found) {
        FileRecord file = published.file();
        if (found.isEmpty()) {
            return new Finding(Finding.MISSING, object, published.run(), "published by run " + published.run() + ", no longer there",
                    file, null);
        }
        Destination.ObjectInfo info = found.get();
        if (file.version() != null) {
            if (file.version().equals(info.version())) {
                return null;
            }
            return new Finding(Finding.CHANGED, object, published.run(), "written again since run " + published.run()
                    + " published it (version " + file.version() + ", now " + info.version() + ")", file, found(info));
        }
        if (file.bytes() == info.bytes() && Objects.equals(file.crc32c(), info.crc32c())) {
            return null;
        }
        return new Finding(Finding.CHANGED, object, published.run(), "not the file run " + published.run() + " published ("
                + file.bytes() + " bytes, CRC32C " + file.crc32c() + "; now " + info.bytes() + " bytes, CRC32C " + info.crc32c() + ")",
                file, found(info));
    }

    private static Verification.Found found(Destination.ObjectInfo info) {
        return new Verification.Found(info.version(), info.bytes(), info.crc32c());
    }
}
