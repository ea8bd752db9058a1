package dev.sluice.publish;

import dev.sluice.history.FileRecord;

import java.nio.file.Path;

/** A file written for this run, the final object name it goes to, what it holds and its CRC32C. */
public record LocalFile(Path path, String objectName, String output, long rows, long bytes, String contentType, String crc32c) {

    /** Reads the file once to checksum it. */
    public static LocalFile of(Path path, String objectName, String output, long rows, String contentType) throws java.io.IOException {
        return new LocalFile(path, objectName, output, rows, java.nio.file.Files.size(path), contentType, Checksums.crc32c(path));
    }

    public FileRecord record() {
        return new FileRecord(objectName, output, rows, bytes, crc32c);
    }
}
