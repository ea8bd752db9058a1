package dev.sluice.history;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A published object: its name, which output it belongs to, rows, bytes and CRC32C (base64, as GCS
 * shows it), and {@code version}: which object the destination stored under that name when this run
 * wrote it (on GCS its generation; on a local folder the file's key, modification time and size),
 * what retention checks before deleting it. Null in records made before versions were recorded, of
 * runs completed by a later run, and until the object is published.
 */
public record FileRecord(String object, String output, long rows, long bytes, String crc32c,
        @JsonInclude(JsonInclude.Include.NON_NULL) String version) {

    /** A record without a version: the file as written, before the destination holds it. */
    public FileRecord(String object, String output, long rows, long bytes, String crc32c) {
        this(object, output, rows, bytes, crc32c, null);
    }

    /** This record with the destination's version of the published object. */
    public FileRecord withVersion(String version) {
        return new FileRecord(object, output, rows, bytes, crc32c, version);
    }
}
