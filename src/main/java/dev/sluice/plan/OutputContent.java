package dev.sluice.plan;

/** Which rows an output holds. */
public enum OutputContent {
    /** Every row read in this run. */
    ALL,
    /** Rows whose key is new. */
    ADDED,
    /** Rows whose key is known and some exported value changed. */
    UPDATED,
    /** Added and updated rows together. */
    ADDED_OR_UPDATED,
    /** Rows of the previous snapshot whose key is gone, with their last exported values. */
    REMOVED,
    /** Rows whose key was not in the previous snapshot: {@code _added} of a full difference run that has one. */
    NEW_KEYS,
    /**
     * Every row whose key was in the previous snapshot, changed or not: {@code _updated} of a full
     * difference run that has one (the consumer replaces those rows).
     */
    KEPT_KEYS,
    /** No rows: the empty {@code _updated} and {@code _removed} files of a first difference run. */
    NOTHING
}
