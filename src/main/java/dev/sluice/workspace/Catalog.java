package dev.sluice.workspace;

import dev.sluice.config.Problem;
import dev.sluice.config.Problems;
import dev.sluice.config.WorkspaceException;
import dev.sluice.engine.Column;
import dev.sluice.engine.ColumnTypes;
import dev.sluice.error.Secrets;
import dev.sluice.source.Model;
import dev.sluice.source.filter.CompiledQuery;
import dev.sluice.source.filter.Segment;
import dev.sluice.source.filter.SegmentCompiler;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The models and segments of a workspace as queries on their sources: one connection per source,
 * opened when first needed, and each model's columns, discovered without reading its rows.
 */
public final class Catalog implements AutoCloseable {
    private final Workspace workspace;
    private final Clock clock;
    private final Map<String, Connection> connections = new HashMap<>();
    private final Map<String, List<Column>> columns = new HashMap<>();

    public Catalog(Workspace workspace, Clock clock) {
        this.workspace = workspace;
        this.clock = clock;
    }

    public Workspace workspace() {
        return workspace;
    }

    public Connection connection(String sourceName) {
        Connection connection = connections.get(sourceName);
        if (connection == null) {
            connection = workspace.sources().get(sourceName).connect();
            connections.put(sourceName, connection);
        }
        return connection;
    }

    /**
     * The model's columns, from the metadata of {@code SELECT * FROM (sql) WHERE 1=0}. A query the
     * source rejects is a user error naming the model.
     */
    public List<Column> columns(Model model) {
        List<Column> known = columns.get(model.name());
        if (known != null) {
            return known;
        }
        Connection connection = connection(model.source());
        String sql = "SELECT * FROM " + model.asSubquery() + " WHERE 1 = 0";
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            List<Column> result = List.copyOf(ColumnTypes.columns(rs.getMetaData()));
            columns.put(model.name(), result);
            return result;
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw new WorkspaceException(List.of(new Problem(workspace.file().toString(), "models." + model.name() + ".sql",
                    "the query fails on source '" + model.source() + "': " + Secrets.redact(indented(e.getMessage())))));
        }
    }

    /** The query that reads a model's or segment's rows. */
    public CompiledQuery query(String modelOrSegment) {
        workspace.requireTarget(modelOrSegment);
        Model model = workspace.modelOf(modelOrSegment);
        Segment segment = workspace.segments().get(modelOrSegment);
        columns(model);
        if (segment == null) {
            return CompiledQuery.of("SELECT * FROM " + model.asSubquery());
        }
        Problems problems = new Problems();
        CompiledQuery query = compile(model, segment, problems);
        if (query == null) {
            throw new WorkspaceException(problems.list());
        }
        return query;
    }

    /** Compiles a segment, adding its problems to {@code problems}; null when it has some. */
    public CompiledQuery compile(Model model, Segment segment, Problems problems) {
        String quote = identifierQuote(model.source());
        return new SegmentCompiler(clock).compile(model.asSubquery(), segment, columns(model), quote, problems,
                workspace.file().toString());
    }

    private String identifierQuote(String sourceName) {
        try {
            String quote = connection(sourceName).getMetaData().getIdentifierQuoteString();
            return quote == null || quote.isBlank() ? "\"" : quote.strip();
        } catch (SQLException e) {
            return "\"";
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is unusable anyway; the original error is what matters
        }
    }

    /** A database's message, its later lines (hints, the SQL with a caret) indented under the first. */
    static String indented(String message) {
        if (message == null) {
            return "unknown error";
        }
        return message.strip().replaceAll("\\s*\\R+", "\n    ");
    }

    @Override
    public void close() {
        for (Connection connection : connections.values()) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort
            }
        }
        connections.clear();
    }
}
