package dev.sluice.source;

import java.util.List;
import java.util.Objects;

/** A named SQL query on a source, with the columns that identify a row. */
public record Model(String name, String source, String sql, List<String> primaryKey) {
    public Model {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(sql, "sql is null");
        primaryKey = List.copyOf(primaryKey);
    }

    /** The model's SQL as a subquery: trailing semicolons dropped, a line break before the
     * closing parenthesis so that a trailing comment cannot swallow it. */
    public String asSubquery() {
        String body = sql.strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        return "(\n" + body + "\n) AS sluice_model";
    }
}
