package dev.sluice.config;


import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in implementations of one pluggable part (sources, destinations, formats), by the
 * {@code type} name a workspace gives them. Each plug-in package lists its own in one place
 * ({@code SourceTypes}, {@code DestinationTypes}, {@code FileFormats}); they all share this shape.
 *
 * @param <T> what an entry's settings parse into
 */
public final class Registry<T> {
    /** Parses the settings of one entry of a type; records problems on {@code node} and returns null when unusable. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String name, Node node, Path baseDir);
    }

    private final String kind;
    private final String listLabel;
    private final Map<String, Parser<T>> parsers;
    private final Map<String, List<SettingSpec>> settings;
    private final List<String> names;

    private Registry(String kind, String listLabel, Map<String, Parser<T>> parsers, Map<String, List<SettingSpec>> settings) {
        this.kind = kind;
        this.listLabel = listLabel;
        this.parsers = Map.copyOf(parsers);
        this.settings = Map.copyOf(settings);
        this.names = List.copyOf(parsers.keySet());
    }

    /**
     * A registry whose messages say "unknown {@code kind} 'x'; {@code listLabel}: a, b".
     * Entries keep the order they are added in.
     */
    public static <T> Builder<T> builder(String kind, String listLabel) {
        return new Builder<>(kind, listLabel);
    }

    /** The type names, in the order they were registered. */
    public List<String> names() {
        return names;
    }

    /**
     * The settings an entry of {@code type} takes, in the order a form shows them: described by the
     * type's own class, which also takes its accepted keys from them.
     */
    public List<SettingSpec> settings(String type) {
        List<SettingSpec> found = settings.get(type);
        if (found == null) {
            throw new IllegalArgumentException("unknown " + kind + " '" + type + "'");
        }
        return found;
    }

    /**
     * Parses {@code node} as an entry of {@code type}; an unknown type is a problem recorded on
     * {@code typeNode} (with a suggestion and the list of types), and gives null.
     */
    public T parse(String type, Node typeNode, String name, Node node, Path baseDir) {
        Parser<T> parser = parsers.get(type);
        if (parser == null) {
            typeNode.problem("unknown " + kind + " '" + type + "'" + Suggestions.didYouMean(type, names) + "; " + listLabel + ": "
                    + String.join(", ", names));
            return null;
        }
        return parser.parse(name, node, baseDir);
    }

    /** Collects the entries of a registry. */
    public static final class Builder<T> {
        private final String kind;
        private final String listLabel;
        private final Map<String, Parser<T>> parsers = new LinkedHashMap<>();
        private final Map<String, List<SettingSpec>> settings = new LinkedHashMap<>();

        private Builder(String kind, String listLabel) {
            this.kind = kind;
            this.listLabel = listLabel;
        }

        /** Adds a type: how its entries parse, and the settings they take (see {@link SettingSpec}). */
        public Builder<T> add(String type, Parser<T> parser, List<SettingSpec> typeSettings) {
            if (parsers.putIfAbsent(type, parser) != null) {
                throw new IllegalStateException(kind + " '" + type + "' is registered twice");
            }
            settings.put(type, List.copyOf(typeSettings));
            return this;
        }

        public Registry<T> build() {
            return new Registry<>(kind, listLabel, parsers, settings);
        }
    }
}
