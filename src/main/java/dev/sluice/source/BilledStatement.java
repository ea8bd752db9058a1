package dev.sluice.source;

/**
 * A statement a run would have its source run and bill, with the bytes the source's dry run says
 * it would process (what BigQuery bills on demand). {@code statement} says what it is in words,
 * e.g. "query of model customers"; it never holds the SQL's values.
 */
public record BilledStatement(String statement, long bytes) {}
