package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.Registry;
import dev.sluice.config.SettingSpec;
import dev.sluice.destination.DestinationTypes;
import dev.sluice.format.FileFormats;
import dev.sluice.notify.NotifierTypes;
import dev.sluice.source.types.SourceTypes;
import dev.sluice.workspace.ActivationSettings;
import dev.sluice.workspace.EntrySettings;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code GET /api/schema}: the description of every setting ({@link SettingSpec}) as JSON, from
 * which the web UI draws its forms: the activation's settings with their groups, each format's
 * options, and the settings of each type of source, destination and notification, of models and
 * of segments. The same description gives the OpenAPI document its schemas ({@link OpenApiDocument}).
 */
final class SettingsSchema {
    private static final ObjectNode BODY = build();

    private SettingsSchema() {}

    static void serve(Context ctx) {
        Json.send(ctx, BODY);
    }

    /** The answer of {@code GET /api/schema}. */
    static ObjectNode body() {
        return BODY.deepCopy();
    }

    private static ObjectNode build() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode activation = body.putObject("activation");
        ArrayNode groups = activation.putArray("groups");
        for (ActivationSettings.Group group : ActivationSettings.GROUPS) {
            groups.addObject().put("key", group.key()).put("title", group.title());
        }
        activation.set("settings", list(ActivationSettings.SETTINGS));
        body.set("formats", types(FileFormats.REGISTRY));
        body.set("sources", types(SourceTypes.REGISTRY));
        body.set("destinations", types(DestinationTypes.REGISTRY));
        body.set("notifications", types(NotifierTypes.REGISTRY));
        body.set("models", list(EntrySettings.MODEL));
        body.set("segments", list(EntrySettings.SEGMENT));
        return body;
    }

    private static ObjectNode types(Registry<?> registry) {
        ObjectNode types = Json.MAPPER.createObjectNode();
        for (String type : registry.names()) {
            types.set(type, list(registry.settings(type)));
        }
        return types;
    }

    static ArrayNode list(List<SettingSpec> settings) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        settings.forEach(s -> list.add(json(s)));
        return list;
    }

    /** One setting: {key, kind, allowed, default, default_text, required, secret, group, order, help, applies_to, children}. */
    static ObjectNode json(SettingSpec setting) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("key", setting.key());
        node.put("kind", setting.kind().json());
        node.set("allowed", Json.MAPPER.valueToTree(setting.allowed()));
        node.set("default", Json.MAPPER.valueToTree(setting.defaultValue()));
        node.put("default_text", setting.defaultText());
        node.put("required", setting.required());
        node.put("secret", setting.secret());
        node.put("group", setting.group());
        node.put("order", setting.order());
        node.put("help", setting.help());
        node.set("applies_to", Json.MAPPER.valueToTree(setting.appliesTo()));
        node.set("children", list(setting.children()));
        return node;
    }
}
