package dev.sluice.workspace;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.config.Problems;
import dev.sluice.config.Suggestions;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.destination.DestinationTypes;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.NotifierTypes;
import dev.sluice.source.Model;
import dev.sluice.source.Source;
import dev.sluice.source.types.SourceTypes;
import dev.sluice.source.filter.Filter;
import dev.sluice.source.filter.FilterParser;
import dev.sluice.source.filter.Segment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the interpolated YAML trees of a workspace (its main file and included files) into a
 * {@link Workspace}, recording every problem instead of stopping at the first.
 */
final class WorkspaceParser {
    static final List<String> ROOT_KEYS = List.of("sources", "models", "segments", "destinations", "notifications", "activations",
            "include", "hooks", "lineage");
    /** Names become file and folder names: keep them to a safe alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");
    /** The source used by models that name none when the workspace declares no source. */
    static final String DEFAULT_SOURCE = "default";

    private final Path baseDir;
    private final Problems problems;
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, Model> models = new LinkedHashMap<>();
    private final Map<String, Segment> segments = new LinkedHashMap<>();
    private final Map<String, DestinationConfig> destinations = new LinkedHashMap<>();
    private final Map<String, Activation> activations = new LinkedHashMap<>();
    private final Map<String, Notifier> notifications = new LinkedHashMap<>();
    private final Map<String, Hook> hooks = new LinkedHashMap<>();
    private final Map<String, Node> hookNodes = new LinkedHashMap<>();
    private LineageConfig lineage;
    private final Set<String> notificationNames = new LinkedHashSet<>();
    /** Names seen in each section, including entries too broken to keep, so references to them are not reported twice. */
    private final Set<String> modelNames = new LinkedHashSet<>();
    private final Set<String> segmentNames = new LinkedHashSet<>();
    private final Set<String> destinationNames = new LinkedHashSet<>();
    private final Set<String> sourceNames = new LinkedHashSet<>();
    private final Set<String> activationNames = new LinkedHashSet<>();
    /** Every activation entry with a valid name, even one too broken to keep, so that its references are checked too. */
    private final Map<String, Node> activationNodes = new LinkedHashMap<>();

    WorkspaceParser(Path baseDir, Problems problems) {
        this.baseDir = baseDir;
        this.problems = problems;
    }

    void parseMain(Node root) {
        if (!root.json().isObject()) {
            root.problem("the workspace must be a YAML mapping with keys " + String.join(", ", ROOT_KEYS)
                    + ", got " + Node.describe(root.json()));
            return;
        }
        root.allowKeys(ROOT_KEYS);
        for (Map.Entry<String, Node> e : named(root.get("sources"), sourceNames).entrySet()) {
            Source source = SourceTypes.parseSource(e.getKey(), e.getValue(), baseDir);
            if (source != null) {
                sources.put(e.getKey(), source);
            }
        }
        for (Map.Entry<String, Node> e : named(root.get("models"), modelNames).entrySet()) {
            parseModel(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Node> e : named(root.get("segments"), segmentNames).entrySet()) {
            parseSegment(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Node> e : named(root.get("destinations"), destinationNames).entrySet()) {
            DestinationConfig destination = DestinationTypes.parseDestination(e.getKey(), e.getValue(), baseDir);
            if (destination != null) {
                destinations.put(e.getKey(), destination);
            }
        }
        for (Map.Entry<String, Node> e : named(root.get("notifications"), notificationNames).entrySet()) {
            Notifier notifier = NotifierTypes.parseNotifier(e.getKey(), e.getValue(), baseDir);
            if (notifier != null) {
                notifications.put(e.getKey(), notifier);
            }
        }
        parseActivations(root);
        for (Map.Entry<String, Node> e : entries(root.get("hooks")).entrySet()) {
            if (checkName(e.getValue(), e.getKey())) {
                Hook hook = Hook.parse(e.getKey(), e.getValue());
                if (hook != null) {
                    hooks.put(e.getKey(), hook);
                    hookNodes.put(e.getKey(), e.getValue());
                }
            }
        }
        lineage = LineageConfig.parse(root.get("lineage"));
    }

    /** An included file: it may hold only {@code segments} and {@code activations}. */
    void parseIncluded(Node root) {
        if (!root.json().isObject()) {
            root.problem("an included file must be a YAML mapping with the keys activations and segments, got "
                    + Node.describe(root.json()));
            return;
        }
        root.allowKeys("activations", "segments");
        for (Map.Entry<String, Node> e : entries(root.get("segments")).entrySet()) {
            String name = e.getKey();
            if (segmentNames.contains(name)) {
                Segment first = segments.get(name);
                e.getValue().problem("segment '" + name + "' is defined more than once"
                        + (first == null || first.file() == null ? "" : ", first in " + first.file())
                        + "; segment names must be unique across the workspace and its included files");
                continue;
            }
            segmentNames.add(name);
            if (checkName(e.getValue(), name)) {
                parseSegment(name, e.getValue());
            }
        }
        parseActivations(root);
    }

    private void parseActivations(Node root) {
        for (Map.Entry<String, Node> e : entries(root.get("activations")).entrySet()) {
            String name = e.getKey();
            if (!activationNames.add(name)) {
                Node first = activationNodes.get(name);
                e.getValue().problem("activation '" + name + "' is defined more than once"
                        + (first == null ? "" : ", first in " + first.file())
                        + "; activation names must be unique across the workspace and its included files");
                continue;
            }
            if (!checkName(e.getValue(), name)) {
                continue;
            }
            activationNodes.put(name, e.getValue());
            Activation activation = ActivationParser.parse(name, e.getValue(), baseDir);
            if (activation != null) {
                activations.put(name, activation);
            }
        }
    }

    /** The entries of a section; a section written with nothing under it (all commented out) is empty. */
    private static Map<String, Node> entries(Node section) {
        return section.isNull() ? Map.of() : section.entries();
    }

    private Map<String, Node> named(Node section, Set<String> names) {
        Map<String, Node> result = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : entries(section).entrySet()) {
            names.add(e.getKey());
            if (checkName(e.getValue(), e.getKey())) {
                result.put(e.getKey(), e.getValue());
            }
        }
        return result;
    }

    private static boolean checkName(Node node, String name) {
        if (!NAME.matcher(name).matches()) {
            node.problem("'" + name + "' is not a valid name: use letters, digits, _ . - (at most 100, not starting with . or -)");
            return false;
        }
        return true;
    }

    private void parseModel(String name, Node node) {
        if (!node.expectObject()) {
            return;
        }
        node.allowKeys(SettingSpec.keys(EntrySettings.MODEL));
        String sql = node.requiredText("sql");
        List<String> primaryKey = node.textList("primary_key");
        if (!node.has("primary_key")) {
            node.problem("primary_key", "required: the column or columns that identify a row, e.g. [customer_id]");
        } else if (primaryKey.isEmpty() && !node.problems().touches(node.path() + ".primary_key")) {
            node.problem("primary_key", "must name at least one column");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String column : primaryKey) {
            if (!seen.add(column)) {
                node.problem("primary_key", "column '" + column + "' is listed twice");
            }
        }
        String source = node.text("source", null);
        if (source == null) {
            source = defaultSource(node);
        } else if (!sourceNames.contains(source)) {
            node.problem("source", "unknown source '" + source + "'" + Suggestions.didYouMean(source, sourceNames)
                    + known("sources", sourceNames));
            source = null;
        }
        if (sql != null && source != null && !primaryKey.isEmpty()) {
            models.put(name, new Model(name, source, sql, List.copyOf(seen)));
        }
    }

    private String defaultSource(Node node) {
        if (sourceNames.isEmpty()) {
            sources.putIfAbsent(DEFAULT_SOURCE, SourceTypes.defaultSource(DEFAULT_SOURCE, baseDir));
            return DEFAULT_SOURCE;
        }
        if (sourceNames.size() == 1) {
            return sourceNames.iterator().next();
        }
        node.problem("source", "required: the workspace has several sources (" + String.join(", ", sourceNames) + ")");
        return null;
    }

    private void parseSegment(String name, Node node) {
        if (!node.expectObject()) {
            return;
        }
        node.allowKeys(SettingSpec.keys(EntrySettings.SEGMENT));
        if (modelNames.contains(name)) {
            node.problem("the name '" + name + "' is already used by a model; models and segments need distinct names");
        }
        String model = node.requiredText("model");
        if (model != null && !modelNames.contains(model)) {
            node.problem("model", "unknown model '" + model + "'" + Suggestions.didYouMean(model, modelNames)
                    + (segmentNames.contains(model) ? " (a segment is built on a model, not on another segment)" : "")
                    + known("models", modelNames));
            model = null;
        }
        Filter filter = FilterParser.parse(node.get("filter"));
        if (model != null && filter != null) {
            segments.put(name, new Segment(name, model, filter, node.file()));
        }
    }

    /**
     * Checks what activations refer to, once every file has been read: every activation entry,
     * including those with other problems, so that all problems are reported at once.
     */
    void checkReferences() {
        for (Map.Entry<String, Node> entry : activationNodes.entrySet()) {
            Node node = entry.getValue();
            // Read again without reporting: what is wrong with these values themselves is reported by ActivationParser.
            String model = node.get("model").asText();
            String segment = node.get("segment").asText();
            String destination = node.get("destination").asText();
            boolean ok = true;
            if (model != null && !modelNames.contains(model)) {
                node.problem("model", "unknown model '" + model + "'"
                        + Suggestions.didYouMean(model, modelNames)
                        + (segmentNames.contains(model) ? " ('" + model + "' is a segment: write segment: " + model + ")" : "")
                        + known("models", modelNames));
                ok = false;
            }
            if (segment != null && !segmentNames.contains(segment)) {
                node.problem("segment", "unknown segment '" + segment + "'"
                        + Suggestions.didYouMean(segment, segmentNames)
                        + (modelNames.contains(segment) ? " ('" + segment + "' is a model: write model: " + segment + ")" : "")
                        + known("segments", segmentNames));
                ok = false;
            }
            if (destination != null && !destinationNames.contains(destination)) {
                node.problem("destination", "unknown destination '" + destination + "'"
                        + Suggestions.didYouMean(destination, destinationNames)
                        + known("destinations", destinationNames));
                ok = false;
            }
            Node notify = node.get("notify");
            if (notify.json().isArray()) {
                for (Node element : notify.elements()) {
                    String name = element.asText();
                    if (name != null && !name.isBlank() && !notificationNames.contains(name)) {
                        element.problem("unknown notification '" + name + "'" + Suggestions.didYouMean(name, notificationNames)
                                + known("notifications", notificationNames));
                        ok = false;
                    }
                }
            } else if (notify.json().isTextual() && !notificationNames.contains(notify.json().textValue())) {
                String name = notify.json().textValue();
                notify.problem("unknown notification '" + name + "'" + Suggestions.didYouMean(name, notificationNames)
                        + known("notifications", notificationNames));
                ok = false;
            }
            for (Node element : listed(node.get("after"))) {
                String name = element.asText();
                if (name != null && !name.isBlank() && !activationNames.contains(name)) {
                    element.problem("unknown activation '" + name + "'" + Suggestions.didYouMean(name, activationNames)
                            + known("activations", activationNames));
                    ok = false;
                }
            }
            Activation parsed = activations.get(entry.getKey());
            if (ok && parsed != null && parsed.state() == Activation.StateLocation.SOURCE) {
                Segment viaSegment = segments.get(parsed.target());
                Model target = models.get(viaSegment != null ? viaSegment.model() : parsed.target());
                Source source = target == null ? null : sources.get(target.source());
                if (source != null && source.warehouseState().isEmpty()) {
                    node.problem("state", "the source '" + source.name() + "' (" + source.type() + ") cannot keep state: "
                            + "state: source needs a postgres source; remove the line to keep the state in the engine");
                    ok = false;
                }
            }
            if (ok && parsed != null && parsed.guards().limits().containsKey(dev.sluice.plan.Guards.MAX_BYTES_BILLED)) {
                Segment viaSegment = segments.get(parsed.target());
                Model target = models.get(viaSegment != null ? viaSegment.model() : parsed.target());
                Source source = target == null ? null : sources.get(target.source());
                if (source != null && !source.billsBytes()) {
                    node.get("guards").problem(dev.sluice.plan.Guards.MAX_BYTES_BILLED, "applies to sources that bill by bytes "
                            + "processed (bigquery); the source '" + source.name() + "' (" + source.type() + ") bills nothing per run: "
                            + "remove the line");
                    ok = false;
                }
            }
            if (!ok) {
                activations.remove(entry.getKey());
            }
        }
        checkCycles();
        ObjectNames.checkClashes(activations, destinations, activationNodes);
        for (Hook hook : List.copyOf(hooks.values())) {
            for (String name : hook.activations()) {
                if (!activationNames.contains(name)) {
                    hookNodes.get(hook.name()).problem("activations", "no activation named '" + name + "'"
                            + Suggestions.didYouMean(name, activationNames) + known("activations", activationNames));
                    hooks.remove(hook.name());
                }
            }
        }
    }

    /** The elements of a list setting, or the setting itself when it is a single value. */
    private static List<Node> listed(Node node) {
        if (node.json() == null || node.json().isNull()) {
            return List.of();
        }
        return node.json().isArray() ? node.elements() : node.json().isValueNode() ? List.of(node) : List.of();
    }

    /** Each cycle of {@code after} settings, reported once at its first activation; its members are not kept. */
    private void checkCycles() {
        Map<String, List<String>> upstream = new LinkedHashMap<>();
        activationNodes.forEach((name, node) -> upstream.put(name,
                listed(node.get("after")).stream().map(Node::asText).filter(n -> n != null && !n.isBlank()).toList()));
        for (List<String> cycle : Chains.cycles(upstream)) {
            activationNodes.get(cycle.get(0)).problem("after", "the activations run after each other in a cycle: "
                    + String.join(" -> ", cycle) + " (each runs after the next); remove one of these names from an after list");
            cycle.forEach(activations::remove);
        }
    }

    private static String known(String what, Set<String> names) {
        return names.isEmpty() ? "; the workspace defines no " + what : "; known " + what + ": " + String.join(", ", names);
    }

    Workspace build(Path file) {
        return new Workspace(file, sources, models, segments, destinations, activations, notifications, List.of(), hooks, lineage);
    }

    /**
     * The entries without a problem whose every reference has none either: what can be checked
     * against the sources without reporting a problem twice.
     */
    Workspace buildValidPart(Path file) {
        Map<String, Source> validSources = new LinkedHashMap<>(sources);
        validSources.keySet().removeIf(name -> problems.touches("sources." + name));
        Map<String, Model> validModels = new LinkedHashMap<>(models);
        validModels.values().removeIf(m -> problems.touches("models." + m.name()) || !validSources.containsKey(m.source()));
        Map<String, Segment> validSegments = new LinkedHashMap<>(segments);
        validSegments.values().removeIf(s -> problems.touches("segments." + s.name()) || !validModels.containsKey(s.model()));
        Map<String, Activation> validActivations = new LinkedHashMap<>(activations);
        validActivations.values().removeIf(a -> !destinations.containsKey(a.destination())
                || !validModels.containsKey(a.target()) && !validSegments.containsKey(a.target()));
        return new Workspace(file, validSources, validModels, validSegments, destinations, validActivations);
    }
}
