package dev.sluice.source;

import dev.sluice.engine.Column;
import dev.sluice.engine.ColumnTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** A {@link SourceSession} on one JDBC connection: columns from the metadata of a query that returns no rows. */
final class JdbcSession implements SourceSession {
    private final Connection connection;

    JdbcSession(Connection connection) {
        this.connection = connection;
    }

    @Override
    public List<Column> columns(Model model) throws SQLException {
        String sql = "SELECT * FROM " + model.asSubquery() + " WHERE 1 = 0";
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return List.copyOf(ColumnTypes.columns(rs.getMetaData()));
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    @Override
    public String identifierQuote() {
        try {
            String quote = connection.getMetaData().getIdentifierQuoteString();
            return quote == null || quote.isBlank() ? "\"" : quote.strip();
        } catch (SQLException e) {
            return "\"";
        }
    }

    @Override
    public <T> T query(String sql, List<Object> parameters, ResultReader<T> reader) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private void rollbackQuietly() {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is unusable anyway; the original error is what matters
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing is best effort
        }
    }
}
