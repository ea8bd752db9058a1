package dev.sluice.source.filter;

import java.util.Objects;

/** A model narrowed by a filter; {@code file} is the workspace file it was read from (null when not read from one). */
public record Segment(String name, String model, Filter filter, String file) {
    public Segment {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(filter, "filter is null");
    }

    public Segment(String name, String model, Filter filter) {
        this(name, model, filter, null);
    }
}
