package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.error.SluiceException;
import dev.sluice.source.SourceSession;
import dev.sluice.source.filter.CompiledQuery;
import dev.sluice.workspace.Catalog;
import dev.sluice.workspace.Workspace;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice preview}: the first rows of a model or segment as a table, and its row count. */
@Command(name = "preview", mixinStandardHelpOptions = true,
        description = "Shows the first rows of a model or segment and how many rows it has.")
public final class PreviewCommand extends WorkspaceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL|SEGMENT", description = "The model or segment to preview.")
    String name;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "10",
            description = "How many rows to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print one JSON object: name, kind, count, columns and the first rows "
            + "(numbers and booleans as JSON values, other values as their text, null as null).")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw SluiceException.user("--limit: must be 0 or more, got " + limit);
        }
        Workspace workspace = loadWorkspace();
        workspace.requireTarget(name);
        workspace.requireSet("preview " + name, workspace.needsOfTarget(name));
        try (Catalog catalog = new Catalog(workspace, Clock.systemUTC())) {
            preview(catalog, name, limit);
        }
        return 0;
    }

    void preview(Catalog catalog, String target, int rows) {
        CompiledQuery query = catalog.query(target);
        String source = catalog.workspace().modelOf(target).source();
        SourceSession session = catalog.session(source);
        try {
            CompiledQuery counting = query.wrap("SELECT count(*) FROM ", "");
            long count = session.query(counting.sql(), counting.parameters(), rs -> {
                rs.next();
                return rs.getLong(1);
            });
            String kind = catalog.workspace().segments().containsKey(target) ? "segment" : "model";
            if (json) {
                ObjectNode result = JsonText.MAPPER.createObjectNode();
                result.put("name", target);
                result.put("kind", kind);
                result.put("count", count);
                ArrayNode columns = result.putArray("columns");
                ArrayNode values = result.putArray("rows");
                CompiledQuery first = query.wrap("SELECT * FROM ", " LIMIT " + rows);
                session.query(first.sql(), first.parameters(), rs -> {
                    java.sql.ResultSetMetaData meta = rs.getMetaData();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        columns.add(meta.getColumnLabel(i));
                    }
                    while (rows > 0 && rs.next()) {
                        ArrayNode row = values.addArray();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            TablePrinter.json(row, rs.getObject(i), TablePrinter.zoned(meta, i));
                        }
                    }
                    return null;
                });
                try {
                    out().println(JsonText.MAPPER.writeValueAsString(result));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw SluiceException.internal("cannot write the preview as JSON", e);
                }
                out().flush();
                return;
            }
            TablePrinter table = new TablePrinter();
            if (rows > 0) {
                CompiledQuery first = query.wrap("SELECT * FROM ", " LIMIT " + rows);
                session.query(first.sql(), first.parameters(), rs -> {
                    table.print(rs, out());
                    return null;
                });
            }
            out().printf("%s %s: %,d %s%s%n", kind, target, count, count == 1 ? "row" : "rows",
                    count > rows && rows > 0 ? " (first " + rows + " shown)" : "");
            out().flush();
        } catch (SQLException e) {
            throw SluiceException.external("preview of " + target + " failed on source '" + source + "': "
                    + dev.sluice.error.Secrets.redact(String.valueOf(e.getMessage()).strip()), e);
        }
    }
}
