package dev.sluice.destination;

import dev.sluice.config.Node;
import java.nio.file.Path;

/** A folder on disk that behaves like a bucket; relative paths are relative to the workspace file. */
public record LocalDestinationConfig(String name, Path path) implements DestinationConfig {

    static LocalDestinationConfig parse(String name, Node node, Path baseDir) {
        node.allowKeys("type", "path");
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
    public String describe() {
        return "the folder " + path;
    }
}
