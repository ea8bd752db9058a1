package dev.sluice.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.config.Problems;
import dev.sluice.error.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} in every text value by the environment variable NAME. {@code $${} writes
 * a literal {@code ${}. A missing variable, an unclosed reference or an invalid name is a problem
 * naming the key path. Every value taken from the environment, and the values of secret keys
 * (passwords, keys, tokens), are registered with {@link Secrets} so that they are scrubbed from any
 * output. Only files on disk are interpolated: settings that come through the API are kept as typed.
 */
public final class EnvInterpolation {
    /** Keys whose values are secrets wherever they appear. */
    public static final Set<String> SECRET_KEYS =
            Set.of("password", "credentials_json", "token", "secret", "private_key");

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Function<String, String> env;
    private final String file;
    private final Problems problems;
    private final List<UnsetVariable> unset;

    public EnvInterpolation(Function<String, String> env, String file, Problems problems) {
        this(env, file, problems, new ArrayList<>());
    }

    /** As the other constructor; every reference to an unset variable is also added to {@code unset}. */
    public EnvInterpolation(Function<String, String> env, String file, Problems problems, List<UnsetVariable> unset) {
        this.env = env;
        this.file = file;
        this.problems = problems;
        this.unset = unset;
    }

    public static EnvInterpolation ofSystem(String file, Problems problems) {
        Map<String, String> environment = System.getenv();
        return new EnvInterpolation(environment::get, file, problems);
    }

    /** Interpolates every text value of {@code root} in place. */
    public void apply(JsonNode root) {
        walk(root, "", null);
    }

    private void walk(JsonNode node, String path, String key) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode child = object.get(name);
                String childPath = path.isEmpty() ? name : path + "." + name;
                if (child.isTextual()) {
                    object.set(name, TextNode.valueOf(interpolate(child.textValue(), childPath, name)));
                } else {
                    walk(child, childPath, name);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                String childPath = path + "[" + i + "]";
                if (child.isTextual()) {
                    array.set(i, TextNode.valueOf(interpolate(child.textValue(), childPath, key)));
                } else {
                    walk(child, childPath, key);
                }
            }
        }
    }

    String interpolate(String text, String path, String key) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add(file, path, "unclosed '${'; write ${NAME}, or $${ for a literal ${");
                    return text;
                }
                String name = text.substring(i + 2, end);
                if (!NAME.matcher(name).matches()) {
                    problems.add(file, path, "'${" + name + "}' is not a valid environment variable reference; names are letters, digits and _");
                    return text;
                }
                String value = env.apply(name);
                if (value == null) {
                    problems.add(file, path, "environment variable " + name + " is not set");
                    unset.add(new UnsetVariable(file, path, name));
                    return text;
                }
                // Whatever the key, a value from the environment may be a secret: it never shows in output.
                Secrets.register(value);
                out.append(value);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        String result = out.toString();
        if (key != null && SECRET_KEYS.contains(key)) {
            Secrets.register(result);
        }
        return result;
    }
}
