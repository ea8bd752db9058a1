package dev.sluice.source.filter;

/** A segment's filter: a group of filters or a single condition. */
public sealed interface Filter permits FilterGroup, Condition {
    /** The key path of this filter in the workspace, for messages. */
    String path();
}
