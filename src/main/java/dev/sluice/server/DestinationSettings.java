package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sluice.config.SettingSpec;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.destination.DestinationTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A destination's settings as written in the workspace file, for the destinations page: each
 * {@code {key, value, secret}}, in the order of the type's settings. A secret (a setting the type
 * declares secret) is never shown: its value is "set", or "from ${VAR}" when the file takes it
 * from the environment. Other values are shown as written, ${…} not expanded.
 */
final class DestinationSettings {
    private static final YAMLMapper RAW = new YAMLMapper();
    private static final Pattern REFERENCE = Pattern.compile("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}$");

    private DestinationSettings() {}

    static ArrayNode shown(Path workspaceFile, DestinationConfig destination) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        JsonNode written = written(workspaceFile, destination.name());
        List<SettingSpec> specs = DestinationTypes.REGISTRY.settings(destination.type());
        for (SettingSpec spec : specs) {
            JsonNode value = written.get(spec.key());
            if (value == null || spec.key().equals("type")) {
                continue;
            }
            list.addObject().put("key", spec.key()).put("value", dev.sluice.error.Secrets.redact(shown(value, spec.secret())))
                    .put("secret", spec.secret());
        }
        return list;
    }

    /** A secret as "set" / "from ${VAR}"; another value as written. */
    static String shown(JsonNode value, boolean secret) {
        String text = value.isValueNode() ? value.asText() : value.toString();
        if (!secret) {
            return text;
        }
        Matcher reference = REFERENCE.matcher(text.strip());
        return reference.matches() ? "from ${" + reference.group(1) + "}" : "set";
    }

    /** The destination's entry as written in the workspace file (destinations live there, not in included files). */
    private static JsonNode written(Path workspaceFile, String name) {
        try {
            JsonNode tree = RAW.readTree(workspaceFile.toFile());
            return tree == null ? Json.MAPPER.createObjectNode() : tree.path("destinations").path(name);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode(); // the loader has just read it; a race with an edit shows no settings
        }
    }
}
