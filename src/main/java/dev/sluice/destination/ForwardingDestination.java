package dev.sluice.destination;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A destination that hands every call to another one: a decorator extends it and overrides only the
 * calls it changes (the run's upload events; in tests, a held upload or an injected fault), so that
 * every method of {@link Destination}, those with a default body included, is forwarded in one place.
 */
public class ForwardingDestination implements Destination {
    protected final Destination delegate;

    public ForwardingDestination(Destination delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
        return delegate.upload(file, objectName, contentType, metadata);
    }

    @Override
    public String publish(String stagedName, String finalName, boolean overwrite) {
        return delegate.publish(stagedName, finalName, overwrite);
    }

    @Override
    public void delete(String objectName) {
        delegate.delete(objectName);
    }

    @Override
    public Removal deleteIfUnchanged(String objectName, String version, String crc32c, long bytes) {
        return delegate.deleteIfUnchanged(objectName, version, crc32c, bytes);
    }

    @Override
    public boolean exists(String objectName) {
        return delegate.exists(objectName);
    }

    @Override
    public java.util.Optional<ObjectInfo> stat(String objectName) {
        return delegate.stat(objectName);
    }

    @Override
    public List<String> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void check(String folder) {
        delegate.check(folder);
    }

    @Override
    public int deleteAll(String prefix) {
        return delegate.deleteAll(prefix);
    }

    @Override
    public Lock lock() {
        return delegate.lock();
    }

    @Override
    public Map<Access, String> lacking(java.util.Set<Access> asked, String folder) {
        return delegate.lacking(asked, folder);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
