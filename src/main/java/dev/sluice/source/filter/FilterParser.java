package dev.sluice.source.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.DurationText;
import dev.sluice.config.Node;
import dev.sluice.config.Suggestions;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a segment's {@code filter} tree, checking its shape (not yet the attributes' types). */
public final class FilterParser {
    private static final List<String> OPERATORS = Arrays.stream(Operator.values()).map(Operator::keyword).toList();

    private FilterParser() {}

    /** Returns the filter, or null when it is too broken to use (problems recorded). */
    public static Filter parse(Node node) {
        if (node.isMissing()) {
            node.problem("required: a condition {attribute, op, value} or a group {all: [...]} / {any: [...]}");
            return null;
        }
        if (!node.expectObject()) {
            return null;
        }
        boolean all = node.has("all");
        boolean any = node.has("any");
        if (all || any) {
            node.allowKeys("all", "any");
            if (all && any) {
                node.problem("has both all and any; nest one group inside the other");
                return null;
            }
            String key = all ? "all" : "any";
            List<Filter> children = new ArrayList<>();
            List<Node> elements = node.get(key).elements();
            if (elements.isEmpty() && (node.get(key).json().isArray() || node.get(key).isNull())) {
                node.problem(key, "must hold at least one condition or group");
            }
            boolean broken = false;
            for (Node element : elements) {
                Filter child = parse(element);
                broken |= child == null;
                if (child != null) {
                    children.add(child);
                }
            }
            if (broken || children.isEmpty()) {
                return null;
            }
            return new FilterGroup(all ? FilterGroup.Combinator.ALL : FilterGroup.Combinator.ANY, children, node.path());
        }
        return condition(node);
    }

    private static Condition condition(Node node) {
        node.allowKeys("attribute", "op", "value");
        String attribute = node.requiredText("attribute");
        String opText = node.requiredText("op");
        if (opText == null) {
            return null;
        }
        Operator op = OPERATORS.contains(opText) ? Operator.valueOf(opText.toUpperCase(java.util.Locale.ROOT)) : null;
        if (op == null) {
            node.problem("op", "unknown operator '" + opText + "'" + Suggestions.didYouMean(opText, OPERATORS)
                    + "; operators: " + String.join(" ", OPERATORS));
            return null;
        }
        Node value = node.get("value");
        List<Object> values = new ArrayList<>();
        Duration window = null;
        switch (op.shape()) {
            case NONE -> {
                if (!value.json().isMissingNode()) {
                    value.problem(op.keyword() + " takes no value; remove it");
                    return null;
                }
            }
            case ONE -> {
                if (value.json().isMissingNode()) {
                    value.problem("required for " + op.keyword()
                            + (op == Operator.EQ || op == Operator.NEQ ? " (to match missing values use is_null or is_not_null)" : ""));
                    return null;
                }
                Object scalar = scalar(value);
                if (scalar == null) {
                    return null;
                }
                values.add(scalar);
            }
            case LIST, PAIR -> {
                if (!value.json().isArray()) {
                    value.problem(op == Operator.BETWEEN
                            ? "between takes a list of two values [low, high], got " + Node.describe(value.json())
                            : op.keyword() + " takes a list of values, got " + Node.describe(value.json()));
                    return null;
                }
                List<Node> elements = value.elements();
                if (op == Operator.BETWEEN && elements.size() != 2) {
                    value.problem("between takes exactly two values [low, high], got " + elements.size());
                    return null;
                }
                if (elements.isEmpty()) {
                    value.problem(op.keyword() + " needs at least one value");
                    return null;
                }
                for (Node element : elements) {
                    Object scalar = scalar(element);
                    if (scalar == null) {
                        return null;
                    }
                    values.add(scalar);
                }
            }
            case DURATION -> {
                if (value.isMissing()) {
                    value.problem("required for within_last, e.g. 30d");
                    return null;
                }
                window = node.parse("value", DurationText::parse).orElse(null);
                if (window == null) {
                    return null;
                }
            }
        }
        return attribute == null ? null : new Condition(attribute, op, values, window, node.path());
    }

    private static Object scalar(Node node) {
        JsonNode json = node.json();
        if (json.isNull() || json.isMissingNode()) {
            node.problem("must not be null; use is_null or is_not_null to match missing values");
            return null;
        }
        if (json.isTextual()) {
            return json.textValue();
        }
        if (json.isBoolean()) {
            return json.booleanValue();
        }
        if (json.isIntegralNumber() && json.canConvertToLong()) {
            return json.longValue();
        }
        if (json.isNumber()) {
            return new BigDecimal(json.asText());
        }
        node.problem("must be a single value (text, number or boolean), got " + Node.describe(json));
        return null;
    }
}
