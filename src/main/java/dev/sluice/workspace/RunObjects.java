package dev.sluice.workspace;

import dev.sluice.destination.Destination;
import dev.sluice.format.SplitLimits;
import dev.sluice.plan.PlannedOutput;
import dev.sluice.plan.Planner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one rule for the names of the objects a run writes. A run's names are built from
 * {@code folder / base + output suffix [+ -NNNNN part] + extension}, where {@code base} is the
 * activation's {@code file_name} rendered at the run's start; its manifest is
 * {@code folder / base.manifest.json}; before its decision it stages them under
 * {@code folder/.sluice-staging/RUN/}. The runner, the publisher, recovery, the workspace checks
 * (clashes, lengths) and every API preview ask this class; nothing else puts a name together.
 *
 * @param folder the activation's folder, "" for the bucket root
 * @param base the rendered file name, without suffix, part or extension
 * @param extension the format's extension, compression included ({@code .csv.gz})
 * @param splits whether size limits number every file as parts
 * @param manifest whether the run writes a manifest
 */
public record RunObjects(String folder, String base, String extension, boolean splits, boolean manifest) {
    /** What a manifest's name ends with. */
    public static final String MANIFEST_SUFFIX = ".manifest.json";

    /** The schema file's name in an activation's folder ({@code schema_file: true}): replaced by each run, never by retention. */
    public static final String SCHEMA_FILE = "_schema.json";

    /** The names of a run of {@code activation} with id {@code run} that starts at {@code start}. */
    public static RunObjects of(Activation activation, Instant start, String run) {
        return new RunObjects(activation.folder(),
                activation.fileName().render(start, activation.timezone(), activation.name(), activation.target(), run),
                activation.format().extension(), new SplitLimits(activation.maxFileSize(), activation.maxRowsPerFile()).splits(),
                activation.manifest());
    }

    /** The local file name of an output before its part number and extension: what a format writer numbers. */
    public String outputName(PlannedOutput output) {
        return base + output.suffix();
    }

    /** The object name of a file of this run in its folder. */
    public String object(String fileName) {
        return folder.isEmpty() ? fileName : folder + "/" + fileName;
    }

    /** The object name of a file of this run in a partition's folder ({@code country=FR/…}, see {@code partition_by}). */
    public String inPartition(String partitionPath, String fileName) {
        return object(partitionPath + "/" + fileName);
    }

    /** The object name of an output's file, or its first part when size limits split it. */
    public String firstObject(String suffix) {
        String name = base + suffix;
        return object(splits ? SplitLimits.partName(name, 1, extension) : name + extension);
    }

    /** The manifest's file name, without the folder. */
    public String manifestFile() {
        return base + MANIFEST_SUFFIX;
    }

    /** The manifest's object name. */
    public String manifestObject() {
        return object(manifestFile());
    }

    /**
     * Every object name a run can write: each output's (first) file of every run kind the
     * activation's run type and sync mode can plan, then the manifest when there is one.
     */
    public Set<String> every(Activation activation) {
        Set<String> names = new LinkedHashSet<>();
        for (boolean previous : new boolean[] {false, true}) {
            for (PlannedOutput output : Planner.plan(activation.runType(), activation.syncMode(), previous, false, null).outputs()) {
                names.add(firstObject(output.suffix()));
            }
        }
        if (manifest) {
            names.add(manifestObject());
        }
        return names;
    }

    /** The object names of a run's outputs with these suffixes, then the manifest when there is one. */
    public List<String> objects(List<String> suffixes) {
        List<String> names = new ArrayList<>();
        for (String suffix : suffixes) {
            names.add(firstObject(suffix));
        }
        if (manifest) {
            names.add(manifestObject());
        }
        return names;
    }

    /** Whether an object name begins with this run's folder and base name: one the run may write. */
    public boolean startsWithBase(String objectName) {
        return objectName.startsWith(object(base));
    }

    /** The schema file's object name: {@code folder/_schema.json}. */
    public String schemaObject() {
        return object(SCHEMA_FILE);
    }

    /** Whether an object name is an activation's schema file. */
    public static boolean isSchemaFile(String objectName) {
        return objectName.equals(SCHEMA_FILE) || objectName.endsWith("/" + SCHEMA_FILE);
    }

    /** Whether an object name is a manifest's. */
    public static boolean isManifest(String objectName) {
        return objectName.endsWith(MANIFEST_SUFFIX);
    }

    /** The staging folder of every run writing to {@code folder}: {@code folder/.sluice-staging/}. */
    public static String stagingRoot(String folder) {
        return (folder.isEmpty() ? "" : folder + "/") + Destination.STAGING + "/";
    }

    /** Where run {@code run} stages its objects: {@code folder/.sluice-staging/RUN/}. */
    public static String stagingPrefix(String folder, String run) {
        return stagingRoot(folder) + run + "/";
    }

    /**
     * The staged name of a final object name of run {@code run}: its path inside the folder (a
     * partition's folders included) under the run's staging prefix.
     */
    public static String staged(String folder, String run, String finalName) {
        String inFolder = folder.isEmpty() ? finalName : finalName.startsWith(folder + "/") ? finalName.substring(folder.length() + 1)
                : finalName.substring(finalName.lastIndexOf('/') + 1);
        return stagingPrefix(folder, run) + inFolder;
    }

    /** The final name of a staged object of a staging prefix: its file name in the prefix's activation folder. */
    public static String finalName(String stagingPrefix, String stagedName) {
        int at = stagingPrefix.lastIndexOf(Destination.STAGING + "/");
        String folder = at <= 0 ? "" : stagingPrefix.substring(0, at - 1);
        String file = stagedName.substring(stagingPrefix.length());
        return folder.isEmpty() ? file : folder + "/" + file;
    }
}
