package dev.sluice.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real server on the loopback that answers, then sends one byte a second for as long as the
 * connection stays open (up to 10 minutes): each read gets a byte well within any socket timeout,
 * so only a deadline on the whole exchange ends it. {@link #http()} reads the request and answers
 * {@code 200} with a long body; {@link #smtp()} greets with a {@code 220} line that never ends.
 */
public final class Trickler implements AutoCloseable {
    private final ServerSocket server;
    private final boolean http;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private Trickler(boolean http) throws IOException {
        this.http = http;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "trickler-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static Trickler http() throws IOException {
        return new Trickler(true);
    }

    public static Trickler smtp() throws IOException {
        return new Trickler(false);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** How many connections were made to it. */
    public int connections() {
        return connections.get();
    }

    /** Whether a connection was accepted, waiting up to 30 s for the accepting thread on a busy machine. */
    public boolean awaitConnection() throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (connections.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return connections.get() > 0;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                clients.add(client);
                Thread worker = new Thread(() -> trickle(client), "trickler");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void trickle(Socket client) {
        try (client) {
            OutputStream out = client.getOutputStream();
            if (http) {
                readHead(client.getInputStream());
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write("220".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            for (int i = 0; i < 600 && !client.isClosed(); i++) {
                out.write(http ? 'k' : ' ');
                out.flush();
                Thread.sleep(1000);
            }
        } catch (IOException | InterruptedException e) {
            // the client went away: that is the point
        }
    }

    /** Reads up to the blank line that ends the request's head (the body is left unread). */
    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b >= 0; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == end.length) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }
}
