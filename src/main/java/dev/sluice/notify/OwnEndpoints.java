package dev.sluice.notify;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses this process listens on ({@code sluice serve} adds its own when it starts and
 * removes it when it stops): a notification must never call the server that sends it, whose API
 * starts runs.
 */
public final class OwnEndpoints {
    private static final Set<InetSocketAddress> ENDPOINTS = ConcurrentHashMap.newKeySet();

    private OwnEndpoints() {}

    /** {@code host} as the server was told to bind it (null or a wildcard: every address of the machine). */
    public static InetSocketAddress add(String host, int port) {
        InetSocketAddress endpoint = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        ENDPOINTS.add(endpoint);
        return endpoint;
    }

    public static void remove(InetSocketAddress endpoint) {
        ENDPOINTS.remove(endpoint);
    }

    /** Whether a connection to {@code address:port} would reach a server of this process. */
    static boolean contains(InetAddress address, int port) {
        for (InetSocketAddress endpoint : ENDPOINTS) {
            if (endpoint.getPort() != port) {
                continue;
            }
            InetAddress own = endpoint.getAddress();
            if (own == null || own.isAnyLocalAddress()) {
                if (address.isLoopbackAddress() || address.isAnyLocalAddress() || local(address)) {
                    return true;
                }
            } else if (own.isLoopbackAddress() ? address.isLoopbackAddress() || address.isAnyLocalAddress() : own.equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code address} belongs to one of this machine's network interfaces. */
    private static boolean local(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
