package dev.sluice.source;

import dev.sluice.config.Node;
import dev.sluice.error.Secrets;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Checks a {@code jdbc:postgresql:} URL the way PostgreSQL's JDBC driver reads it, before the driver
 * ever sees it: the driver answers a malformed URL with a log line that quotes the offending part
 * (for {@code user:password@host}, the password) and a vague "Unable to parse URL". A URL Sluice
 * accepts here is one the driver parses; what it refuses is a workspace problem on {@code url},
 * with the URL's credentials masked. Passwords written in the URL are registered as secrets.
 *
 * <p>The forms the driver reads: {@code jdbc:postgresql:DATABASE}, {@code jdbc:postgresql://},
 * {@code jdbc:postgresql://HOST[:PORT][,HOST[:PORT]…]/[DATABASE]} (IPv6 hosts in brackets), each
 * followed by optional {@code ?name=value&…} parameters, percent-encoded.
 */
public final class PostgresUrl {
    public static final String PREFIX = "jdbc:postgresql:";
    private static final String FORM = "jdbc:postgresql://HOST:PORT/DATABASE";

    private PostgresUrl() {}

    /** Records on {@code node}'s {@code key} what is wrong with {@code url}; true when the driver can use it. */
    public static boolean check(Node node, String key, String url) {
        Secrets.registerUrl(url);
        String problem = problem(url);
        if (problem != null) {
            node.problem(key, problem + ", got '" + Secrets.maskUrl(url) + "'" + libpqInstead(url));
            return false;
        }
        return true;
    }

    /**
     * For a URL with {@code user:password@} before the host (a {@code DATABASE_URL} with {@code jdbc:}
     * put before it): the line to write instead, libpq's form, which Sluice reads; empty otherwise.
     */
    private static String libpqInstead(String url) {
        if (!url.startsWith(PREFIX + "//")) {
            return "";
        }
        String rest = url.substring(PREFIX.length() + 2);
        int slash = rest.indexOf('/');
        int at = (slash < 0 ? rest : rest.substring(0, slash)).lastIndexOf('@');
        if (at < 0) {
            return "";
        }
        String userInfo = rest.substring(0, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return "; or write libpq's form, which Sluice reads: url: \"postgresql://" + user + rest.substring(at) + "\""
                + (colon < 0 ? "" : " with password: ${PG_PASSWORD}");
    }

    /** What is wrong with {@code url}, or null. */
    public static String problem(String url) {
        if (!url.startsWith(PREFIX)) {
            return "must start with " + PREFIX;
        }
        int q = url.indexOf('?');
        String server = (q < 0 ? url : url.substring(0, q)).substring(PREFIX.length());
        String parameters = q < 0 ? "" : url.substring(q + 1);
        String problem = server.startsWith("//") ? hostsAndDatabase(server.substring(2)) : database(server);
        return problem != null ? problem : parameters(parameters);
    }

    private static String hostsAndDatabase(String rest) {
        if (rest.isEmpty() || rest.equals("/")) {
            return null; // localhost, the default database
        }
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        if (hosts.contains("@")) {
            return "user names and passwords cannot be written before the host ('user:password@host'): the PostgreSQL"
                    + " driver does not read them there; write " + FORM + " and put them in the user and password"
                    + " settings (password: ${PG_PASSWORD})";
        }
        for (String address : hosts.split(",", -1)) {
            String problem = address(address);
            if (problem != null) {
                return problem;
            }
        }
        if (slash < 0) {
            return "a '/' must follow the host and port, then the database: " + FORM;
        }
        return database(rest.substring(slash + 1));
    }

    private static String address(String address) {
        String port = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                return "an IPv6 host must end with ']': " + address;
            }
            if (close + 1 < address.length()) {
                if (address.charAt(close + 1) != ':') {
                    return "expected ':' and a port after the IPv6 host " + address.substring(0, close + 1);
                }
                port = address.substring(close + 2);
            }
        } else {
            int colon = address.lastIndexOf(':');
            if (colon >= 0) {
                port = address.substring(colon + 1);
            }
        }
        if (port != null && !validPort(port)) {
            return "the port must be a number from 1 to 65535 (" + FORM + ")";
        }
        return null;
    }

    private static boolean validPort(String port) {
        if (!port.matches("[0-9]{1,5}")) {
            return false;
        }
        int number = Integer.parseInt(port);
        return number >= 1 && number <= 65535;
    }

    private static String database(String database) {
        if (database.contains("/")) {
            return "the database name cannot contain '/' (" + FORM + ")";
        }
        if (database.contains(";")) {
            return "connection parameters follow '?' and are separated by '&' ("
                    + FORM + "?sslmode=require), not ';'; or put them in properties";
        }
        if (!decodes(database)) {
            return "the database name is not valid percent-encoding (write %25 for '%')";
        }
        return null;
    }

    private static String parameters(String parameters) {
        for (String parameter : parameters.split("&")) {
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            String value = eq < 0 ? "" : parameter.substring(eq + 1);
            if (!decodes(name) || !decodes(value)) {
                return "the parameter " + (Secrets.isSecretName(name) ? name : "'" + name + "'")
                        + " is not valid percent-encoding (write %25 for '%')";
            }
            if (Secrets.isSecretName(URLDecoder.decode(name, StandardCharsets.UTF_8))) {
                Secrets.register(URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return null;
    }

    private static boolean decodes(String text) {
        try {
            URLDecoder.decode(text, StandardCharsets.UTF_8);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
