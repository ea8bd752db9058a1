package dev.sluice.run;

import dev.sluice.destination.Destination;
import dev.sluice.destination.ForwardingDestination;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The run's destination as its publisher sees it: every call goes to the destination, and each
 * finished upload is told as a {@link RunEvent.FileUploaded} with the file's size.
 */
final class UploadEvents extends ForwardingDestination {
    private final RunEvents events;

    UploadEvents(Destination destination, RunEvents events) {
        super(destination);
        this.events = events;
    }

    @Override
    public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
        long bytes = size(file);
        String version = delegate.upload(file, objectName, contentType, metadata);
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
    public void close() {
        // the run closes its destination itself
    }
}
