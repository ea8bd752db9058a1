package dev.sluice.format;

import java.nio.file.Path;

/** A local file a writer produced: where it is, its file name, how many rows and bytes it holds. */
public record WrittenFile(Path path, String fileName, long rows, long bytes) {}
