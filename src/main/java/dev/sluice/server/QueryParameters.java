package dev.sluice.server;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The API's query parameters each take one value ({@code accept_held}, {@code folder}, {@code limit},
 * {@code status}, ...): a parameter given twice is a mistake (which one counts?), answered 400
 * naming it, rather than reading the first and ignoring the rest.
 */
final class QueryParameters {
    private QueryParameters() {}

    /** Refuses (400) a request to the API with a query parameter given more than once. */
    static void requireSingle(Context ctx) {
        if (!ctx.path().startsWith("/api/")) {
            return;
        }
        for (Map.Entry<String, List<String>> parameter : ctx.queryParamMap().entrySet()) {
            List<String> values = parameter.getValue();
            if (values.size() > 1) {
                throw ApiError.badRequest(parameter.getKey(), "given " + values.size() + " times ("
                        + values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ")) + "); give it once");
            }
        }
    }
}
