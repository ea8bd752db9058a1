package dev.sluice.notify;

import dev.sluice.config.Node;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Where an outgoing request (a webhook, Slack, an SMTP server) may connect. Never: link-local
 * addresses (169.254.0.0/16, fe80::/10) and the cloud metadata services (by name or address),
 * unspecified and multicast addresses, and the address and port of a {@code sluice serve} running in
 * this process ({@link OwnEndpoints}). Private and loopback addresses (10/8, 172.16/12, 192.168/16,
 * 100.64/10, 127/8, ::1, fc00::/7) are allowed unless {@code allowPrivate} is false
 * ({@code allow_private_targets: false}).
 *
 * <p>Checked twice: when the workspace is read, for what can be told without the network (a known
 * metadata name, a literal address), and before each attempt, on every address the host name
 * resolves to; the attempt then connects to the address that was checked (no second lookup that
 * could answer differently).
 */
public record OutgoingTarget(boolean allowPrivate, Resolver resolver) {
    /** Turns a host name into its addresses; tests give their own. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = host -> Arrays.asList(InetAddress.getAllByName(host));
    }

    public static final OutgoingTarget DEFAULT = new OutgoingTarget(true, Resolver.SYSTEM);

    /** Names of cloud metadata services (GCP, AWS, Alibaba…), refused whatever they resolve to. */
    static final Set<String> METADATA_NAMES = Set.of("metadata", "metadata.google.internal", "metadata.goog", "instance-data",
            "instance-data.ec2.internal");
    /** Metadata addresses outside the link-local range (and the usual ones, for a clearer message). */
    private static final Set<String> METADATA_ADDRESSES = Set.of("169.254.169.254", "169.254.170.2", "100.100.100.200",
            "fd00:ec2:0:0:0:0:0:254", "fd20:ce:0:0:0:0:0:254");
    private static final Pattern LITERAL_V4 = Pattern.compile("[0-9]{1,10}(\\.[0-9]{1,10}){0,3}");
    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "sluice-notify-lookup");
        thread.setDaemon(true);
        return thread;
    });

    /** Why a connection to {@code address:port} is refused ("169.254.169.254 is a cloud metadata address"); null when it is allowed. */
    public String refusal(InetAddress address, int port) {
        String reason = reason(address, port);
        return reason == null ? null : address.getHostAddress() + (reason.startsWith("where") ? ":" + port + " is " : " is ") + reason;
    }

    /** What {@code address} is when refused ("a cloud metadata address"); null when it is allowed. */
    private String reason(InetAddress address, int port) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            String refusal = refusal(embedded, port);
            return refusal == null ? null : "an IPv6 form of " + refusal;
        }
        String text = address.getHostAddress();
        byte[] bytes = address.getAddress();
        if (METADATA_ADDRESSES.contains(text.toLowerCase(Locale.ROOT))) {
            return "a cloud metadata address";
        }
        if (address.isAnyLocalAddress() || (address instanceof Inet4Address && bytes[0] == 0)) {
            return "an unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address (169.254.0.0/16, fe80::/10, where cloud metadata services answer)";
        }
        if (address.isMulticastAddress() || text.equals("255.255.255.255")) {
            return "a multicast or broadcast address";
        }
        if (OwnEndpoints.contains(address, port)) {
            return "where this Sluice server listens (its API starts runs)";
        }
        if (!allowPrivate && isPrivate(address)) {
            return "a private or loopback address (allow_private_targets: false)";
        }
        return null;
    }

    /** Why {@code host} as written is refused without looking it up (a metadata name, a literal address); null when it is not. */
    public String refusal(String host, int port) {
        String name = bare(host);
        if (METADATA_NAMES.contains(name)) {
            return "'" + name + "' is a cloud metadata service";
        }
        InetAddress literal = literal(name);
        return literal == null ? null : refusal(literal, port);
    }

    /** Validation: records a problem at {@code key} when {@code host} is refused as written. Whether it is allowed. */
    public boolean check(Node node, String key, String host, int port) {
        String refusal = refusal(host, port);
        if (refusal == null) {
            return true;
        }
        node.problem(key, "refused: " + refusal + (refusal.endsWith("(allow_private_targets: false)")
                ? "; set allow_private_targets: true to allow private and loopback addresses"
                : "; notifications never go there: give the receiver's own address"));
        return false;
    }

    /**
     * Before an attempt: the address to connect to for {@code host}, looked up once within the
     * deadline, every address it resolves to checked. A refusal is final, a failed lookup may pass.
     */
    InetAddress resolve(String host, int port, Deadline deadline, String what) throws DeliveryFailure {
        String name = bare(host);
        String refused = refusal(name, port);
        if (refused != null) {
            throw new DeliveryFailure(what + " refused: " + refused, false, null);
        }
        List<InetAddress> addresses;
        Future<List<InetAddress>> lookup = LOOKUPS.submit(() -> resolver.resolve(name));
        try {
            addresses = lookup.get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new DeliveryFailure(what + " failed: looking up " + name + " timed out", true, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new DeliveryFailure(what + " failed: " + name + (cause instanceof UnknownHostException ? " is not a known host name"
                    : " could not be looked up (" + cause + ")"), true, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure(what + " was interrupted", false, e);
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new DeliveryFailure(what + " failed: " + name + " has no address", true, null);
        }
        for (InetAddress address : addresses) {
            String refusal = refusal(address, port);
            if (refusal != null) {
                throw new DeliveryFailure(what + " refused: " + refusal + " (an address of " + name + ")", false, null);
            }
        }
        return addresses.get(0);
    }

    /** The host without IPv6 brackets, a trailing dot or capitals. */
    static String bare(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** {@code host} as an address when it is written as one (no lookup); null for a name. */
    static InetAddress literal(String host) {
        if (!host.contains(":") && !LITERAL_V4.matcher(host).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    /** 10/8, 172.16/12, 192.168/16, 100.64/10, 127/8, ::1, fc00::/7 (and the old fec0::/10). */
    static boolean isPrivate(InetAddress address) {
        byte[] b = address.getAddress();
        return address.isLoopbackAddress() || address.isSiteLocalAddress()
                || (address instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64)
                || (address instanceof Inet6Address && (b[0] & 0xfe) == 0xfc);
    }

    /** The IPv4 address inside an IPv6 one that carries it (NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible ::a.b.c.d). */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        try {
            if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
                return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
            }
            if (b[0] == 0x20 && b[1] == 0x02) {
                return InetAddress.getByAddress(Arrays.copyOfRange(b, 2, 6));
            }
            if (allZero(b, 0, 12) && !allZero(b, 12, 15)) {
                return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
