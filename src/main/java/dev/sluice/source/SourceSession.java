package dev.sluice.source;

import dev.sluice.engine.Column;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * What the catalog asks of a source outside a run ({@code validate}, {@code preview}, the API's
 * column lists): a model's columns without reading its rows, and queries whose rows are handed
 * over as a JDBC result set. A query the source rejects is an {@link SQLException} carrying the
 * source's message; an unreachable source or refused credentials a
 * {@link dev.sluice.error.SluiceException}.
 */
public interface SourceSession extends AutoCloseable {
    /** The model's columns, without reading its rows. */
    List<Column> columns(Model model) throws SQLException;

    /** The character that quotes identifiers in the source's SQL. */
    String identifierQuote();

    /** How the source's SQL tests text for contains, starts_with and ends_with. */
    default TextMatch textMatch() {
        return TextMatch.LIKE_ESCAPE;
    }

    /** Runs {@code sql} with its {@code ?} placeholders bound to {@code parameters} and reads the result. */
    <T> T query(String sql, List<Object> parameters, ResultReader<T> reader) throws SQLException;

    @Override
    void close();

    /** Reads a result set; it is closed afterwards. */
    @FunctionalInterface
    interface ResultReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
