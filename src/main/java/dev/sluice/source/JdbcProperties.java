package dev.sluice.source;

import dev.sluice.config.Node;
import dev.sluice.error.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A source's {@code properties}: driver connection properties, each a text; those with a secret's name are masked. */
public final class JdbcProperties {
    private JdbcProperties() {}

    public static Map<String, String> parse(Node node) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, Node> entry : node.entries().entrySet()) {
            String value = node.text(entry.getKey(), null);
            if (value != null) {
                if (Secrets.isSecretName(entry.getKey())) {
                    Secrets.register(value);
                }
                result.put(entry.getKey(), value);
            }
        }
        return Map.copyOf(result);
    }
}
