package dev.sluice.plan;

/** A run that exports everything, or only what changed since the last successful run. */
public enum RunKind { FULL, DELTA }
