package dev.sluice.server;

import java.util.List;

/**
 * An API request that cannot be served, answered as RFC 9457 problem details: the HTTP status,
 * a short title, the detail, and for invalid input one entry per offending field.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** One invalid field: its key path in the request (e.g. {@code format.delimiter}) and what is wrong. */
    public record FieldError(String field, String message) {}

    private final int status;
    private final String title;
    private final transient List<FieldError> errors;

    public ApiError(int status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ApiError badRequest(String field, String message) {
        return new ApiError(400, "Invalid request", field + ": " + message, List.of(new FieldError(field, message)));
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, "Not found", what, List.of());
    }

    public static ApiError conflict(String field, String message) {
        return new ApiError(409, "Conflict", message, field == null ? List.of() : List.of(new FieldError(field, message)));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
