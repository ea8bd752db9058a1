package dev.sluice.error;

import java.util.Objects;

/**
 * A failure with a message written for the user and a {@link ErrorKind} that decides the exit code.
 * Messages name the setting or object concerned and, where possible, what to do.
 */
public class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    public SluiceException(ErrorKind kind, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message is null"), cause);
        this.kind = Objects.requireNonNull(kind, "kind is null");
    }

    public static SluiceException user(String message) {
        return new SluiceException(ErrorKind.USER, message, null);
    }

    public static SluiceException user(String message, Throwable cause) {
        return new SluiceException(ErrorKind.USER, message, cause);
    }

    public static SluiceException external(String message, Throwable cause) {
        return new SluiceException(ErrorKind.EXTERNAL, message, cause);
    }

    public static SluiceException internal(String message, Throwable cause) {
        return new SluiceException(ErrorKind.INTERNAL, message, cause);
    }

    public ErrorKind kind() {
        return kind;
    }
}
