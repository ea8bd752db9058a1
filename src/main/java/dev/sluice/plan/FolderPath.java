package dev.sluice.plan;

import java.nio.charset.StandardCharsets;

/** The folder objects go under: normalised and checked as the specification requires. */
public final class FolderPath {
    private FolderPath() {}

    /**
     * Drops leading and trailing {@code /}; rejects empty, {@code .} and {@code ..} segments, CR/LF
     * and other control characters, unpaired surrogates, Sluice's own names, segments over 255 and
     * paths over 1024 UTF-8 bytes (see {@link NameText}). Returns "" for the bucket root.
     */
    public static String normalise(String folder) {
        if (folder == null) {
            return "";
        }
        String trimmed = folder;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.indexOf('\n') >= 0 || trimmed.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("must not contain a line break");
        }
        String invalid = NameText.whyInvalid(trimmed);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        if (trimmed.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new IllegalArgumentException("is longer than 1024 bytes in UTF-8");
        }
        if (trimmed.isEmpty()) {
            return "";
        }
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("has an empty segment ('//') in '" + folder + "'");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("must not contain '" + segment + "' segments, got '" + folder + "'");
            }
            String why = NameText.whyInvalidSegment(segment);
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
        }
        return trimmed;
    }
}
