package dev.sluice.error;

/**
 * Finds the network failure behind an error: a name that does not resolve, a refused or timed-out
 * connection, a TLS handshake that failed, a connection cut. Such a failure says nothing about
 * credentials, SQL or settings, so messages name it as "cannot reach …" with this cause.
 */
public final class NetworkFailure {
    private NetworkFailure() {}

    /** The network failure in {@code e}'s chain, or null. */
    public static Throwable in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException || t instanceof java.net.ConnectException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.http.HttpTimeoutException || t instanceof javax.net.ssl.SSLException
                    || t instanceof java.net.SocketException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** What went wrong, in words, with the failure's own message (secrets masked): the cause to show in a message. */
    public static String describe(Throwable t) {
        String what;
        if (t instanceof java.net.UnknownHostException) {
            what = "the host name does not resolve";
        } else if (t instanceof java.net.ConnectException) {
            what = "the connection was refused";
        } else if (t instanceof java.net.NoRouteToHostException) {
            what = "no route to the host";
        } else if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.http.HttpTimeoutException) {
            what = "no answer in time";
        } else if (t instanceof javax.net.ssl.SSLException) {
            what = "the TLS handshake failed";
        } else {
            what = "the connection failed";
        }
        return what + (t.getMessage() == null ? "" : ": " + Secrets.redact(t.getMessage()));
    }
}
