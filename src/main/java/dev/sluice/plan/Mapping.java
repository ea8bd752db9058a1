package dev.sluice.plan;

import java.util.Objects;

/** One exported attribute: the model column {@code from}, written under the name {@code to}. */
public record Mapping(String from, String to) {
    public Mapping {
        Objects.requireNonNull(from, "from is null");
        Objects.requireNonNull(to, "to is null");
    }
}
