package dev.sluice.sync;

import dev.sluice.config.Problem;
import dev.sluice.config.Problems;
import dev.sluice.config.WorkspaceException;
import dev.sluice.engine.Column;
import dev.sluice.engine.ColumnTypes;
import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.format.ExportColumn;
import dev.sluice.plan.Mapping;
import dev.sluice.source.Model;
import dev.sluice.source.filter.CompiledQuery;
import dev.sluice.source.filter.Segment;
import dev.sluice.source.filter.SegmentCompiler;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.SchemaCheck;
import dev.sluice.workspace.Workspace;
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
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The "extract" stage: the activation's model or segment becomes the table {@value WorkTables#NOW} in the
 * engine, holding the primary key and the exported attributes. Rows with a null or repeated key
 * fail the run (naming up to ten keys) or, with {@code invalid_rows: skip}, are left out and counted.
 */
public final class Extractor {
    private static final int KEYS_SHOWN = 10;

    private Extractor() {}

    /**
     * What every kind of extraction starts from: the model on the engine, its columns, the exported
     * attributes and key columns, and (once {@link #compile compiled}) the query of its rows, the
     * segment's filter applied.
     */
    record Query(Model model, String relation, List<Column> columns, Segment segment, CompiledQuery query,
            List<ExportColumn> exported, List<String> keys) {
        /** SELECT of the key columns as {@code sluice_kN}, the exported attributes under their names (if {@code values}), and the row hash. */
        String select(boolean values) {
            return "SELECT " + columns(values) + " FROM (" + query.sql() + ") AS sluice_q";
        }

        /**
         * The rows of {@code changed} (a table of key columns {@code sluice_kN} and {@code change}),
         * read from the model's query as {@link #select}{@code (true)} would give them, with their
         * change in {@code kind}: joined before the attributes are hashed, so only those rows are.
         */
        String selectChanged(String changed, String kind) {
            return "SELECT " + columns(true) + ", sluice_c.change AS " + kind
                    + " FROM (" + query.sql() + ") AS sluice_q JOIN " + changed + " AS sluice_c ON "
                    + sql().primaryKeyOn("sluice_q", model.primaryKey(), "sluice_c");
        }

        /** The exported attributes only, under their names: the SELECT of the files straight from the model. */
        String selectRows() {
            return "SELECT " + rows() + " FROM (" + query.sql() + ") AS sluice_q";
        }

        /** Of the query aliased {@code sluice_q}: the key columns, the attributes if {@code values}, the row hash. */
        private String columns(boolean values) {
            return sql().rowColumns("sluice_q", model.primaryKey(), exported, values);
        }

        private String rows() {
            return sql().attributes("sluice_q", exported);
        }

        private ChangeQueries sql() {
            return new ChangeQueries(ChangeQueries.ENGINE, keys);
        }

        Map<String, String> keyAttributes() {
            Map<String, String> result = new java.util.LinkedHashMap<>();
            for (ExportColumn c : exported) {
                int key = model.primaryKey().indexOf(c.source());
                if (key >= 0) {
                    result.put(c.name(), keys.get(key));
                }
            }
            return result;
        }

        List<ExportColumn> exportedAsNamed() {
            return exported.stream().map(c -> new ExportColumn(c.name(), c.name(), c.type())).toList();
        }

        String fingerprint() {
            return Extractor.fingerprint(model, exported, columns);
        }

        /**
         * The query of the rows: with {@code valuesInTable}, a segment's values are read from a
         * one-row table (created here) instead of bound, so that the query can run inside COPY and
         * more than once.
         */
        Query compile(Engine engine, Clock clock, String file, boolean valuesInTable) throws SQLException {
            CompiledQuery compiled = CompiledQuery.of("SELECT * FROM " + relation);
            if (segment != null) {
                Problems problems = new Problems();
                SegmentCompiler compiler = new SegmentCompiler(clock);
                compiled = (valuesInTable ? compiler.valuesFrom(SEGMENT_VALUES) : compiler)
                        .compile(relation, segment, columns, "\"", problems, file);
                if (compiled == null) {
                    throw new WorkspaceException(problems.list());
                }
                if (valuesInTable) {
                    compiled = compiled.bindInto(engine.connection(), SEGMENT_VALUES);
                }
            }
            return new Query(model, relation, columns, segment, compiled, exported, keys);
        }
    }

    /** The one-row table the values of a segment are read from when its query runs inside COPY. */
    static final String SEGMENT_VALUES = "sluice_segment_values";

    /** Loads the model on the engine and checks its columns against the activation; the rows are not read. */
    static Query describe(Engine engine, Workspace workspace, Activation activation) throws SQLException {
        Model model = workspace.modelOf(activation.target());
        String relation;
        List<Column> columns;
        try {
            relation = workspace.sourceOf(model).loadInto(engine, model);
            columns = ColumnTypes.describe(engine.connection(), "SELECT * FROM " + relation);
        } catch (SQLException e) {
            // Named as validate names it: the model's SQL, on its source.
            throw dev.sluice.source.ConnectionErrors.queryFailed(model, e);
        }
        return described(activation, model, relation, columns, workspace.segments().get(activation.target()));
    }

    /**
     * The model's query as {@code relation} (on the engine, or in a source for {@code state: source}),
     * its {@code columns} checked against the activation (mapping, primary key): not yet compiled.
     */
    static Query described(Activation activation, Model model, String relation, List<Column> columns, Segment segment) {
        List<Problem> mismatches = SchemaCheck.checkActivation(activation, columns);
        if (!mismatches.isEmpty()) {
            throw new WorkspaceException(mismatches);
        }
        List<ExportColumn> exported = exportColumns(columns, activation.mapping());
        for (String key : model.primaryKey()) {
            if (columns.stream().noneMatch(c -> c.name().equals(key))) {
                throw SluiceException.user("models." + model.name() + ".primary_key: " + SchemaCheck.missingKey(key, columns));
            }
        }
        return new Query(model, relation, columns, segment, null, exported, ChangeQueries.keyColumns(model.primaryKey().size()));
    }

    /** Reads every row with its exported attributes into {@value WorkTables#NOW}, then checks the keys. */
    public static Extracted extract(Engine engine, Workspace workspace, Activation activation, Clock clock) throws SQLException {
        return materialise(engine, activation, describe(engine, workspace, activation).compile(engine, clock,
                workspace.file().toString(), false));
    }

    /** As {@link #extract}, for a described and compiled query. */
    static Extracted materialise(Engine engine, Activation activation, Query q) throws SQLException {
        List<String> keys = q.keys();
        ChangeQueries sql = new ChangeQueries(ChangeQueries.ENGINE, keys);
        engine.execute("DROP TABLE IF EXISTS " + WorkTables.READ);
        engine.execute("DROP TABLE IF EXISTS " + WorkTables.NOW);
        try (PreparedStatement statement = new CompiledQuery("CREATE TEMP TABLE " + WorkTables.READ + " AS " + q.select(true),
                q.query().parameters()).prepare(engine.connection())) {
            statement.execute();
        }
        long read = engine.queryLong("SELECT count(*) FROM " + WorkTables.READ);
        long skipped = checkKeys(engine.connection(), sql, WorkTables.READ, activation, q.model());
        if (skipped > 0) {
            engine.execute("CREATE TEMP TABLE " + WorkTables.NOW + " AS SELECT * FROM " + WorkTables.READ + " WHERE " + sql.notNullKeys()
                    + " QUALIFY count(*) OVER (PARTITION BY " + sql.keyList() + ") = 1");
            engine.execute("DROP TABLE " + WorkTables.READ);
        } else {
            engine.execute("ALTER TABLE " + WorkTables.READ + " RENAME TO " + WorkTables.NOW);
        }
        return new Extracted(keys, q.exportedAsNamed(), read, skipped, q.fingerprint(), q.keyAttributes());
    }

    /**
     * Reads only the keys and row hashes into {@value WorkTables#NOW} and checks the keys, for a run
     * that reads its values again from the model's query ({@code q}, compiled with its values in a
     * table): a full_only run writes its files straight from it ({@link Extracted#rows}), a delta run
     * reads its changed rows from it. When rows with invalid keys are to be left out
     * ({@code invalid_rows: skip}), a second read would see them again: such a run reads every
     * value once ({@link #materialise}).
     */
    static Extracted keysOnly(Engine engine, Activation activation, Query q) throws SQLException {
        engine.execute("DROP TABLE IF EXISTS " + WorkTables.NOW);
        engine.execute("CREATE TEMP TABLE " + WorkTables.NOW + " AS " + q.select(false));
        long read = engine.queryLong("SELECT count(*) FROM " + WorkTables.NOW);
        long skipped = checkKeys(engine.connection(), new ChangeQueries(ChangeQueries.ENGINE, q.keys()), WorkTables.NOW, activation, q.model());
        if (skipped > 0) {
            engine.execute("DROP TABLE " + WorkTables.NOW);
            return materialise(engine, activation, q);
        }
        return new Extracted(q.keys(), q.exportedAsNamed(), read, 0, q.fingerprint(), q.keyAttributes(), q.selectRows());
    }

    /** The exported attributes: the mapping's, in its order and names, or every column under its own name. */
    public static List<ExportColumn> exportColumns(List<Column> columns, List<Mapping> mapping) {
        if (mapping.isEmpty()) {
            return columns.stream().map(c -> new ExportColumn(c.name(), c.name(), c.type())).toList();
        }
        Map<String, Column> byName = columns.stream().collect(Collectors.toMap(Column::name, Function.identity(), (a, b) -> a));
        List<ExportColumn> result = new ArrayList<>();
        for (Mapping m : mapping) {
            Column column = byName.get(m.from());
            if (column == null) {
                throw SluiceException.user("mapping: the model has no attribute '" + m.from() + "'");
            }
            result.add(new ExportColumn(m.from(), m.to(), column.type()));
        }
        return result;
    }

    /**
     * Checks the keys of the rows in {@code table} (on the engine or, for {@code state: source}, on
     * the source: the queries come from the same {@link ChangeQueries}). Returns how many rows to
     * skip; throws when there are invalid rows and the activation does not skip them.
     */
    static long checkKeys(java.sql.Connection connection, ChangeQueries sql, String table, Activation activation, Model model)
            throws SQLException {
        List<String> keys = sql.keys();
        // One pass answers the usual question, "are all keys present and distinct?"; only when they
        // are not do the queries below count and name the offending rows. Without a FILTER on the
        // distinct count (about half the time of one at 3-5 M rows): when no key is null, the rows are
        // valid exactly when there are as many distinct keys as rows.
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql.keyCheck(table))) {
            rs.next();
            if (rs.getLong(1) == 0 && rs.getLong(2) == rs.getLong(3)) {
                return 0;
            }
        }
        long nullKeys = queryLong(connection, sql.nullKeyCount(table));
        long duplicateRows = queryLong(connection, sql.duplicateRowCount(table));
        if (nullKeys == 0 && duplicateRows == 0) {
            return 0;
        }
        if (activation.invalidRows() == Activation.InvalidRows.SKIP) {
            return nullKeys + duplicateRows;
        }
        List<String> shown = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql.duplicateKeys(table, KEYS_SHOWN))) {
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

    static long queryLong(java.sql.Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
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
