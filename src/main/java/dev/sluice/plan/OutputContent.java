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
    /** No rows: the empty {@code _updated} and {@code _removed} files of a first difference run. */
    NOTHING
}
