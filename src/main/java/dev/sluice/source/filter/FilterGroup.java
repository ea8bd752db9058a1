package dev.sluice.source.filter;

import java.util.List;

/** {@code all: [...]} (every child holds) or {@code any: [...]} (at least one holds). */
public record FilterGroup(Combinator combinator, List<Filter> children, String path) implements Filter {
    public enum Combinator { ALL, ANY }

    public FilterGroup {
        children = List.copyOf(children);
    }
}
