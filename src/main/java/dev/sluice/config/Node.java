package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A position in the workspace tree: a YAML value, its key path and the problem list it reports to.
 * Every accessor validates what it reads and records a problem naming the key path and the
 * offending value instead of throwing, so that one pass finds every problem.
 *
 * <p>A key written with a null value ({@code format: null}, {@code format: ~} or nothing after the
 * colon) is not the same as a key left out: the accessors of optional values report it, so that a
 * default applies only where the key is absent.
 */
public final class Node {
    private final JsonNode json;
    private final String file;
    private final String path;
    private final Problems problems;

    private Node(JsonNode json, String file, String path, Problems problems) {
        this.json = json == null ? MissingNode.getInstance() : json;
        this.file = file;
        this.path = path;
        this.problems = problems;
    }

    public static Node root(JsonNode json, String file, Problems problems) {
        return new Node(json, file, "", problems);
    }

    public String path() {
        return path;
    }

    public String file() {
        return file;
    }

    public JsonNode json() {
        return json;
    }

    public Problems problems() {
        return problems;
    }

    /** The last key of the path: the name of a named entry such as an activation. */
    public String key() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    /** Whether there is no value here: the key is absent or its value is null. */
    public boolean isMissing() {
        return json.isMissingNode() || json.isNull();
    }

    /** Whether the key is written with a null value, as opposed to absent. */
    public boolean isNull() {
        return json.isNull();
    }

    /**
     * Whether this optional value is left unset, so that its default applies. Written as null it
     * counts as unset too, and is a problem: the default applies only when the key is removed.
     * {@code defaultText} names the default for that message; null when there is none to name.
     */
    public boolean isUnset(String defaultText) {
        if (json.isNull()) {
            problem("must not be null; " + (defaultText == null ? "give a value or remove the line"
                    : "remove the line to use the default (" + (defaultText.isEmpty() ? "empty" : defaultText) + ")"));
        }
        return isMissing();
    }

    /** Whether the mapping holds {@code key}, even with a null value (which the accessors report). */
    public boolean has(String key) {
        return json.isObject() && json.has(key);
    }

    public Node get(String key) {
        JsonNode child = json.isObject() ? json.get(key) : null;
        return new Node(child, file, childPath(key), problems);
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public void problem(String message) {
        problems.add(file, path, message);
    }

    public void problem(String key, String message) {
        problems.add(file, childPath(key), message);
    }

    /** Records a problem unless this node is a mapping (or absent); returns whether it is one. */
    public boolean expectObject() {
        if (json.isObject()) {
            return true;
        }
        if (json.isNull()) {
            problem("is empty; give its settings or remove it");
        } else if (!isMissing()) {
            problem("must be a mapping of keys to values, got " + describe(json));
        }
        return false;
    }

    /** Records an "unknown key" problem, with a suggestion, for every key not in {@code allowed}. */
    public void allowKeys(Collection<String> allowed) {
        if (!json.isObject()) {
            return;
        }
        json.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key)) {
                String hint = Suggestions.didYouMean(key, allowed);
                if (hint.isEmpty()) {
                    hint = "; allowed keys: " + String.join(", ", allowed);
                }
                problem(key, "unknown key" + hint);
            }
        });
    }

    public void allowKeys(String... allowed) {
        allowKeys(List.of(allowed));
    }

    /** The entries of a mapping in file order; a problem and an empty map for anything else. */
    public Map<String, Node> entries() {
        Map<String, Node> result = new LinkedHashMap<>();
        if (expectObject()) {
            json.fields().forEachRemaining(e -> result.put(e.getKey(), get(e.getKey())));
        }
        return result;
    }

    /** The elements of a list; a problem and an empty list for anything else. */
    public List<Node> elements() {
        List<Node> result = new ArrayList<>();
        if (json.isArray()) {
            for (int i = 0; i < json.size(); i++) {
                result.add(new Node(json.get(i), file, path + "[" + i + "]", problems));
            }
        } else if (!isMissing()) {
            problem("must be a list, got " + describe(json));
        }
        return result;
    }

    /** This node as text; numbers and booleans are taken as written. Null when absent or not scalar. */
    public String asText() {
        if (isMissing()) {
            return null;
        }
        if (!json.isValueNode()) {
            problem("must be a single value, got " + describe(json));
            return null;
        }
        return json.asText();
    }

    /** An optional value as text; {@code defaultValue} when unset (a null is a problem naming it). */
    public String text(String key, String defaultValue) {
        Node child = get(key);
        if (child.isUnset(defaultValue)) {
            return defaultValue;
        }
        String value = child.asText();
        return value == null ? defaultValue : value;
    }

    /** A required, non-blank text; records "required" and returns null when absent. */
    public String requiredText(String key) {
        Node child = get(key);
        if (child.isMissing()) {
            problem(key, "required");
            return null;
        }
        String value = child.asText();
        if (value != null && value.isBlank()) {
            problem(key, "must not be empty");
            return null;
        }
        return value;
    }

    public boolean bool(String key, boolean defaultValue) {
        Node child = get(key);
        if (child.isUnset(String.valueOf(defaultValue))) {
            return defaultValue;
        }
        if (child.json.isBoolean()) {
            return child.json.booleanValue();
        }
        if (child.json.isTextual()) {
            String text = child.json.textValue().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
        }
        child.problem("must be true or false, got " + describe(child.json));
        return defaultValue;
    }

    /** A whole number of at least {@code min}; null when absent or invalid. */
    public Long longAtLeast(String key, long min) {
        Node child = get(key);
        if (child.isUnset(null)) {
            return null;
        }
        Long value = null;
        if (child.json.isIntegralNumber() && child.json.canConvertToLong()) {
            value = child.json.longValue();
        } else if (child.json.isTextual()) {
            try {
                value = Long.parseLong(child.json.textValue().trim().replace("_", ""));
            } catch (NumberFormatException e) {
                value = null;
            }
        }
        if (value == null) {
            child.problem("must be a whole number, got " + describe(child.json));
            return null;
        }
        if (value < min) {
            child.problem("must be at least " + min + ", got " + value);
            return null;
        }
        return value;
    }

    /** One of the constants of an enum, written in lower case; a problem naming them otherwise. */
    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        Node child = get(key);
        if (child.isUnset(defaultValue == null ? null : defaultValue.name().toLowerCase(Locale.ROOT))) {
            return defaultValue;
        }
        String text = child.asText();
        if (text == null) {
            return defaultValue;
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            String name = constant.name().toLowerCase(Locale.ROOT);
            names.add(name);
            if (name.equals(text)) {
                return constant;
            }
        }
        child.problem("must be one of " + String.join(", ", names) + ", got '" + text + "'"
                + Suggestions.didYouMean(text, names));
        return defaultValue;
    }

    /** A list of non-blank texts; a single value is taken as a list of one, and a null as an empty list. */
    public List<String> textList(String key) {
        Node child = get(key);
        List<String> result = new ArrayList<>();
        if (child.isMissing()) {
            return result;
        }
        if (child.json.isValueNode()) {
            String value = child.asText();
            if (value != null && !value.isBlank()) {
                result.add(value);
            } else {
                child.problem("must not be empty");
            }
            return result;
        }
        for (Node element : child.elements()) {
            String value = element.asText();
            if (value == null || value.isBlank()) {
                element.problem("must not be empty");
            } else {
                result.add(value);
            }
        }
        return result;
    }

    /** Applies {@code parser} to the text at {@code key}; a parser's IllegalArgumentException becomes a problem. */
    public <T> Optional<T> parse(String key, Function<String, T> parser) {
        return parse(key, parser, null);
    }

    /**
     * As {@link #parse(String, Function)}, for an optional value whose default {@code defaultText}
     * names (in the problem a null value gives).
     */
    public <T> Optional<T> parse(String key, Function<String, T> parser, String defaultText) {
        Node child = get(key);
        if (child.isUnset(defaultText)) {
            return Optional.empty();
        }
        String text = child.asText();
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(parser.apply(text));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            child.problem(e.getMessage());
            return Optional.empty();
        }
    }

    /** A short description of a YAML value for messages: its type and, for scalars, the value. */
    public static String describe(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "nothing";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        String text = value.asText();
        if (text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        return "'" + text + "'";
    }
}
