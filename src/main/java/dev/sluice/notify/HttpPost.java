package dev.sluice.notify;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One POST of a JSON body, as webhooks and Slack receive it. A 2xx answer is a delivery; 408, 429,
 * 5xx, a timeout or a network failure may pass and are retried; any other answer (redirects
 * included: they are not followed) is final. Messages name the host only: a URL's path and query
 * may hold a token.
 *
 * <p>HTTP/1.1 over a socket of its own, so that the request goes to the address {@link OutgoingTarget}
 * checked (with the URL's host in the {@code Host} header, and for https in the TLS server name and
 * the certificate check), and so that {@code timeout} bounds the whole attempt: looking up the
 * host, connecting, sending, and reading the complete answer.
 */
final class HttpPost {
    private static final int MAX_BODY_IN_MESSAGE = 200;
    /** Answers are read up to this size; the rest is not waited for. */
    private static final int MAX_ANSWER = 64 * 1024;
    private static final int MAX_HEADER_LINE = 8 * 1024;

    private HttpPost() {}

    static void post(URI url, byte[] body, Map<String, String> headers, Duration timeout, OutgoingTarget target) throws DeliveryFailure {
        Deadline deadline = Deadline.after(timeout);
        String host = OutgoingTarget.bare(url.getHost());
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : https ? 443 : 80;
        String what = "POST to " + host;
        InetAddress address = target.resolve(host, port, deadline, what);
        Socket socket = new Socket();
        try (Deadline.Watch watch = deadline.watch(socket); socket) {
            socket.connect(new InetSocketAddress(address, port), deadline.remainingMillis());
            Socket channel = https ? tls(socket, host, port) : socket;
            channel.setSoTimeout(deadline.remainingMillis());
            OutputStream out = channel.getOutputStream();
            out.write(head(url, host, port, https, body.length, headers));
            out.write(body);
            out.flush();
            answer(channel.getInputStream(), deadline, what);
        } catch (SocketTimeoutException e) {
            throw timedOut(what, deadline, e);
        } catch (IOException e) {
            if (deadline.passed()) {
                throw timedOut(what, deadline, e);
            }
            throw new DeliveryFailure(what + " failed: " + describe(e), true, e);
        }
    }

    /** TLS over the connected socket, for {@code host}: its name in SNI, the certificate checked against it. */
    private static Socket tls(Socket socket, String host, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (OutgoingTarget.literal(host) == null) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        return ssl;
    }

    private static byte[] head(URI url, String host, int port, boolean https, int length, Map<String, String> headers) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (port == (https ? 443 : 80) ? "" : ":" + port);
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("User-Agent: sluice\r\n")
                .append("Content-Length: ").append(length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the whole answer (within the deadline) and settles the attempt by its status. */
    private static void answer(InputStream raw, Deadline deadline, String what) throws IOException, DeliveryFailure {
        InputStream in = new BufferedInputStream(raw);
        int status;
        Map<String, String> headers;
        do {
            String statusLine = line(in);
            if (statusLine.isEmpty()) {
                throw new DeliveryFailure(what + " failed: the connection was closed without an answer", true, null);
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new DeliveryFailure(what + " failed: the answer is not HTTP ('" + shorten(statusLine) + "')", true, null);
            }
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new DeliveryFailure(what + " failed: the answer has no status ('" + shorten(statusLine) + "')", true, null);
            }
            headers = new java.util.HashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                }
            }
        } while (status >= 100 && status < 200);
        // 204 and 304 have no body, whatever the headers say.
        String text = status == 204 || status == 304 ? "" : new String(body(in, headers), StandardCharsets.UTF_8).strip();
        if (status >= 200 && status < 300) {
            return;
        }
        if (text.length() > MAX_BODY_IN_MESSAGE) {
            text = text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
        }
        boolean retryable = status == 408 || status == 429 || status >= 500;
        throw new DeliveryFailure(what + " answered HTTP " + status + (text.isEmpty() ? "" : ": " + text), retryable, null);
    }

    /** The answer's body: by its Content-Length, chunked, or up to the end of the connection; at most MAX_ANSWER bytes. */
    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            while (body.size() < MAX_ANSWER) {
                String size = line(in);
                int semicolon = size.indexOf(';');
                int length;
                try {
                    length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
                } catch (NumberFormatException e) {
                    break;
                }
                if (length <= 0) {
                    break;
                }
                copy(in, body, length);
                line(in);
            }
            return body.toByteArray();
        }
        String length = headers.get("content-length");
        long expected = MAX_ANSWER;
        if (length != null) {
            try {
                expected = Math.min(MAX_ANSWER, Long.parseLong(length.strip()));
            } catch (NumberFormatException e) {
                // read to the end
            }
        }
        copy(in, body, (int) expected);
        return body.toByteArray();
    }

    /** Copies up to {@code count} bytes, fewer when the connection ends first. */
    private static void copy(InputStream in, ByteArrayOutputStream to, int count) throws IOException {
        byte[] buffer = new byte[8192];
        int left = Math.min(count, MAX_ANSWER - to.size());
        while (left > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            to.write(buffer, 0, n);
            left -= n;
        }
    }

    /** One header line, without its CRLF; "" at the end of the headers or of the connection. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (line.size() >= MAX_HEADER_LINE) {
                throw new IOException("an answer line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static DeliveryFailure timedOut(String what, Deadline deadline, Exception e) {
        return new DeliveryFailure(what + " timed out after " + deadline.lengthText() + " (the whole answer must arrive within the timeout)",
                true, e);
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
