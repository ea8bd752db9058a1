package dev.sluice.run;

import dev.sluice.destination.Destination;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The run's destination as its publisher sees it: every call goes to the destination, and each
 * finished upload is told as a {@link RunEvent.FileUploaded} with the file's size.
 */
final class UploadEvents implements Destination {
    private final Destination destination;
    private final RunEvents events;

    UploadEvents(Destination destination, RunEvents events) {
        this.destination = destination;
        this.events = events;
    }

    @Override
    public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
        long bytes = size(file);
        String version = destination.upload(file, objectName, contentType, metadata);
        events.uploaded(objectName, bytes);
        return version;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return destination.name();
    }

    @Override
    public String publish(String stagedName, String finalName, boolean overwrite) {
        return destination.publish(stagedName, finalName, overwrite);
    }

    @Override
    public void delete(String objectName) {
        destination.delete(objectName);
    }

    @Override
    public Removal deleteIfUnchanged(String objectName, String version, String crc32c, long bytes) {
        return destination.deleteIfUnchanged(objectName, version, crc32c, bytes);
    }

    @Override
    public boolean exists(String objectName) {
        return destination.exists(objectName);
    }

    @Override
    public List<String> list(String prefix) {
        return destination.list(prefix);
    }

    @Override
    public int deleteAll(String prefix) {
        return destination.deleteAll(prefix);
    }

    @Override
    public void check(String folder) {
        destination.check(folder);
    }

    @Override
    public Lock lock() {
        return destination.lock();
    }

    @Override
    public Map<Access, String> lacking(java.util.Set<Access> asked, String folder) {
        return destination.lacking(asked, folder);
    }

    @Override
    public void close() {
        // the run closes its destination itself
    }
}
