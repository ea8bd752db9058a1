package dev.sluice.format;

/**
 * {@code max_file_size} and {@code max_rows_per_file}; either may be null. When either is set,
 * every file of the output is a numbered part.
 */
public record SplitLimits(Long maxBytes, Long maxRows) {
    public static final SplitLimits NONE = new SplitLimits(null, null);

    public SplitLimits {
        if (maxBytes != null && maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (maxRows != null && maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be positive, got " + maxRows);
        }
    }

    public boolean splits() {
        return maxBytes != null || maxRows != null;
    }

    /** The name of part {@code index} (1-based) of {@code baseName}: {@code name-00001.ext}. */
    public static String partName(String baseName, int index, String extension) {
        return baseName + "-" + String.format("%05d", index) + extension;
    }
}
