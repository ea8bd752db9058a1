package dev.sluice.plan;

/** Whether later runs export everything again or only the changes since the last successful run. */
public enum RunType { FULL_ONLY, FULL_THEN_DELTA }
