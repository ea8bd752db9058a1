package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * The activations saved through the API: one YAML file per activation, {@code FOLDER/NAME.yaml},
 * holding {@code activations: {NAME: {...}}}, as {@link SavedFiles} writes them.
 */
public final class ActivationFiles extends SavedFiles {
    public ActivationFiles(Path folder) {
        super(folder, "activations");
    }

    /** The tree of the file for activation {@code name} with {@code settings}. */
    public static ObjectNode tree(String name, JsonNode settings) {
        return new ActivationFiles(Path.of(".")).treeOf(name, settings);
    }
}
