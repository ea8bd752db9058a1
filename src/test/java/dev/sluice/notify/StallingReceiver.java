package dev.sluice.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on the loopback that takes every request and never finishes answering: it
 * either stays silent ({@link Mode#SILENT}) or sends a 200 and then trickles its body, one byte every
 * 200 ms ({@link Mode#TRICKLE}), until it is closed. What a webhook receiver that hangs looks like.
 */
public final class StallingReceiver implements AutoCloseable {
    public enum Mode { SILENT, TRICKLE }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stalling-receiver");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final CountDownLatch first = new CountDownLatch(1);

    public StallingReceiver(Mode mode) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            first.countDown();
            try {
                if (mode == Mode.SILENT) {
                    closed.await();
                } else {
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream body = exchange.getResponseBody();
                    while (!closed.await(200, TimeUnit.MILLISECONDS)) {
                        body.write('.');
                        body.flush();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException gone) {
                // the client hung up
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests taken so far. */
    public int received() {
        return received.get();
    }

    /** Waits for the first request; whether it came within {@code seconds}. */
    public boolean awaitRequest(long seconds) throws InterruptedException {
        return first.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
