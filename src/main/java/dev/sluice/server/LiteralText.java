package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Settings that come through the API are kept as typed: {@code ${NAME}} in them is text, never an
 * environment variable of the server (which would let anyone who can reach the API read the
 * server's environment). They are stored escaped ({@code $${}, which the workspace loader reads
 * back as a literal {@code ${}) and shown unescaped.
 */
final class LiteralText {
    private LiteralText() {}

    /** A copy in which every {@code ${} of a text value is written {@code $${}. */
    static JsonNode escape(JsonNode settings) {
        return map(settings.deepCopy(), text -> text.replace("${", "$${"));
    }

    /** The inverse of {@link #escape}: the values as the user typed them. */
    static JsonNode unescape(JsonNode settings) {
        return map(settings.deepCopy(), text -> text.replace("$${", "${"));
    }

    /** The key paths (relative to the settings) of the text values holding {@code ${}, as typed. */
    static List<String> references(JsonNode settings) {
        List<String> paths = new ArrayList<>();
        collect(settings, "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String path, List<String> paths) {
        if (node.isTextual() && node.textValue().contains("${")) {
            paths.add(path);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), paths);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "[" + i + "]", paths);
            }
        }
    }

    private static JsonNode map(JsonNode node, UnaryOperator<String> f) {
        if (node.isTextual()) {
            return TextNode.valueOf(f.apply(node.textValue()));
        }
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                object.set(name, map(object.get(name), f));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, map(array.get(i), f));
            }
        }
        return node;
    }
}
