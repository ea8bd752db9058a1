package dev.sluice.source.filter;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** SQL text with {@code ?} placeholders and the values to bind to them, in order. */
public record CompiledQuery(String sql, List<Object> parameters) {
    public CompiledQuery {
        parameters = List.copyOf(parameters);
    }

    public static CompiledQuery of(String sql) {
        return new CompiledQuery(sql, List.of());
    }

    /** Wraps this query: {@code prefix + "(" + sql + ") AS alias" + suffix}, keeping the parameters. */
    public CompiledQuery wrap(String prefix, String suffix) {
        return new CompiledQuery(prefix + "(\n" + sql + "\n) AS sluice_q" + suffix, parameters);
    }

    /**
     * For a query compiled with {@link SegmentCompiler#valuesFrom}{@code (table)}: creates the
     * temporary one-row {@code table} with the values bound as columns {@code p0, p1 …}, and returns
     * the query with nothing left to bind.
     */
    public CompiledQuery bindInto(java.sql.Connection connection, String table) throws SQLException {
        if (parameters.isEmpty()) {
            return this;
        }
        StringBuilder create = new StringBuilder("CREATE OR REPLACE TEMP TABLE " + table + " AS SELECT ");
        for (int i = 0; i < parameters.size(); i++) {
            create.append(i == 0 ? "" : ", ").append("? AS p").append(i);
        }
        try (PreparedStatement statement = new CompiledQuery(create.toString(), parameters).prepare(connection)) {
            statement.execute();
        }
        return of(sql);
    }

    public PreparedStatement prepare(java.sql.Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        return statement;
    }
}
