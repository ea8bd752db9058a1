package dev.sluice.workspace;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.error.Secrets;
import java.net.URI;
import java.util.List;

/**
 * The workspace's {@code lineage:} section: where every run reports its OpenLineage events (START,
 * then COMPLETE, FAIL or ABORT) — a Marquez, DataHub or other OpenLineage HTTP endpoint.
 * {@code url} is the server, {@code endpoint} the path events are posted to; {@code namespace} the
 * jobs' namespace; {@code apiKey} (may be null) is sent as a bearer token. See docs/workspace.md#lineage.
 */
public record LineageConfig(URI url, String endpoint, String namespace, String apiKey) {
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("url").asRequired().in("lineage", 1).help("the OpenLineage server: http(s)://host:port"),
            SettingSpec.text("endpoint").withDefault("/api/v1/lineage").in("lineage", 2).help("the path events are posted to"),
            SettingSpec.text("namespace").withDefault("sluice").in("lineage", 3).help("the namespace of Sluice's jobs (one per activation)"),
            SettingSpec.text("api_key").absent("none").asSecret().in("lineage", 4)
                    .help("sent as Authorization: Bearer KEY, usually ${OPENLINEAGE_API_KEY}; never printed"));

    @Override
    public String toString() {
        return "LineageConfig[" + target() + ", namespace=" + namespace + "]"; // never the key
    }

    /** Where events are posted: {@code url} and {@code endpoint}. */
    public URI target() {
        String base = url.toString().replaceAll("/+$", "");
        return URI.create(base + (endpoint.startsWith("/") ? endpoint : "/" + endpoint));
    }

    /** Parses {@code lineage}; null when absent or invalid (problems recorded). */
    static LineageConfig parse(Node node) {
        if (node.isUnset("none: no lineage events") || !node.expectObject()) {
            return null;
        }
        node.allowKeys(SettingSpec.keys(SETTINGS));
        int before = node.problems().size();
        String url = node.requiredText("url");
        URI uri = null;
        if (url != null) {
            try {
                uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    node.problem("url", "must be an http(s) URL such as http://marquez:5000, got '" + url + "'");
                }
            } catch (java.net.URISyntaxException e) {
                node.problem("url", "is not a URL: '" + url + "' (" + e.getReason() + ")");
            }
        }
        String endpoint = node.text("endpoint", "/api/v1/lineage");
        String namespace = node.text("namespace", "sluice");
        String apiKey = node.get("api_key").isUnset("none") ? null : node.requiredText("api_key");
        if (apiKey != null) {
            Secrets.register(apiKey);
        }
        if (node.problems().size() > before || uri == null) {
            return null;
        }
        return new LineageConfig(uri, endpoint, namespace, apiKey);
    }
}
