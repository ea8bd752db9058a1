package dev.sluice.source.filter;

import java.util.Objects;

/** A model narrowed by a filter. */
public record Segment(String name, String model, Filter filter) {
    public Segment {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(filter, "filter is null");
    }
}
