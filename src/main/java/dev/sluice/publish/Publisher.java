package dev.sluice.publish;

import dev.sluice.history.FileRecord;

import dev.sluice.destination.Destination;
import dev.sluice.error.SluiceException;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.RunObjects;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The "upload" and "publish" stages, on both sides of a run's decision point.
 *
 * <p>Before the decision, {@link #stage} uploads the run's files: with {@code publish: staged}
 * every file goes under {@code folder/.sluice-staging/RUN/}; with {@code publish: direct} the data
 * files go to their final names at once. The manifest is always staged, so that it appears only
 * after the decision. A failure before the decision calls {@link #abandon}, which removes what was
 * uploaded.
 *
 * <p>After the decision, {@link #complete} moves every staged object to its final name, the
 * manifest last. Nothing is withdrawn after the decision: if completing fails, the run's staged
 * objects stay, and the next run of the activation completes the publish ({@link #rollForward}),
 * which needs nothing but a listing of the staging prefix.
 *
 * <p>On a bucket that refuses deletes and replacements ({@code writeOnce}, see
 * {@code run.LockedBucket}) nothing is staged and nothing deleted: the data files go to their
 * final names before the decision, every name checked free first; the manifest is uploaded to its
 * final name after the decision; a failure before it leaves the data files where they are, with no
 * manifest naming them.
 */
public final class Publisher {
    private final Destination destination;
    private final Activation activation;
    private final String run;
    /** The bucket refuses deletes and replacements: nothing staged, nothing deleted. */
    private final boolean writeOnce;
    /** Objects this run may have written (staged or final), in upload order: what {@link #abandon} removes. */
    private final List<String> written = new ArrayList<>();
    /** The destination's version of each object this run wrote at its final name, by name (see {@link FileRecord#version}). */
    private final Map<String, String> versions = new HashMap<>();
    /** Staged copies {@link #complete} could not remove after moving them, and the first reason. */
    private final List<String> stagedLeft = new ArrayList<>();
    private String stagedLeftReason;
    /** The schema version of the run's files, in each object's metadata; null when not known. */
    private Integer schemaVersion;

    public Publisher(Destination destination, Activation activation, String run) {
        this(destination, activation, run, false);
    }

    /** As above; {@code writeOnce} for a bucket that refuses deletes and replacements. */
    public Publisher(Destination destination, Activation activation, String run, boolean writeOnce) {
        this.destination = destination;
        this.activation = activation;
        this.run = run;
        this.writeOnce = writeOnce;
    }

    /** Whether this run deletes and replaces nothing (its bucket refuses both). */
    public boolean writeOnce() {
        return writeOnce;
    }

    /** Where this run stages its objects. */
    public String stagingPrefix() {
        return RunObjects.stagingPrefix(activation.folder(), run);
    }

    /** Whether {@code file} is uploaded to its final name before the decision ({@code publish: direct}, data files). */
    private boolean direct(LocalFile file) {
        return activation.publish() == Activation.Publish.DIRECT && !isManifest(file) && !RunObjects.isSchemaFile(file.objectName());
    }

    /** The final names that {@link #stage} writes before the decision point: those a failed run must withdraw. */
    public List<String> directNames(List<LocalFile> files) {
        return files.stream().filter(this::direct).map(LocalFile::objectName).toList();
    }

    private String stagedName(String finalName) {
        return RunObjects.staged(activation.folder(), run, finalName);
    }

    /**
     * Uploads {@code files} ahead of the decision: staged, or at their final names for direct data
     * files. {@code replace} says whether a direct upload may replace an existing object.
     */
    public void stage(List<LocalFile> files, boolean replace) {
        if (writeOnce) {
            for (LocalFile file : files) {
                if (destination.exists(file.objectName())) {
                    throw SluiceException.user("activations." + activation.name() + ": " + file.objectName() + " already exists in destination "
                            + destination.name() + ", whose bucket refuses replacing objects; nothing was written (make file_name give "
                            + "every run a name of its own: {run}, or a time variable down to the second)");
                }
            }
        }
        for (LocalFile file : files) {
            if (writeOnce && isManifest(file)) {
                continue; // uploaded to its final name after the decision
            }
            boolean direct = direct(file);
            String target = direct ? file.objectName() : stagedName(file.objectName());
            if (direct && !replace && destination.exists(target)) {
                throw SluiceException.user("activations." + activation.name() + ": " + target + " already exists in destination "
                        + destination.name() + " and overwrite is false; nothing was published (delete it, or add a time variable "
                        + "such as {x} or {run} to file_name)");
            }
            // Recorded before the upload: an upload that fails may still have written the object
            // (a checksum found wrong after the bytes went out), and abandon() must remove it.
            written.add(target);
            String version = destination.upload(file.path(), target, file.contentType(), metadata(file));
            if (direct) {
                versions.put(target, version);
            }
        }
    }

    /** The metadata of each object: the activation, the run, the rows of the file and, when known, the schema version. */
    private Map<String, String> metadata(LocalFile file) {
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        metadata.put("sluice-activation", activation.name());
        metadata.put("sluice-run", run);
        metadata.put("sluice-rows", Long.toString(file.rows()));
        if (schemaVersion != null) {
            metadata.put("sluice-schema-version", Integer.toString(schemaVersion));
        }
        return metadata;
    }

    /** The version of the schema the run exports (see {@code schema_changes}), put on every object it uploads from now on. */
    public void schemaVersion(int version) {
        schemaVersion = version;
    }

    private static boolean isManifest(LocalFile file) {
        return RunObjects.isManifest(file.objectName());
    }

    /**
     * Uploads, from {@code localFolder}, each of {@code names} that the destination lacks and that is
     * there as a local file of the same base name: the manifest of a decided write-once run that did
     * not get to publish it. Returns the names it uploaded.
     */
    public static List<String> uploadKept(Destination destination, String activation, String run, List<String> names,
            java.nio.file.Path localFolder) {
        List<String> uploaded = new ArrayList<>();
        for (String name : names) {
            java.nio.file.Path local = localFolder.resolve(name.substring(name.lastIndexOf('/') + 1));
            if (!java.nio.file.Files.isRegularFile(local) || destination.exists(name)) {
                continue;
            }
            destination.upload(local, name, "application/json", Map.of("sluice-activation", activation, "sluice-run", run, "sluice-rows", "0"));
            uploaded.add(name);
        }
        return uploaded;
    }

    /**
     * After the decision: moves every staged file to its final name, the manifest last; returns the
     * files' records, each with the version of the object the destination now holds.
     */
    public List<FileRecord> complete(List<LocalFile> files, boolean replace) {
        for (LocalFile file : ordered(files)) {
            if (writeOnce && isManifest(file)) {
                versions.put(file.objectName(), destination.upload(file.path(), file.objectName(), file.contentType(), metadata(file)));
            } else if (!direct(file)) {
                try {
                    versions.put(file.objectName(), destination.publish(stagedName(file.objectName()), file.objectName(),
                            replace || RunObjects.isSchemaFile(file.objectName())));
                } catch (Destination.StagedCopyLeft left) {
                    // Published all the same: the set is completed, the staged copy waits for the next run.
                    versions.put(file.objectName(), left.version());
                    stagedLeft.add(stagedName(file.objectName()));
                    if (stagedLeftReason == null) {
                        stagedLeftReason = left.getMessage();
                    }
                }
            }
        }
        return files.stream().map(f -> f.record().withVersion(versions.get(f.objectName()))).toList();
    }

    /**
     * After {@link #complete}: the staged copies it could not remove once their file was at its final
     * name, with the first reason, as a warning for the run; null when there are none. The next run
     * of any activation writing to the folder removes them (its recovery lists the staging folder).
     */
    public String stagedLeftWarning() {
        if (stagedLeft.isEmpty()) {
            return null;
        }
        return "every file was published, but " + stagedLeft.size() + (stagedLeft.size() == 1 ? " staged copy" : " staged copies")
                + " could not be removed after the move (" + String.join(", ", stagedLeft) + "): " + stagedLeftReason
                + "; they are not part of any published set, and the next run of " + activation.name() + " removes them";
    }

    private static List<LocalFile> ordered(List<LocalFile> files) {
        List<LocalFile> result = new ArrayList<>(files);
        result.sort(Comparator.comparing(Publisher::isManifest));
        return result;
    }

    /**
     * Before the decision, after a failure: removes whatever this run uploaded, staged or final, so
     * that no partial set of final files remains. Returns the names it could not remove: with
     * {@code writeOnce}, every name it wrote that is there, since the bucket refuses the deletes.
     */
    public List<String> abandon() {
        if (writeOnce) {
            // The bucket refuses the deletes: what is there stays, with no manifest naming it.
            List<String> present = new ArrayList<>();
            for (String name : written) {
                try {
                    if (destination.exists(name)) {
                        present.add(name);
                    }
                } catch (SluiceException e) {
                    present.add(name); // cannot tell: named, to be safe
                }
            }
            return present;
        }
        return deleteEach(destination, written);
    }

    /** Deletes each name (missing ones are fine); returns those whose delete failed. */
    public static List<String> deleteEach(Destination destination, List<String> names) {
        List<String> failed = new ArrayList<>();
        for (String name : names) {
            try {
                destination.delete(name);
            } catch (SluiceException e) {
                failed.add(name);
            }
        }
        return failed;
    }

    /**
     * Completes the publish of a decided run from what its staging prefix holds: each staged object
     * is moved to {@code folder/NAME}, the manifest last. Objects already moved are no longer staged,
     * so this can be repeated. Returns the final name of each object it moved, with the version the
     * destination gave it (null when unknown).
     */
    public static Map<String, String> rollForward(Destination destination, String stagingPrefix, boolean replace) {
        List<String> staged = new ArrayList<>(destination.list(stagingPrefix));
        staged.sort(Comparator.comparing(RunObjects::isManifest).thenComparing(Comparator.naturalOrder()));
        Map<String, String> moved = new java.util.LinkedHashMap<>();
        for (String name : staged) {
            String base = name.substring(stagingPrefix.length());
            if (base.isEmpty() || base.endsWith("/")) {
                continue; // not one of the run's files (a folder marker)
            }
            String finalName = RunObjects.finalName(stagingPrefix, name);
            try {
                moved.put(finalName, destination.publish(name, finalName, replace || RunObjects.isSchemaFile(finalName)));
            } catch (Destination.StagedCopyLeft left) {
                moved.put(finalName, left.version()); // published; the staged copy is removed by a later run
            }
        }
        try {
            destination.deleteAll(stagingPrefix);
        } catch (SluiceException e) {
            // every file is published: what stays staged is removed by a later run's recovery
        }
        return moved;
    }

    /** Removes everything under a staging prefix: the leftovers of a run that died; returns how many. */
    public static int removeLeftovers(Destination destination, String prefix) {
        return destination.deleteAll(prefix);
    }
}
