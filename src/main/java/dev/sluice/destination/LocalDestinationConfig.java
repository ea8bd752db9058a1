package dev.sluice.destination;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.nio.file.Path;
import java.util.List;

/** A folder on disk that behaves like a bucket; relative paths are relative to the workspace file. */
public record LocalDestinationConfig(String name, Path path) implements DestinationConfig {

    /** The settings of a local destination. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.typeKey("destination", null),
            SettingSpec.text("path").asRequired().in("local", 1).help("the folder (relative to the workspace file); created when missing"));

    static LocalDestinationConfig parse(String name, Node node, Path baseDir) {
        node.allowKeys(SettingSpec.keys(SETTINGS));
        String text = node.requiredText("path");
        return new LocalDestinationConfig(name, text == null ? baseDir : baseDir.resolve(text).normalize());
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public Destination open() {
        return new LocalDestination(name, path);
    }

    @Override
    public String lineageNamespace() {
        return "file://" + path.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "the folder " + path;
    }
}
