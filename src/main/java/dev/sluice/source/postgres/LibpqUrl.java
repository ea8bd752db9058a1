package dev.sluice.source.postgres;

import dev.sluice.error.Secrets;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * libpq's connection URI, as {@code DATABASE_URL} holds it:
 * {@code postgresql://[user[:password]@][host[:port][,host[:port]…]][/database][?name=value&…]}
 * ({@code postgres://} too). Parsed into the parts PostgreSQL's JDBC driver takes separately; the
 * parameters libpq knows that the driver reads under another name are renamed, and any other is
 * refused (the driver would silently ignore it). The password is registered as a secret.
 */
record LibpqUrl(List<Address> hosts, String database, String user, String password, Map<String, String> properties) {

    /** One server: a host name or address (IPv6 in brackets) and its port, null when the URL gives none. */
    record Address(String host, Integer port) {
        Address withPort(int newPort) {
            return new Address(host, newPort);
        }

        @Override
        public String toString() {
            return port == null ? host : host + ":" + port;
        }
    }

    /** libpq parameter → the JDBC driver's property of the same meaning. */
    private static final Map<String, String> PARAMETERS = Map.ofEntries(
            Map.entry("sslmode", "sslmode"), Map.entry("sslrootcert", "sslrootcert"), Map.entry("sslcert", "sslcert"),
            Map.entry("sslkey", "sslkey"), Map.entry("sslpassword", "sslpassword"), Map.entry("application_name", "ApplicationName"),
            Map.entry("connect_timeout", "connectTimeout"), Map.entry("options", "options"), Map.entry("gssencmode", "gssEncMode"),
            Map.entry("target_session_attrs", "targetServerType"));
    private static final Map<String, String> SESSION_ATTRS = Map.of("any", "any", "read-write", "primary", "primary", "primary",
            "read-only", "secondary", "standby", "secondary", "prefer-standby", "preferSecondary");

    static boolean applies(String url) {
        return url.startsWith("postgresql://") || url.startsWith("postgres://");
    }

    /** The parts of {@code url}; an IllegalArgumentException saying what is wrong (never quoting the password). */
    static LibpqUrl parse(String url) {
        String rest = url.substring(url.indexOf("://") + 3);
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q + 1);
        rest = q < 0 ? rest : rest.substring(0, q);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String database = slash < 0 || slash == rest.length() - 1 ? null : decode(rest.substring(slash + 1), "the database name");
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = emptyToNull(decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "the user name"));
            if (colon >= 0) {
                password = decode(userInfo.substring(colon + 1), "the password");
                Secrets.register(password);
            }
        }
        List<Address> hosts = new ArrayList<>();
        if (!authority.isEmpty()) {
            for (String address : authority.split(",", -1)) {
                hosts.add(address(address));
            }
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String parameter : query.split("&")) {
                int eq = parameter.indexOf('=');
                String name = decode(eq < 0 ? parameter : parameter.substring(0, eq), "a parameter name");
                String value = decode(eq < 0 ? "" : parameter.substring(eq + 1), "the value of " + name);
                switch (name) {
                    case "user" -> user = value;
                    case "password" -> {
                        password = value;
                        Secrets.register(value);
                    }
                    case "dbname" -> database = value;
                    case "host" -> {
                        hosts.clear();
                        for (String host : value.split(",")) {
                            hosts.add(address(host));
                        }
                    }
                    case "port" -> {
                        if (hosts.isEmpty()) {
                            throw new IllegalArgumentException("the parameter port needs a host before it");
                        }
                        int port = port(value);
                        hosts.replaceAll(h -> h.withPort(port));
                    }
                    case "target_session_attrs" -> {
                        String mapped = SESSION_ATTRS.get(value.toLowerCase(Locale.ROOT));
                        if (mapped == null) {
                            throw new IllegalArgumentException("target_session_attrs must be one of " + String.join(", ",
                                    new java.util.TreeSet<>(SESSION_ATTRS.keySet())) + ", got '" + value + "'");
                        }
                        properties.put("targetServerType", mapped);
                    }
                    default -> {
                        String property = PARAMETERS.get(name);
                        if (property == null) {
                            throw new IllegalArgumentException("the parameter '" + name + "' is not one Sluice passes on (known: "
                                    + String.join(", ", new java.util.TreeSet<>(PARAMETERS.keySet()))
                                    + ", user, password, dbname, host, port); put driver settings in properties");
                        }
                        if (Secrets.isSecretName(name)) {
                            Secrets.register(value);
                        }
                        properties.put(property, value);
                    }
                }
            }
        }
        return new LibpqUrl(List.copyOf(hosts), database, user, password, properties);
    }

    /** One server of the URL; a socket folder (libpq's '/…' host) is refused. */
    private static Address address(String address) {
        String decoded = decode(address, "the host");
        if (decoded.startsWith("/")) {
            throw new IllegalArgumentException("a Unix socket folder as host (" + decoded + ") is not supported by the JDBC driver; "
                    + "give a host name or address");
        }
        if (decoded.startsWith("[")) {
            int close = decoded.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("an IPv6 host must end with ']'");
            }
            String port = close + 1 < decoded.length() && decoded.charAt(close + 1) == ':' ? decoded.substring(close + 2) : null;
            return new Address(decoded.substring(0, close + 1), port == null ? null : port(port));
        }
        int colon = decoded.lastIndexOf(':');
        if (colon < 0) {
            return new Address(decoded, null);
        }
        return new Address(decoded.substring(0, colon), port(decoded.substring(colon + 1)));
    }

    private static int port(String text) {
        if (text.matches("[0-9]{1,5}")) {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw new IllegalArgumentException("the port must be a number from 1 to 65535");
    }

    private static String decode(String text, String what) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid percent-encoding (write %25 for '%', %40 for '@')");
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
