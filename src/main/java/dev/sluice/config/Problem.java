package dev.sluice.config;

import java.util.Objects;

/**
 * One thing wrong with a workspace: the file it is in, the key path of the offending setting
 * (e.g. {@code activations.vip.format.delimiter}) and what is wrong with it.
 */
public record Problem(String file, String path, String message) {
    public Problem {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(message, "message is null");
    }

    /** {@code path: message}, prefixed with the file name when it is known. */
    @Override
    public String toString() {
        String where = path.isEmpty() ? "" : path + ": ";
        return (file == null ? "" : file + ": ") + where + message;
    }
}
