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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The OpenAPI document served at {@code /api/openapi.json}: {@code web/openapi.json} (paths, response
 * schemas, problem details, written by hand) with the schemas of the workspace's entries generated
 * from their description ({@link SettingSpec}) when the server starts: {@code Activation} (every key
 * the parser accepts, plus {@code name}), each format's options ({@code Format_csv} …),
 * {@code Source}, {@code Destination} and {@code Notification} (one schema per type), {@code Model},
 * {@code Segment}, and {@code SettingsSchema} for {@code GET /api/schema}. The committed file holds
 * none of them, so they cannot drift from the parser.
 */
final class OpenApiDocument {
    private static final ObjectNode DOCUMENT = build();

    private OpenApiDocument() {}

    static void serve(Context ctx) {
        Json.send(ctx, DOCUMENT);
    }

    /** The document as served. */
    static ObjectNode document() {
        return DOCUMENT.deepCopy();
    }

    private static ObjectNode build() {
        ObjectNode document;
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/web/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("web/openapi.json is missing from the class path");
            }
            document = (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read web/openapi.json", e);
        }
        ObjectNode schemas = document.with("components").with("schemas");
        for (String type : FileFormats.typeNames()) {
            ObjectNode format = object(FileFormats.REGISTRY.settings(type), "The options of format " + type + ".");
            ((ObjectNode) format.get("properties")).set("type", Json.MAPPER.createObjectNode().put("const", type));
            format.withArray("required").insert(0, "type");
            schemas.set("Format_" + type, format);
        }
        ObjectNode activation = object(ActivationSettings.SETTINGS,
                "The keys of an activation in the workspace (docs/workspace.md); unknown keys are refused. "
                        + "Generated from the description of its settings (GET /api/schema).");
        ObjectNode properties = Json.MAPPER.createObjectNode();
        properties.putObject("name").put("type", "string").put("description",
                "the activation's name: letters, digits, _ . - (in the body of POST; in the path of PUT)");
        properties.setAll((ObjectNode) activation.get("properties"));
        activation.set("properties", properties);
        schemas.set("Activation", activation);
        oneOfTypes(schemas, "Source", SourceTypes.REGISTRY);
        oneOfTypes(schemas, "Destination", DestinationTypes.REGISTRY);
        oneOfTypes(schemas, "Notification", NotifierTypes.REGISTRY);
        schemas.set("Model", object(EntrySettings.MODEL, "A model: a query on a source and its primary key."));
        schemas.set("Segment", object(EntrySettings.SEGMENT, "A segment: a model narrowed by a filter."));
        return document;
    }

    /** {@code Name} as any of {@code Name_type}, one schema per type of the registry. */
    private static void oneOfTypes(ObjectNode schemas, String name, Registry<?> registry) {
        ObjectNode any = schemas.putObject(name);
        any.put("description", "A " + name.toLowerCase(java.util.Locale.ROOT) + " entry of the workspace, by its type.");
        ArrayNode refs = any.putArray("oneOf");
        for (String type : registry.names()) {
            ObjectNode schema = object(registry.settings(type), name + " of type " + type + ".");
            ObjectNode typeProperty = (ObjectNode) schema.get("properties").get("type");
            typeProperty.putArray("enum").add(type);
            schemas.set(name + "_" + type, schema);
            refs.addObject().put("$ref", "#/components/schemas/" + name + "_" + type);
        }
    }

    /** An object schema with one property per setting, the required ones listed, no other key allowed. */
    static ObjectNode object(List<SettingSpec> settings, String description) {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        schema.put("type", "object");
        if (description != null) {
            schema.put("description", description);
        }
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = Json.MAPPER.createArrayNode();
        for (SettingSpec setting : settings) {
            properties.set(setting.key(), property(setting));
            if (setting.required()) {
                required.add(setting.key());
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    /** The JSON Schema of one setting's value, with its help, default and form place. */
    static ObjectNode property(SettingSpec setting) {
        ObjectNode schema = value(setting);
        String help = setting.help();
        if (!setting.defaultText().isEmpty() && !setting.required()) {
            help = help + (help.isEmpty() ? "" : ". ") + "Default: " + setting.defaultText();
        }
        if (!help.isEmpty()) {
            schema.put("description", help);
        }
        if (setting.defaultValue() != null) {
            schema.set("default", Json.MAPPER.valueToTree(setting.defaultValue()));
        }
        if (setting.secret()) {
            schema.put("format", "password");
        }
        if (!setting.group().isEmpty()) {
            schema.put("x-sluice-group", setting.group());
            schema.put("x-sluice-order", setting.order());
        }
        return schema;
    }

    private static ObjectNode value(SettingSpec setting) {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        switch (setting.kind()) {
            case TEXT, DURATION -> schema.put("type", "string");
            case INTEGER -> schema.put("type", "integer");
            case BOOLEAN -> schema.put("type", "boolean");
            case CHOICE -> schema.put("type", "string").set("enum", Json.MAPPER.valueToTree(setting.allowed()));
            case SIZE, COUNT_OR_PERCENT -> schema.putArray("type").add("string").add("integer");
            case TEXT_LIST -> {
                schema.putArray("type").add("array").add("string");
                schema.putObject("items").put("type", "string");
            }
            case CHOICE_LIST -> {
                schema.put("type", "array");
                schema.putObject("items").put("type", "string").set("enum", Json.MAPPER.valueToTree(setting.allowed()));
            }
            case OBJECT -> {
                if (setting.children().isEmpty()) {
                    schema.put("type", "object");
                } else {
                    schema.setAll(object(setting.children(), null));
                }
            }
            case OBJECT_LIST -> {
                schema.put("type", "array");
                schema.set("items", object(setting.children(), null));
            }
            case PROPERTIES -> {
                schema.put("type", "object");
                schema.putObject("additionalProperties").put("type", "string");
            }
            case TYPED -> {
                ArrayNode oneOf = schema.putArray("oneOf");
                oneOf.addObject().put("type", "string").set("enum", Json.MAPPER.valueToTree(setting.allowed()));
                for (String type : setting.allowed()) {
                    oneOf.addObject().put("$ref", "#/components/schemas/Format_" + type);
                }
            }
            default -> throw new IllegalStateException("no schema for " + setting.kind());
        }
        return schema;
    }
}
