package dev.sluice.destination;

import dev.sluice.config.Node;
import dev.sluice.config.Registry;
import java.nio.file.Path;
import java.util.List;

/** The built-in destination types, in one place. */
public final class DestinationTypes {
    public static final Registry<DestinationConfig> REGISTRY = Registry.<DestinationConfig>builder("destination type", "types")
            .add("gcs", GcsDestinationConfig::parse, GcsDestinationConfig.SETTINGS)
            .add("local", LocalDestinationConfig::parse, LocalDestinationConfig.SETTINGS)
            .build();

    private DestinationTypes() {}

    public static List<String> typeNames() {
        return REGISTRY.names();
    }

    /** Parses a destination entry; {@code type} is required. Null when it cannot be used. */
    public static DestinationConfig parseDestination(String name, Node node, Path baseDir) {
        if (!node.expectObject()) {
            return null;
        }
        String type = node.requiredText("type");
        return type == null ? null : REGISTRY.parse(type, node.get("type"), name, node, baseDir);
    }
}
