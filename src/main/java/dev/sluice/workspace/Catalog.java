package dev.sluice.workspace;

import dev.sluice.config.Problem;
import dev.sluice.config.Problems;
import dev.sluice.config.WorkspaceException;
import dev.sluice.engine.Column;
import dev.sluice.error.Secrets;
import dev.sluice.source.Model;
import dev.sluice.source.SourceSession;
import dev.sluice.source.filter.CompiledQuery;
import dev.sluice.source.filter.Segment;
import dev.sluice.source.filter.SegmentCompiler;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The models and segments of a workspace as queries on their sources: one session per source,
 * opened when first needed, and each model's columns, discovered without reading its rows.
 */
public final class Catalog implements AutoCloseable {
    private final Workspace workspace;
    private final Clock clock;
    private final Map<String, SourceSession> sessions = new HashMap<>();
    private final Map<String, List<Column>> columns = new HashMap<>();

    public Catalog(Workspace workspace, Clock clock) {
        this.workspace = workspace;
        this.clock = clock;
    }

    public Workspace workspace() {
        return workspace;
    }

    /** The session on a source, opened when first needed and closed with the catalog. */
    public SourceSession session(String sourceName) {
        SourceSession session = sessions.get(sourceName);
        if (session == null) {
            session = workspace.sources().get(sourceName).session();
            sessions.put(sourceName, session);
        }
        return session;
    }

    /**
     * The model's columns, as the source describes them without reading rows. A query the source
     * rejects is a user error naming the model.
     */
    public List<Column> columns(Model model) {
        List<Column> known = columns.get(model.name());
        if (known != null) {
            return known;
        }
        try {
            List<Column> result = List.copyOf(session(model.source()).columns(model));
            columns.put(model.name(), result);
            return result;
        } catch (SQLException e) {
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
        SourceSession session = session(model.source());
        String quote = session.identifierQuote();
        return new SegmentCompiler(clock).textMatch(session.textMatch()).compile(model.asSubquery(), segment, columns(model), quote, problems,
                workspace.file().toString());
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
        for (SourceSession session : sessions.values()) {
            session.close();
        }
        sessions.clear();
    }
}
