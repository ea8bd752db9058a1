package dev.sluice.plan;

/** One output of a run: the suffix of its file names ({@code _added} …, or none) and what it holds. */
public record PlannedOutput(String suffix, OutputContent content) {}
