package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.Problem;
import dev.sluice.config.WorkspaceException;
import dev.sluice.error.ErrorKind;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns every failure into an RFC 9457 problem details response ({@code application/problem+json}):
 * {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance} and, for invalid
 * input, {@code errors}: one {@code {field, message}} per offending field. Secrets are scrubbed;
 * stack traces never leave the process.
 */
public final class ProblemDetails {
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Request attribute set once a problem has been written, so that error pages do not replace it. */
    static final String WRITTEN = "sluice.problem";
    static final String TYPE_PREFIX = "tag:sluice.dev,2026:";

    private ProblemDetails() {}

    public static void send(Context ctx, ApiError error) {
        write(ctx, error.status(), error.title(), error.getMessage(), error.errors());
    }

    /** A workspace that does not load: one error per problem, named by its key path. */
    public static ApiError of(WorkspaceException e) {
        List<ApiError.FieldError> errors = e.problems().stream()
                .map(p -> new ApiError.FieldError(p.path(), (p.file() == null ? "" : p.file() + ": ") + p.message()))
                .toList();
        return new ApiError(400, "The workspace has problems", e.problems().size() == 1
                ? e.problems().get(0).toString() : e.getMessage(), errors);
    }

    public static ApiError of(SluiceException e) {
        if (e instanceof WorkspaceException invalid) {
            return of(invalid);
        }
        String title = switch (e.kind()) {
            case USER -> "Invalid request";
            case EXTERNAL -> "A system Sluice depends on failed";
            case INTERNAL -> "Internal error";
        };
        return new ApiError(e.kind().httpStatus(), title, e.getMessage(), List.of());
    }

    /** A bug: a plain message, the details in the server's log only. */
    public static void internal(Context ctx, Exception e, Consumer<String> log) {
        log.accept("internal error serving " + ctx.method() + " " + ctx.path() + ": " + Secrets.redact(String.valueOf(e)));
        write(ctx, ErrorKind.INTERNAL.httpStatus(), "Internal error",
                "internal error: " + e.getClass().getSimpleName() + "; this is a bug in Sluice, see the server's log", List.of());
    }

    /** Problems about fields as {@link ApiError.FieldError}s, paths relative to {@code prefix}. */
    public static List<ApiError.FieldError> fields(List<Problem> problems, String prefix) {
        return problems.stream().map(p -> new ApiError.FieldError(relative(p.path(), prefix), p.message())).toList();
    }

    /** Whether problem {@code p} is about {@code prefix} or a key below it. */
    static boolean concerns(Problem p, String prefix) {
        return p.path().equals(prefix) || p.path().startsWith(prefix + ".") || p.path().startsWith(prefix + "[");
    }

    /**
     * A 400 for an invalid {@code kind} (e.g. "activation") named {@code what}: one field error per
     * problem, paths relative to {@code prefix}; the detail names the field when there is one problem
     * and lists them all otherwise.
     */
    static ApiError invalid(String kind, String what, List<Problem> problems, String prefix) {
        String title = "Invalid " + kind;
        List<ApiError.FieldError> fields = fields(problems, prefix);
        if (fields.isEmpty()) {
            return new ApiError(400, title, what + " is not valid", List.of());
        }
        String detail = fields.size() == 1 ? what + ": " + describe(fields.get(0))
                : what + " has " + fields.size() + " problems: " + String.join("; ", fields.stream().map(ProblemDetails::describe).toList());
        return new ApiError(400, title, detail, fields);
    }

    /** A field error as one line: {@code field: message}. */
    static String describe(ApiError.FieldError field) {
        return field.field().isEmpty() ? field.message() : field.field() + ": " + field.message();
    }

    static String relative(String path, String prefix) {
        if (path.equals(prefix)) {
            return "";
        }
        if (path.startsWith(prefix + ".")) {
            return path.substring(prefix.length() + 1);
        }
        return path;
    }

    /**
     * The problem type: a tag URI per title (RFC 9457 allows non-dereferenceable type URIs; tag URIs
     * are the ones it suggests), e.g. {@code tag:sluice.dev,2026:invalid-activation}.
     */
    static String type(String title) {
        return TYPE_PREFIX + title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    private static void write(Context ctx, int status, String title, String detail, List<ApiError.FieldError> errors) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", type(title));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", Secrets.redact(detail));
        body.put("instance", ctx.path());
        if (!errors.isEmpty()) {
            ArrayNode list = body.putArray("errors");
            for (ApiError.FieldError error : errors) {
                list.addObject().put("field", error.field()).put("message", Secrets.redact(error.message()));
            }
        }
        ctx.status(status);
        ctx.attribute(WRITTEN, Boolean.TRUE);
        Json.send(ctx, body, CONTENT_TYPE);
    }
}
