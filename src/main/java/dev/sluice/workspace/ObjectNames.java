package dev.sluice.workspace;

import dev.sluice.config.Node;
import dev.sluice.config.Problem;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.plan.NameText;
import dev.sluice.plan.SyncMode;
import dev.sluice.schedule.NextRun;
import dev.sluice.schedule.Schedule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The objects activations write, checked before any run: two activations that can write the same
 * object are a workspace error (the last writer would win, silently); a delta activation whose
 * file name renders the same for two of its runs gets a warning (the later run is refused while
 * the earlier run's file is there, since replacing it would lose changes; see docs/runs.md).
 */
public final class ObjectNames {
    /** How many scheduled runs ahead the warning looks. */
    static final int RUNS_AHEAD = 200;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private ObjectNames() {}

    /**
     * The final object names of a run of {@code activation} that starts at {@code at} with id
     * {@code run}: every output suffix any run type can write (its first part when split), and the manifest.
     */
    static Set<String> of(Activation activation, Instant at, String run) {
        RunObjects names = RunObjects.of(activation, at, run);
        Set<String> every = names.every(activation);
        if (activation.schemaFile()) {
            every.add(names.schemaObject());
        }
        return every;
    }

    /**
     * Adds a problem on the later activation's {@code file_name} for each pair of activations that
     * write to the same place (destination location and folder) under names that can be equal.
     */
    static void checkClashes(Map<String, Activation> activations, Map<String, DestinationConfig> destinations,
            Map<String, Node> nodes) {
        List<Activation> all = new ArrayList<>(activations.values());
        Instant at = Instant.parse("2030-01-01T06:00:00Z");
        for (Activation activation : all) {
            checkLengths(activation, at, nodes.get(activation.name()));
        }
        // Rendered once each; every activation gets a run id of its own, as two runs would.
        List<Set<String>> names = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            names.add(of(all.get(i), at, "RUN-" + i));
        }
        for (int j = 1; j < all.size(); j++) {
            Activation later = all.get(j);
            DestinationConfig laterDestination = destinations.get(later.destination());
            if (laterDestination == null) {
                continue;
            }
            for (int i = 0; i < j; i++) {
                Activation earlier = all.get(i);
                DestinationConfig earlierDestination = destinations.get(earlier.destination());
                if (earlierDestination == null || !earlierDestination.describe().equals(laterDestination.describe())) {
                    continue;
                }
                Set<String> shared = new LinkedHashSet<>(names.get(i));
                shared.retainAll(names.get(j));
                if (!shared.isEmpty()) {
                    // On both: each activation's owner (and the API, which checks one activation) sees it.
                    String object = shared.iterator().next();
                    String message = "activations " + earlier.name() + " and " + later.name() + " can write the same object, "
                            + object + " in " + laterDestination.describe() + ", and the last one to run would "
                            + "replace the other's file; " + (RunObjects.isSchemaFile(object)
                                    ? "both have schema_file: true, which describes the one activation of a folder: give them different folders"
                                    : "give them different folders, or put {activation} in file_name");
                    nodes.get(earlier.name()).problem("file_name", message);
                    nodes.get(later.name()).problem("file_name", message);
                }
            }
        }
    }

    /** A sample run id, as long as real ones ({@code 20300101T060000Z-1a2b}). */
    private static final String SAMPLE_RUN = "20300101T060000Z-1a2b";
    /** What staging adds to an object name: {@code .sluice-staging/RUN/}. */
    private static final int STAGING_OVERHEAD = RunObjects.stagingPrefix("", SAMPLE_RUN).length();

    /** Every object name a run can write fits the destinations: 255 bytes a name, 1024 a path. */
    private static void checkLengths(Activation activation, Instant at, Node node) {
        boolean split = activation.maxFileSize() != null || activation.maxRowsPerFile() != null;
        for (String name : of(activation, at, SAMPLE_RUN)) {
            String file = name.substring(name.lastIndexOf('/') + 1);
            int bytes = file.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > NameText.MAX_NAME_BYTES) {
                String shown = file.length() > 60 ? file.substring(0, 40) + "…" + file.substring(file.length() - 15) : file;
                node.problem("file_name", "renders file names such as '" + shown + "' of " + bytes + " bytes in UTF-8"
                        + (split ? " with a part number" : "") + ", over the " + NameText.MAX_NAME_BYTES
                        + " a file system allows; shorten it");
                return;
            }
            int path = name.getBytes(StandardCharsets.UTF_8).length + STAGING_OVERHEAD;
            if (path > 1024) {
                node.problem("file_name", "with its folder, renders object names of " + path + " bytes in UTF-8 (staging "
                        + "included), over the 1024 Google Cloud Storage allows; shorten folder or file_name");
                return;
            }
        }
    }

    /**
     * Warnings for delta activations ({@code insert}, {@code upsert}, {@code difference}) that do not
     * set {@code overwrite: true} and whose file name renders the same for two runs: of its schedule,
     * looking {@value #RUNS_AHEAD} runs ahead of {@code from}, or, without a schedule, for every run.
     */
    public static List<Problem> warnings(Iterable<Activation> activations, Instant from) {
        List<Problem> warnings = new ArrayList<>();
        for (Activation activation : activations) {
            if (activation.syncMode() == SyncMode.SNAPSHOT || Boolean.TRUE.equals(activation.overwrite())) {
                continue;
            }
            String why = repeats(activation, from);
            if (why != null) {
                warnings.add(new Problem(activation.file(), "activations." + activation.name() + ".file_name", "'"
                        + activation.fileName().text() + "' " + why + ", and " + article(activation.syncMode()) + " " + activation.syncMode().name().toLowerCase(Locale.ROOT)
                        + " activation does not replace an earlier run's file (its changes would be lost to a consumer that has not "
                        + "read them): that run fails while the earlier file is there. Add a finer time variable ({HH}{mm}{ss}) or "
                        + "{run} to file_name, or set overwrite: true to replace on purpose"));
            }
        }
        return warnings;
    }

    /** Why two runs of the activation get the same name, or null when they do not. */
    static String repeats(Activation activation, Instant from) {
        Schedule schedule = activation.schedule();
        if (schedule == null) {
            Instant later = from.plus(Duration.ofDays(397)).plusSeconds(3661).plusMillis(1);
            return render(activation, from, "RUN-A").equals(render(activation, later, "RUN-B"))
                    ? "holds no time variable and no {run}: every run writes the same name" : null;
        }
        Map<String, Instant> seen = new java.util.HashMap<>();
        Instant at = from;
        for (int i = 0; i < RUNS_AHEAD; i++) {
            at = NextRun.after(schedule, at);
            Instant first = seen.putIfAbsent(render(activation, at, "RUN-" + i), at);
            if (first != null) {
                return "renders the same name for the runs of its schedule (" + schedule.describe() + ") at "
                        + WHEN.format(first.atZone(ZoneOffset.UTC)) + " and " + WHEN.format(at.atZone(ZoneOffset.UTC)) + " UTC";
            }
        }
        return null;
    }

    private static String article(SyncMode mode) {
        return mode == SyncMode.DIFFERENCE ? "a" : "an";
    }

    private static String render(Activation activation, Instant at, String run) {
        return activation.fileName().render(at, activation.timezone(), activation.name(), activation.target(), run);
    }
}
