package dev.sluice.notify;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets of one SMTP attempt, handed to Jakarta Mail: they connect to the address that
 * {@link OutgoingTarget} checked, whatever host they are asked for, and are closed when the
 * attempt's deadline passes (Jakarta Mail's own timeouts bound each read, not the whole exchange).
 * {@link #tls()} layers STARTTLS for the server's name as written in the workspace: its SNI, and the
 * certificate checked against it.
 */
final class SmtpSockets extends SocketFactory implements AutoCloseable {
    private final InetAddress address;
    private final Deadline deadline;
    private final String serverName;
    private final List<Deadline.Watch> watches = new ArrayList<>();

    SmtpSockets(InetAddress address, Deadline deadline, String serverName) {
        this.address = address;
        this.deadline = deadline;
        this.serverName = serverName;
    }

    @Override
    public Socket createSocket() {
        Socket socket = new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                int port = ((InetSocketAddress) endpoint).getPort();
                super.connect(new InetSocketAddress(address, port), Math.min(timeout <= 0 ? Integer.MAX_VALUE : timeout,
                        deadline.remainingMillis()));
            }

            @Override
            public void connect(SocketAddress endpoint) throws IOException {
                connect(endpoint, 0);
            }
        };
        synchronized (watches) {
            watches.add(deadline.watch(socket));
        }
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(port);
    }

    private Socket connected(int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(address, port), deadline.remainingMillis());
        return socket;
    }

    /** STARTTLS over a connected socket, for the server's name as written. */
    SSLSocketFactory tls() {
        SSLSocketFactory delegate = (SSLSocketFactory) SSLSocketFactory.getDefault();
        return new SSLSocketFactory() {
            @Override
            public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
                SSLSocket ssl = (SSLSocket) delegate.createSocket(socket, serverName, port, autoClose);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("LDAPS"); // as Jakarta Mail sets it again
                if (OutgoingTarget.literal(serverName) == null) {
                    parameters.setServerNames(List.of(new SNIHostName(serverName)));
                }
                ssl.setSSLParameters(parameters);
                return ssl;
            }

            @Override
            public String[] getDefaultCipherSuites() {
                return delegate.getDefaultCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return delegate.getSupportedCipherSuites();
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                throw new IOException("implicit TLS is not supported");
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                throw new IOException("implicit TLS is not supported");
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                throw new IOException("implicit TLS is not supported");
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
                throw new IOException("implicit TLS is not supported");
            }
        };
    }

    /** Cancels the scheduled closes (the sockets themselves are closed by Jakarta Mail). */
    @Override
    public void close() {
        synchronized (watches) {
            watches.forEach(Deadline.Watch::close);
        }
    }
}
