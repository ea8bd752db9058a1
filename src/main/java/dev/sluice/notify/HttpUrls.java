package dev.sluice.notify;

import dev.sluice.config.Node;
import java.net.URI;
import java.net.URISyntaxException;

/** The check of URL settings: an absolute http:// or https:// URL with a host. */
final class HttpUrls {
    private HttpUrls() {}

    /** Records a problem at {@code key} unless {@code url} is an http(s) URL; the URL is masked in the message. */
    static boolean check(Node node, String key, String url) {
        try {
            URI uri = new URI(url.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return true;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        node.problem(key, "must be an http:// or https:// URL, got '" + dev.sluice.error.Secrets.redact(url) + "'");
        return false;
    }

    /** Records a problem at {@code key} when the host of {@code url} (an http(s) URL) is refused as written. */
    static boolean checkTarget(Node node, String key, String url, OutgoingTarget target) {
        URI uri = URI.create(url.strip());
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return target.check(node, key, uri.getHost(), port);
    }
}
