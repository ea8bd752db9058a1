package dev.sluice.server;

import dev.sluice.destination.Destination;
import dev.sluice.destination.ForwardingDestination;
import dev.sluice.error.SluiceException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A destination that holds its first upload until the test opens the gate (or fails it), so a run
 * is known to be going while the test acts. Everything else goes to the real destination.
 */
final class GateDestination extends ForwardingDestination {
    final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);
    private volatile boolean fail;

    GateDestination(Destination delegate) {
        super(delegate);
    }

    void release() {
        open.countDown();
    }

    void failUpload() {
        fail = true;
        open.countDown();
    }

    boolean awaitEntered() throws InterruptedException {
        return entered.await(10, TimeUnit.MINUTES);
    }

    @Override
    public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
        entered.countDown();
        try {
            open.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fail) {
            throw SluiceException.external("destinations." + name() + ": upload refused by the test", null);
        }
        return delegate.upload(file, objectName, contentType, metadata);
    }
}
