package dev.sluice.run;

import dev.sluice.destination.Destination;
import dev.sluice.destination.ForwardingDestination;
import dev.sluice.error.SluiceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A destination that fails on purpose: the Nth upload (before writing anything, or after the object
 * is written, as when a checksum check fails after the bytes went out) or the Nth publish. Every
 * other call goes to the wrapped destination. Hand-written, no mocking library.
 */
final class FaultyDestination extends ForwardingDestination {
    /** What to break in one run; 0 means never. */
    record Fault(int failUpload, boolean afterWriting, int failPublish, boolean failDeletes) {
        static final Fault NONE = new Fault(0, false, 0, false);

        static Fault upload(int n) {
            return new Fault(n, false, 0, false);
        }

        static Fault uploadAfterWriting(int n) {
            return new Fault(n, true, 0, false);
        }

        static Fault publish(int n) {
            return new Fault(0, false, n, false);
        }

        /** The same fault, and every delete fails too (a revoked delete permission, an outage): the clean-up fails. */
        Fault withFailingDeletes() {
            return new Fault(failUpload, afterWriting, failPublish, true);
        }
    }

    private final Fault fault;
    private int uploads;
    private int publishes;
    final List<String> calls = new ArrayList<>();
    /** Called with the number of every publish, before it happens: lets a test act at that point of a run. */
    IntConsumer onPublish = n -> {};
    /** Called with the number of every upload once it has completed. */
    IntConsumer afterUpload = n -> {};
    /** Called with the number of every publish once it has completed. */
    IntConsumer afterPublish = n -> {};

    FaultyDestination(Destination inner, Fault fault) {
        super(inner);
        this.fault = fault;
    }

    @Override
    public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
        uploads++;
        calls.add("upload " + objectName);
        if (uploads == fault.failUpload() && !fault.afterWriting()) {
            throw SluiceException.external("injected failure of upload #" + uploads + " (" + objectName + ")", null);
        }
        String version = delegate.upload(file, objectName, contentType, metadata);
        if (uploads == fault.failUpload()) {
            throw SluiceException.external("injected failure after upload #" + uploads + " (" + objectName + ") was written", null);
        }
        afterUpload.accept(uploads);
        return version;
    }

    @Override
    public String publish(String stagedName, String finalName, boolean overwrite) {
        publishes++;
        calls.add("publish " + finalName);
        onPublish.accept(publishes);
        if (publishes == fault.failPublish()) {
            throw SluiceException.external("injected failure of publish #" + publishes + " (" + finalName + ")", null);
        }
        String version = delegate.publish(stagedName, finalName, overwrite);
        afterPublish.accept(publishes);
        return version;
    }

    @Override
    public void delete(String objectName) {
        calls.add("delete " + objectName);
        if (fault.failDeletes()) {
            throw SluiceException.external("injected failure of delete (" + objectName + ")", null);
        }
        delegate.delete(objectName);
    }

    @Override
    public int deleteAll(String prefix) {
        calls.add("deleteAll " + prefix);
        if (fault.failDeletes()) {
            throw SluiceException.external("injected failure of delete (" + prefix + "*)", null);
        }
        return delegate.deleteAll(prefix);
    }

    @Override
    public Removal deleteIfUnchanged(String objectName, String version, String crc32c, long bytes) {
        calls.add("deleteIfUnchanged " + objectName);
        if (fault.failDeletes()) {
            throw SluiceException.external("injected failure of delete (" + objectName + ")", null);
        }
        return delegate.deleteIfUnchanged(objectName, version, crc32c, bytes);
    }
}
