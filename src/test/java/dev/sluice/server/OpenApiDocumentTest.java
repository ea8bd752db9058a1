package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.Problem;
import dev.sluice.config.WorkspaceException;
import dev.sluice.workspace.WorkspaceLoader;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document the server serves: valid for an OpenAPI 3.1 parser (swagger-parser), its
 * entry schemas list exactly the keys the workspace parser accepts (asked of the real loader: the
 * "allowed keys" of its unknown-key message), and every response body has a real schema.
 */
class OpenApiDocumentTest {
    private static final String BASE = """
            models:
              m: {sql: "SELECT 1 AS id", primary_key: id}
            destinations:
              out: {type: local, path: out}
            """;

    @TempDir
    Path dir;

    @Test
    void theDocumentValidates() throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(Json.MAPPER.writeValueAsString(OpenApiDocument.document()), null, options);
        assertThat(parsed.getMessages()).as("OpenAPI validation messages").isEmpty();
        assertThat(parsed.getOpenAPI().getComponents().getSchemas()).containsKeys("Activation", "Format_csv", "Source", "Destination",
                "Notification", "Model", "Segment", "SettingsSchema", "Run");
    }

    @Test
    void theActivationSchemaListsEveryKeyTheParserAccepts() throws Exception {
        List<String> accepted = acceptedKeys(BASE + "activations:\n  a: {model: m, destination: out, zzz_not_a_key: 1}\n",
                "activations.a.zzz_not_a_key");
        List<String> described = keys(schema("Activation").path("properties"));
        described.remove("name");
        assertThat(described).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(described).contains("guards", "notify", "retention", "state", "invalid_rows", "publish", "description");
        assertThat(schema("Activation").path("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void eachFormatsSchemaListsTheOptionsItsParserAccepts() throws Exception {
        for (String type : dev.sluice.format.FileFormats.typeNames()) {
            List<String> accepted = acceptedKeys(BASE + "activations:\n  a: {model: m, destination: out, format: {type: " + type
                    + ", zzz_not_a_key: 1}}\n", "activations.a.format.zzz_not_a_key");
            assertThat(keys(schema("Format_" + type).path("properties"))).as(type).containsExactlyInAnyOrderElementsOf(accepted);
        }
        assertThat(keys(schema("Format_csv").path("properties"))).contains("quote", "quote_mode", "null_value");
    }

    @Test
    void eachDestinationAndSourceTypesSchemaListsTheKeysItsParserAccepts() throws Exception {
        for (String type : dev.sluice.destination.DestinationTypes.typeNames()) {
            List<String> accepted = acceptedKeys("destinations:\n  d: {type: " + type + ", zzz_not_a_key: 1}\n", "destinations.d.zzz_not_a_key");
            assertThat(keys(schema("Destination_" + type).path("properties"))).as(type).containsExactlyInAnyOrderElementsOf(accepted);
        }
        for (String type : dev.sluice.source.types.SourceTypes.typeNames()) {
            List<String> accepted = acceptedKeys("sources:\n  s: {type: " + type + ", zzz_not_a_key: 1}\n", "sources.s.zzz_not_a_key");
            assertThat(keys(schema("Source_" + type).path("properties"))).as(type).containsExactlyInAnyOrderElementsOf(accepted);
        }
    }

    /** Every response but 204 has a JSON body whose schema says what it holds: no bare {type: object}. */
    @Test
    void everyResponseBodyHasARealSchema() {
        JsonNode document = OpenApiDocument.document();
        List<String> bare = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (!operation.getValue().has("responses")) {
                return;
            }
            operation.getValue().path("responses").fields().forEachRemaining(response -> {
                String where = operation.getKey().toUpperCase() + " " + path.getKey() + " " + response.getKey();
                JsonNode body = resolve(document, response.getValue());
                if (response.getKey().equals("204")) {
                    return;
                }
                if (!body.has("content")) {
                    bare.add(where + ": no content");
                    return;
                }
                body.path("content").fields().forEachRemaining(media -> {
                    JsonNode schema = resolve(document, media.getValue().path("schema"));
                    if (schema.isMissingNode() || !(schema.has("properties") || schema.has("allOf") || schema.has("oneOf")
                            || schema.has("anyOf"))) {
                        bare.add(where + " " + media.getKey() + ": " + media.getValue().path("schema"));
                    }
                });
            });
        }));
        assertThat(bare).as("responses without a real schema").isEmpty();
    }

    private static JsonNode schema(String name) {
        return OpenApiDocument.document().path("components").path("schemas").path(name);
    }

    private static JsonNode resolve(JsonNode document, JsonNode node) {
        while (node.has("$ref")) {
            JsonNode target = document;
            for (String part : node.get("$ref").asText().substring(2).split("/")) {
                target = target.path(part);
            }
            node = target;
        }
        return node;
    }

    private static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }

    /** The keys the real loader accepts where {@code path} is: what its unknown-key message lists. */
    private List<String> acceptedKeys(String yaml, String path) throws Exception {
        Path file = dir.resolve("sluice-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        try {
            new WorkspaceLoader(Map.<String, String>of()::get).load(file);
        } catch (WorkspaceException e) {
            for (Problem p : e.problems()) {
                if (p.path().equals(path) && p.message().contains("allowed keys: ")) {
                    return new ArrayList<>(Arrays.asList(p.message().substring(p.message().indexOf("allowed keys: ") + 14).split(", ")));
                }
            }
            throw new AssertionError("no unknown-key problem at " + path + ": " + e.problems());
        }
        throw new AssertionError("the workspace loaded:\n" + yaml);
    }
}
