package dev.sluice.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.error.Secrets;
import io.javalin.http.Context;

/** JSON in and out of the API: strict on input (duplicate keys refused), secrets scrubbed on output. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {}

    static void send(Context ctx, Object body) {
        send(ctx, body, "application/json");
    }

    static void send(Context ctx, Object body, String contentType) {
        try {
            ctx.contentType(contentType + "; charset=utf-8");
            ctx.result(Secrets.redact(MAPPER.writeValueAsString(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response: " + e.getOriginalMessage(), e);
        }
    }

    /** The request body as a JSON object; a 400 naming what is wrong otherwise. */
    static JsonNode objectBody(Context ctx) {
        String text = ctx.body();
        if (text == null || text.isBlank()) {
            throw ApiError.badRequest("body", "required: a JSON object");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiError.badRequest("body", "not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw ApiError.badRequest("body", "must be a JSON object, got " + (tree == null ? "nothing" : tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return tree;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
