package dev.sluice.source;

/**
 * How a source's SQL tests text for {@code contains}, {@code starts_with} and {@code ends_with}:
 * {@code LIKE … ESCAPE} (standard SQL: DuckDB, PostgreSQL, JDBC databases), or functions
 * ({@code STRPOS}, {@code STARTS_WITH}, {@code ENDS_WITH}) where the dialect has no ESCAPE clause
 * (BigQuery's GoogleSQL, whose LIKE always escapes with a backslash).
 */
public enum TextMatch {
    LIKE_ESCAPE,
    FUNCTIONS
}
