package dev.sluice.destination;

import dev.sluice.workspace.Node;
import dev.sluice.workspace.Suggestions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The built-in destination types, in one place. */
public enum DestinationTypes {
    GCS {
        @Override
        DestinationConfig parse(String name, Node node, Path baseDir) {
            return GcsDestinationConfig.parse(name, node, baseDir);
        }
    },
    LOCAL {
        @Override
        DestinationConfig parse(String name, Node node, Path baseDir) {
            return LocalDestinationConfig.parse(name, node, baseDir);
        }
    };

    abstract DestinationConfig parse(String name, Node node, Path baseDir);

    public String typeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> typeNames() {
        return Arrays.stream(values()).map(DestinationTypes::typeName).toList();
    }

    /** Parses a destination entry; {@code type} is required. Null when it cannot be used. */
    public static DestinationConfig parseDestination(String name, Node node, Path baseDir) {
        if (!node.expectObject()) {
            return null;
        }
        String type = node.requiredText("type");
        if (type == null) {
            return null;
        }
        for (DestinationTypes candidate : values()) {
            if (candidate.typeName().equals(type)) {
                return candidate.parse(name, node, baseDir);
            }
        }
        node.problem("type", "unknown destination type '" + type + "'" + Suggestions.didYouMean(type, typeNames())
                + "; types: " + String.join(", ", typeNames()));
        return null;
    }
}
