package dev.sluice.plan;

import java.nio.charset.StandardCharsets;

/**
 * What every part of an object name (a folder segment, a file name) must be, as each destination
 * will see it: valid Unicode without control characters, at most 255 UTF-8 bytes (the limit of a
 * name on local file systems), and none of the names Sluice keeps for itself.
 */
public final class NameText {
    /** The longest file or folder name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;
    /** Names Sluice uses for its own objects: the staging folder and the local upload temporary files. */
    static final String STAGING = ".sluice-staging";
    static final String UPLOAD_PREFIX = ".sluice-upload-";

    private NameText() {}

    /** Why {@code text} cannot be (part of) a name, or null when it can. */
    static String whyInvalid(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "must not contain the NUL character";
            }
            if (Character.isISOControl(c)) {
                return "must not contain control characters or line breaks (found U+" + String.format("%04X", (int) c) + ")";
            }
            if (Character.isHighSurrogate(c) && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                return "is not valid Unicode text (an unpaired surrogate at position " + (i + 1) + ")";
            }
        }
        return null;
    }

    /** Why {@code segment} cannot be a name in an object path, or null. */
    static String whyInvalidSegment(String segment) {
        String invalid = whyInvalid(segment);
        if (invalid != null) {
            return invalid;
        }
        if (segment.equals(STAGING) || segment.startsWith(UPLOAD_PREFIX)) {
            return "must not use '" + segment + "': names starting " + STAGING + " and " + UPLOAD_PREFIX + " are Sluice's own";
        }
        int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return "has a name of " + bytes + " bytes in UTF-8, over the " + MAX_NAME_BYTES + " a file system allows";
        }
        return null;
    }
}
