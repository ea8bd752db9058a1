package dev.sluice.workspace;

import dev.sluice.config.Suggestions;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.error.SluiceException;
import dev.sluice.notify.Notifier;
import dev.sluice.source.Model;
import dev.sluice.source.Source;
import dev.sluice.source.filter.Segment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A valid workspace: every entry parsed and cross-checked. Maps keep file order. */
public record Workspace(
        Path file,
        Map<String, Source> sources,
        Map<String, Model> models,
        Map<String, Segment> segments,
        Map<String, DestinationConfig> destinations,
        Map<String, Activation> activations,
        Map<String, Notifier> notifications,
        List<UnsetVariable> unset,
        Map<String, Hook> hooks,
        LineageConfig lineage) {

    public Workspace {
        sources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sources));
        models = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
        segments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(segments));
        destinations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(destinations));
        activations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(activations));
        notifications = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(notifications));
        unset = List.copyOf(unset);
        hooks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hooks == null ? Map.of() : hooks));
    }

    /** A workspace without hooks and lineage. */
    public Workspace(Path file, Map<String, Source> sources, Map<String, Model> models, Map<String, Segment> segments,
            Map<String, DestinationConfig> destinations, Map<String, Activation> activations, Map<String, Notifier> notifications,
            List<UnsetVariable> unset) {
        this(file, sources, models, segments, destinations, activations, notifications, unset, Map.of(), null);
    }

    /** A workspace whose every {@code ${VAR}} is set. */
    public Workspace(Path file, Map<String, Source> sources, Map<String, Model> models, Map<String, Segment> segments,
            Map<String, DestinationConfig> destinations, Map<String, Activation> activations, Map<String, Notifier> notifications) {
        this(file, sources, models, segments, destinations, activations, notifications, List.of());
    }

    /** This workspace, knowing that these references were not set when it was read. */
    public Workspace withUnset(List<UnsetVariable> references) {
        return new Workspace(file, sources, models, segments, destinations, activations, notifications, references, hooks, lineage);
    }

    /**
     * Refuses (a user error) when a setting under one of {@code prefixes} (key paths such as
     * {@code destinations.bucket}) refers to an unset environment variable: names the setting, the
     * variable and {@code purpose}.
     */
    public void requireSet(String purpose, java.util.Collection<String> prefixes) {
        for (UnsetVariable reference : unset) {
            if (prefixes.stream().anyMatch(reference::within) || !section(reference.path())) {
                throw SluiceException.user(reference.path() + ": environment variable " + reference.variable() + " is not set ("
                        + (reference.file() == null ? "" : "in " + reference.file() + ", ") + "needed to " + purpose
                        + "); set it, or write the value in the file");
            }
        }
    }

    /** Whether {@code path} is inside an entry of one of the named sections, which only the commands that use it need. */
    private static boolean section(String path) {
        return java.util.stream.Stream.of("sources.", "models.", "segments.", "destinations.", "activations.", "notifications.")
                .anyMatch(path::startsWith);
    }

    /** The key paths of everything a run of {@code activation} uses: it, its model or segment, source, destination and notifications. */
    public List<String> needsOf(Activation activation) {
        List<String> needs = new ArrayList<>(List.of("activations." + activation.name(), "destinations." + activation.destination()));
        needs.addAll(needsOfTarget(activation.target()));
        if (activation.notifications() == null) {
            needs.add("notifications");
        } else {
            activation.notifications().forEach(n -> needs.add("notifications." + n));
        }
        return needs;
    }

    /** The key paths of what reading a model or segment uses: it, its model and its source. */
    public List<String> needsOfTarget(String target) {
        List<String> needs = new ArrayList<>();
        if (segments.containsKey(target)) {
            needs.add("segments." + target);
        }
        Model model = modelOf(target);
        if (model != null) {
            needs.add("models." + model.name());
            needs.add("sources." + model.source());
        }
        return needs;
    }

    /** A workspace without notifications. */
    public Workspace(Path file, Map<String, Source> sources, Map<String, Model> models, Map<String, Segment> segments,
            Map<String, DestinationConfig> destinations, Map<String, Activation> activations) {
        this(file, sources, models, segments, destinations, activations, Map.of());
    }

    /** The notifications that apply to {@code activation}: those it names in {@code notify}, or all when it names none. */
    public List<Notifier> notificationsOf(Activation activation) {
        if (activation.notifications() == null) {
            return List.copyOf(notifications.values());
        }
        return activation.notifications().stream().map(notifications::get).filter(java.util.Objects::nonNull).toList();
    }

    /** The notification named {@code name}; a user error naming the known ones when there is none. */
    public Notifier notification(String name) {
        Notifier notifier = notifications.get(name);
        if (notifier == null) {
            throw SluiceException.user("no notification named '" + name + "'"
                    + Suggestions.didYouMean(name, notifications.keySet())
                    + (notifications.isEmpty() ? "; the workspace defines none" : "; known: " + String.join(", ", notifications.keySet())));
        }
        return notifier;
    }

    /** The folder relative paths in the workspace are resolved against. */
    public Path baseDir() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** The model behind a model or segment name. */
    public Model modelOf(String modelOrSegment) {
        Segment segment = segments.get(modelOrSegment);
        return models.get(segment != null ? segment.model() : modelOrSegment);
    }

    public Source sourceOf(Model model) {
        return sources.get(model.source());
    }

    /** A user error naming the known models and segments when {@code name} is neither. */
    public void requireTarget(String name) {
        if (!models.containsKey(name) && !segments.containsKey(name)) {
            List<String> known = new ArrayList<>(models.keySet());
            known.addAll(segments.keySet());
            throw SluiceException.user("no model or segment named '" + name + "'"
                    + Suggestions.didYouMean(name, known)
                    + (known.isEmpty() ? "; the workspace defines none" : "; known: " + String.join(", ", known)));
        }
    }

    public Activation activation(String name) {
        Activation activation = activations.get(name);
        if (activation == null) {
            throw SluiceException.user("no activation named '" + name + "'"
                    + Suggestions.didYouMean(name, activations.keySet())
                    + (activations.isEmpty() ? "; the workspace defines none" : "; known: " + String.join(", ", activations.keySet())));
        }
        return activation;
    }
}
