package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates OpenLineage events against the official JSON Schemas (src/test/resources/openlineage,
 * the spec and the facets' own schemas), with an independent validator: the event against
 * OpenLineage.json, then each facet against the schema its {@code _schemaURL} names.
 */
public final class OpenLineageSchema {
    private static final String SPEC = "https://openlineage.io/spec/";
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(SPEC, "classpath:openlineage/")));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private OpenLineageSchema() {}

    /** What is wrong with {@code event}: empty when it is a valid RunEvent whose every facet is valid. */
    public static List<String> problems(JsonNode event) {
        List<String> problems = new ArrayList<>();
        String url = event.path("schemaURL").asText();
        JsonSchema spec = FACTORY.getSchema(SchemaLocation.of(url.replaceFirst("#.*$", "")), CONFIG);
        for (ValidationMessage message : spec.validate(event)) {
            problems.add("event: " + message.getMessage());
        }
        facets(event.path("run").path("facets"), "run", problems);
        facets(event.path("job").path("facets"), "job", problems);
        for (String side : List.of("inputs", "outputs")) {
            for (JsonNode dataset : event.path(side)) {
                facets(dataset.path("facets"), side, problems);
                facets(dataset.path("inputFacets"), side, problems);
                facets(dataset.path("outputFacets"), side, problems);
            }
        }
        return problems;
    }

    private static void facets(JsonNode facets, String where, List<String> problems) {
        Iterator<Map.Entry<String, JsonNode>> fields = facets.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> facet = fields.next();
            String url = facet.getValue().path("_schemaURL").asText("");
            if (!url.startsWith(SPEC)) {
                problems.add(where + " facet " + facet.getKey() + ": _schemaURL is not an OpenLineage schema: '" + url + "'");
                continue;
            }
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode().set(facet.getKey(), facet.getValue());
            Set<ValidationMessage> messages = FACTORY.getSchema(SchemaLocation.of(url.replaceFirst("#.*$", "")), CONFIG).validate(wrapped);
            messages.forEach(m -> problems.add(where + " facet " + facet.getKey() + ": " + m.getMessage()));
        }
    }
}
