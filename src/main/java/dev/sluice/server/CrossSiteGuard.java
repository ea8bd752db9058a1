package dev.sluice.server;

import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Refuses the requests a web page of another site can make a browser send to this server, for
 * every request that changes something (any method but GET, HEAD and OPTIONS): such a page can
 * send a form post, a {@code fetch} in {@code no-cors} mode or a beacon without asking the server
 * first (no CORS preflight), and the browser adds the user's cookie. Three rules, token or not:
 * <ol>
 * <li>{@code Sec-Fetch-Site: cross-site} or {@code same-site} (set by the browser, never by the page) is refused;
 * <li>an {@code Origin} that is not the server's own is refused: the server's own is the request's scheme with
 * its {@code Host}, and the {@code --public-url}'s; an {@code Origin} the browser vouches for with
 * {@code Sec-Fetch-Site: same-origin} is the server's own too (its web UI behind a reverse proxy);
 * <li>a POST without a body and without {@code Content-Type} carries {@code X-Sluice-Request} or
 * {@code Authorization}: headers a page of another site cannot send without a preflight, which
 * this server never answers. (A body must be JSON, another type a page cannot send either.)
 * </ol>
 * Clients that are not browsers (curl, scripts) send no {@code Origin} and no {@code Sec-Fetch-Site}.
 * Paths under {@code /api/hooks/} are left to their own check (a signature).
 */
final class CrossSiteGuard {
    /** The header a POST without a body carries to show it does not come from a page of another site. */
    static final String HEADER = "X-Sluice-Request";
    static final String EXEMPT_PREFIX = "/api/hooks/";
    private static final List<String> SAFE_METHODS = List.of("GET", "HEAD", "OPTIONS");

    private final String publicOrigin;

    /** {@code publicUrl}: the address users reach the server at ({@code serve --public-url}); may be null. */
    CrossSiteGuard(String publicUrl) {
        this.publicOrigin = publicUrl == null ? null : origin(publicUrl);
    }

    /** Whether a request with this method and path is checked: it may change something. */
    static boolean changes(String method, String path) {
        return !SAFE_METHODS.contains(method) && !path.startsWith(EXEMPT_PREFIX);
    }

    /** Refuses (403) a state-changing request that comes from a page of another site. */
    void check(Context ctx) {
        if (!changes(ctx.method().name(), ctx.path())) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        String fetchSite = site == null ? "" : site.trim().toLowerCase(Locale.ROOT);
        if (fetchSite.equals("cross-site") || fetchSite.equals("same-site")) {
            throw refused("the browser says this request comes from a page of another site (Sec-Fetch-Site: " + site.trim() + ")");
        }
        String origin = ctx.header("Origin");
        if (origin == null || fetchSite.equals("same-origin")) {
            return;
        }
        String from = origin(origin);
        String own = ownOrigin(ctx);
        if (from != null && (from.equals(own) || from.equals(publicOrigin))) {
            return;
        }
        throw refused("this request comes from a page at '" + origin.trim() + "', not from this server ("
                + (own == null ? "no Host header" : shown(own)) + (publicOrigin == null ? "" : " or " + shown(publicOrigin))
                + "); if that is the address of Sluice's own web UI (behind a reverse proxy), start the server with "
                + "--public-url " + (from == null ? "URL" : shown(from)));
    }

    /**
     * A POST without a body and without a type: refused (403) unless it carries a header a page cannot
     * send cross-site. (PUT, PATCH and DELETE are never sent cross-site without a preflight.)
     */
    void checkBodiless(Context ctx) {
        if (!ctx.method().name().equals("POST") || ctx.path().startsWith(EXEMPT_PREFIX) || present(ctx.header(HEADER))
                || present(ctx.header("Authorization"))) {
            return;
        }
        throw new ApiError(403, "Request header required", ctx.method() + " " + ctx.path() + " without a body must carry the header '"
                + HEADER + ": 1' (or 'Authorization: Bearer TOKEN'), which a web page of another site cannot send; e.g. "
                + "curl -X POST -H '" + HEADER + ": 1' URL", List.of());
    }

    private static ApiError refused(String why) {
        return new ApiError(403, "Cross-site request refused", why + ": Sluice changes nothing for another site's page. "
                + "Use Sluice's own web UI, or a client such as curl or a script", List.of());
    }

    private static boolean present(String header) {
        return header != null && !header.isBlank();
    }

    /** {@code scheme://host:port} of the request as this server sees it (scheme and Host header); null without a Host. */
    private static String ownOrigin(Context ctx) {
        String host = ctx.header("Host");
        if (host == null || host.isBlank()) {
            return null;
        }
        return origin(ctx.scheme() + "://" + host.trim());
    }

    /** An origin as people write it: without the scheme's default port. */
    private static String shown(String origin) {
        return origin.replaceFirst("^(http://.*):80$", "$1").replaceFirst("^(https://.*):443$", "$1");
    }

    /** {@code scheme://host:port}, lower case, the port always written; null when {@code url} is not an http(s) URL. */
    static String origin(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
            return null;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
