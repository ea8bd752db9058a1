package dev.sluice.destination;

import dev.sluice.error.SluiceException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where files go: a bucket or something that behaves like one. Object names are '/'-separated
 * paths from the bucket root. Every failure is a {@link dev.sluice.error.SluiceException} that
 * names the destination and says what to check.
 */
public interface Destination extends AutoCloseable {
    /**
     * The folder segment under which runs stage their files ({@code folder/.sluice-staging/RUN/});
     * reserved: no activation's folder may use it.
     */
    String STAGING = ".sluice-staging";

    /** The destination's name in the workspace. */
    String name();

    /**
     * Writes a local file as the object {@code objectName}, replacing any object of that name.
     * Returns the object's version (see {@link #publish}), or null when it cannot be told apart from
     * a write by someone else.
     */
    String upload(Path file, String objectName, String contentType, Map<String, String> metadata);

    /**
     * Moves an uploaded object to its final name. With {@code overwrite} false, fails without
     * touching anything when {@code finalName} exists. Returns the version of the object now at
     * {@code finalName}: a text that changes whenever anything writes that name again, even with the
     * same bytes (on GCS the generation), which {@link #deleteIfUnchanged} checks; null when unknown.
     * Throws {@link StagedCopyLeft} when only removing the staged object failed.
     */
    String publish(String stagedName, String finalName, boolean overwrite);

    /**
     * What {@link #publish} throws when the object is at its final name but the staged copy could
     * not be removed: the publish itself is done ({@link #version}), only the clean-up failed.
     */
    final class StagedCopyLeft extends SluiceException {
        private static final long serialVersionUID = 1L;
        private final String version;

        public StagedCopyLeft(String version, SluiceException cause) {
            super(cause.kind(), cause.getMessage(), cause);
            this.version = version;
        }

        /** The version of the object now at the final name (see {@link #publish}). */
        public String version() {
            return version;
        }
    }

    /** Deletes an object; deleting a missing object is not an error. */
    void delete(String objectName);

    /** What {@link #deleteIfUnchanged} did. */
    enum Removal {
        /** The object was as recorded and is deleted. */
        DELETED,
        /** The object differs from the record (someone replaced it): left alone. */
        CHANGED,
        /** There is no such object (already deleted). */
        MISSING,
        /** The bucket refused the delete (a retention policy or a hold): left alone. */
        REFUSED
    }

    /**
     * Deletes an object only if it still is the one recorded: with a {@code version} (as
     * {@link #publish} returned it), only that version, whatever the bytes of a later one; without
     * (records made before versions), only an object {@code bytes} long with the CRC32C
     * {@code crc32c} (base64, as GCS shows it). Throws, like the other calls, when the destination
     * fails (network, permission).
     */
    Removal deleteIfUnchanged(String objectName, String version, String crc32c, long bytes);

    /** Whether an object of that name exists. */
    boolean exists(String objectName);

    /**
     * What the destination holds under a name: its version (as {@link #publish} returns it: on GCS
     * the generation), its size and its CRC32C (base64, as GCS shows it).
     */
    record ObjectInfo(String version, long bytes, String crc32c) {}

    /**
     * Reads an object's version, size and CRC32C without its content (on a local folder the file is
     * read for its CRC32C); empty when there is no such object. Changes nothing.
     */
    java.util.Optional<ObjectInfo> stat(String objectName);

    /** The names of every object under {@code prefix}, in name order. */
    List<String> list(String prefix);

    /**
     * Deletes every object under {@code prefix} and whatever uploads killed mid-way left there;
     * returns how many objects it deleted. Used to remove the staging leftovers of a dead run.
     */
    default int deleteAll(String prefix) {
        int removed = 0;
        for (String name : list(prefix)) {
            delete(name);
            removed++;
        }
        return removed;
    }

    /**
     * Writes, reads back and deletes a probe object under {@code folder}; throws a user error or
     * external failure saying plainly what is wrong.
     */
    void check(String folder);

    /**
     * What a bucket says before a run about deleting and replacing objects. {@code rule} names the
     * bucket's rule that refuses them (a retention policy, a default event-based hold), null when
     * there is none; {@code untilReleased} is true when the refusal lasts until someone releases a
     * hold, not only for a period; {@code unknown} says why the rule could not be read (null when it
     * was: then the run goes on as on a bucket without one).
     */
    record Lock(String rule, boolean untilReleased, String unknown) {
        public static final Lock NONE = new Lock(null, false, null);

        public boolean locked() {
            return rule != null;
        }
    }

    /**
     * Reads the bucket's rules that refuse deletes and replacements; {@link Lock#NONE} for a
     * destination that has none. A missing permission to read them is {@link Lock#unknown}, not a failure.
     */
    default Lock lock() {
        return Lock.NONE;
    }

    /** What a run does on its destination, asked before it reads anything (see {@link #lacking}). */
    enum Access {
        /** Create objects (upload, copy to a final name). */
        CREATE,
        /** Read an object's metadata (the checksum read back after each upload). */
        GET,
        /** List objects (staging leftovers, retention). */
        LIST,
        /** Delete objects (staged copies, rollbacks, replacements, retention). */
        DELETE
    }

    /**
     * Of {@code asked}, what the credentials may not do on objects under {@code folder} ("" for the
     * bucket root), each with one sentence naming the permission and the role that grants it; empty
     * when everything is allowed or the destination cannot tell. Throws, like the other calls, when
     * the destination fails (network, refused credentials, missing bucket).
     */
    default Map<Access, String> lacking(java.util.Set<Access> asked, String folder) {
        return Map.of();
    }

    @Override
    default void close() {}

    /** The user error of a publish that finds {@code finalName} taken while the activation does not replace existing files. */
    static SluiceException notReplaced(String destination, String finalName, Throwable cause) {
        return SluiceException.user("destinations." + destination + ": " + finalName
                + " already exists and this activation does not replace existing files (overwrite: false, or a delta sync mode "
                + "without overwrite: true); delete it, or make file_name change between runs ({run} or a finer time variable)", cause);
    }
}
