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
        Map<String, Notifier> notifications) {

    public Workspace {
        sources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sources));
        models = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
        segments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(segments));
        destinations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(destinations));
        activations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(activations));
        notifications = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(notifications));
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
