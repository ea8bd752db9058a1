package dev.sluice.extract;

import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.format.ExportColumn;
import dev.sluice.source.Column;
import dev.sluice.source.Model;
import dev.sluice.source.Segment;
import dev.sluice.source.filter.CompiledQuery;
import dev.sluice.source.filter.SegmentCompiler;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Problems;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceException;
import dev.sluice.write.OutputWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The "extract" stage: the activation's model or segment becomes the table {@value #NOW} in the
 * engine, holding the primary key and the exported attributes. Rows with a null or repeated key
 * fail the run (naming up to ten keys) or, with {@code invalid_rows: skip}, are left out and counted.
 */
public final class Extractor {
    public static final String NOW = "sluice_now";
    /** The last column of {@value #NOW}: a 64-bit hash of the row's exported attributes. */
    public static final String HASH = "sluice_hash";
    /** The keys and row hashes of a delta extract, without the rows: see {@link #extractKeys}. */
    public static final String KEYS = "sluice_now_keys";
    static final String READ = "sluice_read";
    private static final int KEYS_SHOWN = 10;

    private Extractor() {}

    /**
     * Reads the model's columns and compiles the activation's query, without reading its rows: what
     * a run needs to plan (the fingerprint) before it chooses how to extract.
     */
    public static Prepared prepare(Engine engine, Workspace workspace, Activation activation, Clock clock) throws SQLException {
        Model model = workspace.modelOf(activation.target());
        String relation = workspace.sourceOf(model).loadInto(engine, model);
        List<Column> columns = OutputWriter.describe(engine.connection(), "SELECT * FROM " + relation);
        CompiledQuery query = CompiledQuery.of("SELECT * FROM " + relation);
        Segment segment = workspace.segments().get(activation.target());
        if (segment != null) {
            Problems problems = new Problems();
            query = new SegmentCompiler(clock).compile(relation, segment, columns, "\"", problems, workspace.file().toString());
            if (query == null) {
                throw new WorkspaceException(problems.list());
            }
        }
        List<ExportColumn> exported = OutputWriter.exportColumns(columns, activation.mapping());
        List<String> keys = IntStream.range(0, model.primaryKey().size()).mapToObj(i -> "sluice_k" + i).toList();
        for (String key : model.primaryKey()) {
            if (columns.stream().noneMatch(c -> c.name().equals(key))) {
                throw SluiceException.user("models." + model.name() + ".primary_key: column '" + key + "' is not in the query's result");
            }
        }
        return new Prepared(activation, model, query, keys, exported, fingerprint(model, exported, columns));
    }

    /** Extracts every row of the activation into {@value #NOW}. */
    public static Extracted extract(Engine engine, Workspace workspace, Activation activation, Clock clock) throws SQLException {
        return extract(engine, prepare(engine, workspace, activation, clock));
    }

    /** Extracts every row of the activation into {@value #NOW}: keys, exported attributes and row hash. */
    public static Extracted extract(Engine engine, Prepared prepared) throws SQLException {
        return load(engine, prepared, prepared.select(true, null), NOW, false);
    }

    /**
     * The first half of a delta extract: only the keys and row hashes, into {@value #KEYS} (a table a
     * fraction of the size of the rows, which change detection needs and nothing else). The rows
     * themselves are read afterwards, for the changed keys only, by {@link #extractChanged}.
     */
    public static Extracted extractKeys(Engine engine, Prepared prepared) throws SQLException {
        return load(engine, prepared, prepared.select(false, null), KEYS, true);
    }

    /**
     * The second half of a delta extract: the rows of the keys that change detection found added or
     * updated (in {@code changes}) become {@value #NOW}, hashed again as they are read, so that what
     * is exported and what the snapshot keeps always agree.
     */
    public static void extractChanged(Engine engine, Prepared prepared, String changes) throws SQLException {
        String on = IntStream.range(0, prepared.keys().size())
                .mapToObj(i -> "sluice_q." + Engine.identifier(prepared.model().primaryKey().get(i)) + " = c." + prepared.keys().get(i))
                .collect(Collectors.joining(" AND "));
        String changed = " SEMI JOIN (SELECT " + String.join(", ", prepared.keys()) + " FROM " + changes
                + " WHERE change IN ('A', 'U')) c ON " + on;
        engine.execute("DROP TABLE IF EXISTS " + NOW);
        try (PreparedStatement statement = new CompiledQuery("CREATE TEMP TABLE " + NOW + " AS " + prepared.select(true, changed),
                prepared.query().parameters()).prepare(engine.connection())) {
            statement.execute();
        }
    }

    private static Extracted load(Engine engine, Prepared prepared, String select, String table, boolean partial) throws SQLException {
        engine.execute("DROP TABLE IF EXISTS " + READ);
        engine.execute("DROP TABLE IF EXISTS " + table);
        try (PreparedStatement statement = new CompiledQuery("CREATE TEMP TABLE " + READ + " AS " + select,
                prepared.query().parameters()).prepare(engine.connection())) {
            statement.execute();
        }
        List<String> keys = prepared.keys();
        long read = engine.queryLong("SELECT count(*) FROM " + READ);
        long skipped = checkKeys(engine, prepared.activation(), prepared.model(), keys);
        if (skipped > 0) {
            engine.execute("CREATE TEMP TABLE " + table + " AS SELECT * FROM " + READ + " WHERE " + notNull(keys)
                    + " QUALIFY count(*) OVER (PARTITION BY " + String.join(", ", keys) + ") = 1");
            engine.execute("DROP TABLE " + READ);
        } else {
            engine.execute("ALTER TABLE " + READ + " RENAME TO " + table);
        }
        List<ExportColumn> nowColumns = prepared.exported().stream().map(c -> new ExportColumn(c.name(), c.name(), c.type())).toList();
        return new Extracted(keys, nowColumns, read, skipped, prepared.fingerprint(), table, partial);
    }

    /** The activation's query, compiled, with what extracting it needs. */
    public record Prepared(Activation activation, Model model, CompiledQuery query, List<String> keys,
            List<ExportColumn> exported, String fingerprint) {
        /** The extract SELECT: keys, then (when {@code rows}) the exported attributes, then the row hash. */
        String select(boolean rows, String filter) {
            String keyColumns = IntStream.range(0, keys.size())
                    .mapToObj(i -> Engine.identifier(model.primaryKey().get(i)) + " AS " + keys.get(i))
                    .collect(Collectors.joining(", "));
            String attributes = rows ? ", " + exported.stream().map(c -> Engine.identifier(c.source()) + " AS " + Engine.identifier(c.name()))
                    .collect(Collectors.joining(", ")) : "";
            return "SELECT " + keyColumns + attributes + ", " + rowHash(exported.stream().map(ExportColumn::source).toList(), null)
                    + " AS " + HASH + " FROM (" + query.sql() + ") AS sluice_q" + (filter == null ? "" : filter);
        }
    }

    /**
     * The hash of a row's attributes as this engine computes it, over {@code columns} (qualified by
     * {@code alias} when given). Computed once per row here, stored in the snapshot, and compared by
     * change detection; only trusted across runs made with the same engine version.
     */
    public static String rowHash(List<String> columns, String alias) {
        return "hash(" + columns.stream().map(c -> (alias == null ? "" : alias + ".") + Engine.identifier(c))
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String notNull(List<String> keys) {
        return keys.stream().map(k -> k + " IS NOT NULL").collect(Collectors.joining(" AND "));
    }

    /** Returns how many rows to skip; throws when there are invalid rows and the activation does not skip them. */
    private static long checkKeys(Engine engine, Activation activation, Model model, List<String> keys) throws SQLException {
        String anyNull = keys.stream().map(k -> k + " IS NULL").collect(Collectors.joining(" OR "));
        String keyList = String.join(", ", keys);
        // One pass answers the usual question, "are all keys present and distinct?"; only when they
        // are not do the queries below count and name the offending rows.
        if (engine.queryLong("SELECT count(*) FILTER (WHERE " + anyNull + ") + count(*) FILTER (WHERE " + notNull(keys)
                + ") - count(DISTINCT (" + keyList + ")) FILTER (WHERE " + notNull(keys) + ") FROM " + READ) == 0) {
            return 0;
        }
        long nullKeys = engine.queryLong("SELECT count(*) FROM " + READ + " WHERE " + anyNull);
        long duplicateRows = engine.queryLong("SELECT COALESCE(sum(n), 0) FROM (SELECT count(*) AS n FROM " + READ
                + " WHERE " + notNull(keys) + " GROUP BY " + keyList + " HAVING count(*) > 1)");
        if (nullKeys == 0 && duplicateRows == 0) {
            return 0;
        }
        if (activation.invalidRows() == Activation.InvalidRows.SKIP) {
            return nullKeys + duplicateRows;
        }
        List<String> shown = new ArrayList<>();
        try (Statement statement = engine.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT " + keyList + ", count(*) FROM " + READ + " WHERE " + notNull(keys)
                        + " GROUP BY " + keyList + " HAVING count(*) > 1 ORDER BY count(*) DESC, " + keyList + " LIMIT " + KEYS_SHOWN)) {
            while (rs.next()) {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < keys.size(); i++) {
                    parts.add(model.primaryKey().get(i) + "=" + rs.getString(i + 1));
                }
                shown.add(String.join(", ", parts) + " (" + rs.getLong(keys.size() + 1) + " rows)");
            }
        }
        StringBuilder message = new StringBuilder("activations." + activation.name() + ": the model " + model.name()
                + " has rows with an invalid primary key (" + String.join(", ", model.primaryKey()) + "):");
        if (nullKeys > 0) {
            message.append(" ").append(nullKeys).append(nullKeys == 1 ? " row has" : " rows have").append(" a null key;");
        }
        if (duplicateRows > 0) {
            message.append(" ").append(duplicateRows).append(" rows share a key with another row, e.g. ")
                    .append(String.join("; ", shown)).append(";");
        }
        message.append(" fix the model or set invalid_rows: skip to leave such rows out");
        throw SluiceException.user(message.toString());
    }

    /** A stable digest of the key columns and the exported attributes with their types. */
    static String fingerprint(Model model, List<ExportColumn> exported, List<Column> columns) {
        StringBuilder text = new StringBuilder("keys:");
        for (String key : model.primaryKey()) {
            text.append(key).append(':').append(typeOf(columns, key)).append(';');
        }
        text.append("|attributes:");
        for (ExportColumn column : exported) {
            text.append(column.source()).append("->").append(column.name()).append(':').append(typeOf(columns, column.source())).append(';');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private static String typeOf(List<Column> columns, String name) {
        return columns.stream().filter(c -> c.name().equals(name)).map(Column::sourceType).findFirst().orElse("?");
    }
}
