package dev.sluice.sync;

import dev.sluice.config.Problems;
import dev.sluice.config.WorkspaceException;
import dev.sluice.engine.Column;
import dev.sluice.engine.Engine;
import dev.sluice.engine.LogicalType;
import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import dev.sluice.format.ExportColumn;
import dev.sluice.plan.OutputContent;
import dev.sluice.plan.SyncMode;
import dev.sluice.source.Model;
import dev.sluice.source.Source;
import dev.sluice.source.WarehouseState;
import dev.sluice.source.filter.CompiledQuery;
import dev.sluice.source.filter.Segment;
import dev.sluice.source.filter.SegmentCompiler;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code state: source}: the snapshot lives in the source, in a schema Sluice owns (one table per
 * activation: the key columns, a row hash computed by the source, and for difference mode the
 * exported values that {@code _removed} files need), and the comparison runs there. Only the rows
 * the run writes leave the source (through its bulk path), into the engine that writes the files.
 *
 * <p>The run keeps one session on the source: this run's rows and its changed keys are temporary
 * tables of that session. The commit — the decision point — is one transaction in the source that
 * applies the changes to the state table (or replaces it) and records the run in the meta table;
 * a process killed at any point leaves the previous snapshot in force and nothing half-made
 * visible. The queries of extract and compare are {@link ChangeQueries}' (the engine path runs the
 * same ones), rendered in the source's dialect; what is the source's own (temporary tables, the
 * statements that delete and upsert, statistics, error codes) is its {@link WarehouseState}'s.
 */
public final class SourceState implements ChangeState {
    private static final String NOW = "sluice_now";
    private static final String CHANGES = "sluice_changes";
    /** Engine tables: the rows to write with their change kind, and the removed rows' last values. */
    private static final String ROWS = "sluice_rows";
    private static final String REMOVED_ROWS = "sluice_removed_rows";
    private static final String KIND = "sluice_change_kind";
    private static final String HASH = WorkTables.HASH;
    private static final String ORDER = "sluice_ord";
    static final String META = "sluice_meta";

    private final Engine engine;
    private final Workspace workspace;
    private final Activation activation;
    private final Clock clock;
    private final Source source;
    private final WarehouseState dialect;
    /** The queries of extract and compare, in the source's dialect; known once the key columns are. */
    private ChangeQueries sql;
    /** The activation's latest succeeded run, as its history holds it; empty when it has none. */
    private final Optional<String> latestSucceeded;
    private final boolean dryRun;
    private Connection connection;
    private Extracted now;
    private List<Column> exportedTypes;
    private Previous previous;
    private boolean compared;
    private boolean textKeys;
    private boolean changesKnown;
    /** Whether every previous row went away: the snapshot has another number of key columns. */
    private boolean allRemoved;

    /** The snapshot in force: the run that committed it, its fingerprint and its table. */
    private record Previous(String run, String fingerprint, String table) {}

    /**
     * {@code latestSucceeded} is the activation's latest succeeded run (given by the run, from its
     * history): a snapshot committed by another run (the activation kept its state in the engine
     * since) is not used.
     */
    public SourceState(Engine engine, Workspace workspace, Activation activation, Clock clock, Source source,
            WarehouseState dialect, Optional<String> latestSucceeded, boolean dryRun) {
        this.engine = engine;
        this.workspace = workspace;
        this.activation = activation;
        this.clock = clock;
        this.source = source;
        this.dialect = dialect;
        this.latestSucceeded = latestSucceeded;
        this.dryRun = dryRun;
    }

    private String meta() {
        return dialect.schema() + "." + META;
    }

    private String stateTable() {
        return dialect.schema() + "." + dialect.quote(tableName(activation.name()));
    }

    /** The activation's state table name: its own name when short enough for any dialect, else shortened with a digest. */
    static String tableName(String activation) {
        return tableName("snap_", activation);
    }

    /** The activation's change log ({@code audit: true}): {@code changes_NAME}, shortened as the state table's name is. */
    static String changeLogName(String activation) {
        return tableName("changes_", activation);
    }

    private static String tableName(String prefix, String activation) {
        if (activation.length() <= 50) {
            return prefix + activation;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(activation.getBytes(StandardCharsets.UTF_8));
            return prefix + activation.substring(0, 40) + "_" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private SluiceException failure(String doing, SQLException e) {
        return new SluiceException(ErrorKind.EXTERNAL, "activations." + activation.name() + ": " + doing + " in source '"
                + source.name() + "' failed: " + e.getMessage().strip(), e);
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void execute(List<String> statements) throws SQLException {
        for (String statement : statements) {
            execute(statement);
        }
    }

    private long queryLong(String query) throws SQLException {
        return Extractor.queryLong(connection, query);
    }

    /** Creates the schema and the meta table when missing; a refusal names the privilege and the fix. */
    static void ensureSchema(Connection connection, Source source, WarehouseState dialect) {
        try (Statement statement = connection.createStatement()) {
            for (String create : dialect.createStateSchema(dialect.schema() + "." + META)) {
                statement.execute(create);
            }
        } catch (SQLException e) {
            throw new SluiceException(dialect.privilegeDenied(e) ? ErrorKind.USER : ErrorKind.EXTERNAL,
                    "sources." + source.name() + ": state: source keeps snapshots in the schema " + dialect.schema() + ", but "
                            + dialect.missingPrivilege(e), e);
        }
    }

    /**
     * What {@code sluice check SOURCE} does for a source that can keep state: creates the schema and a
     * probe table (shaped as the meta table) in a transaction it rolls back, so that a missing privilege
     * is named before a run needs it.
     */
    static void probe(Source source, WarehouseState dialect) {
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            try (Statement statement = c.createStatement()) {
                for (String create : dialect.createStateSchema(dialect.schema() + ".sluice_probe")) {
                    statement.execute(create);
                }
            } catch (SQLException e) {
                throw new SluiceException(dialect.privilegeDenied(e) ? ErrorKind.USER : ErrorKind.EXTERNAL,
                        "sources." + source.name() + ": state: source keeps snapshots in the schema " + dialect.schema() + ", but "
                                + dialect.missingPrivilege(e), e);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new SluiceException(ErrorKind.EXTERNAL, "sources." + source.name() + ": " + e.getMessage().strip(), e);
        }
    }

    @Override
    public Extracted extract() throws SQLException {
        connection = source.connect();
        connection.setAutoCommit(true);
        execute(dialect.sessionSettings());
        if (!dryRun) {
            ensureSchema(connection, source, dialect); // a dry run writes nothing: without the schema it has no previous snapshot
        }
        Model model = workspace.modelOf(activation.target());
        String modelSelect = "SELECT * FROM " + model.asSubquery();
        List<Column> columns;
        try {
            columns = dialect.describe(connection, modelSelect);
        } catch (SQLException e) {
            throw dev.sluice.source.ConnectionErrors.queryFailed(model, e);
        }
        CompiledQuery query = CompiledQuery.of(modelSelect);
        Segment segment = workspace.segments().get(activation.target());
        if (segment != null) {
            Problems problems = new Problems();
            query = new SegmentCompiler(clock).compile(model.asSubquery(), segment, columns, "\"", problems, workspace.file().toString());
            if (query == null) {
                throw new WorkspaceException(problems.list());
            }
        }
        Extractor.Query described = Extractor.described(activation, model, model.asSubquery(), columns, segment);
        List<ExportColumn> exported = described.exported();
        List<String> keys = described.keys();
        sql = new ChangeQueries(ChangeQueries.of(dialect), keys);
        Map<String, Column> byName = new LinkedHashMap<>();
        columns.forEach(c -> byName.putIfAbsent(c.name(), c));
        exportedTypes = exported.stream().map(c -> {
            Column source = byName.get(c.source());
            return new Column(c.name(), source.type(), source.sourceType(), source.precision(), source.scale());
        }).toList();
        // The model's own order, kept for the files: the rows come out of the source in it.
        String select = sql.rowColumns("q", model.primaryKey(), exported, true) + ", row_number() OVER () AS " + ORDER;
        // Created empty from the model alone (a segment's bound values cannot go into a CREATE), then filled.
        try {
            // Planned from the model's own query: a connection lost here is lost while reading the model too.
            execute(dialect.createTempTable(NOW, "SELECT " + select + " FROM (" + modelSelect + ") AS q WHERE 1 = 0"));
        } catch (SQLException e) {
            throw dev.sluice.source.ConnectionErrors.queryFailed(model, e);
        }
        try (PreparedStatement insert = new CompiledQuery("INSERT INTO " + NOW + " SELECT " + select + " FROM (" + query.sql() + ") AS q",
                query.parameters()).prepare(connection)) {
            insert.execute();
        } catch (SQLException e) {
            throw dev.sluice.source.ConnectionErrors.queryFailed(model, e);
        }
        // Statistics for the planner: the comparison joins this table with the state table.
        execute(dialect.gatherStatistics(NOW));
        long read = queryLong("SELECT count(*) FROM " + NOW);
        long skipped = Extractor.checkKeys(connection, sql, NOW, activation, model);
        if (skipped > 0) {
            execute("DELETE FROM " + NOW + " WHERE " + sql.invalidKey(NOW));
        }
        // The values are kept only where _removed files need them: a snapshot without them cannot serve a difference run.
        now = new Extracted(keys, described.exportedAsNamed(), read, skipped, described.fingerprint() + (keepsValues() ? "+values" : ""),
                described.keyAttributes());
        previous = readPrevious();
        return now;
    }

    private boolean keepsValues() {
        return activation.syncMode() == SyncMode.DIFFERENCE;
    }

    private Previous readPrevious() throws SQLException {
        if (dryRun && !metaExists()) {
            return null;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT run, fingerprint, state_table FROM " + meta()
                + " WHERE activation = ?")) {
            statement.setString(1, activation.name());
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Previous found = new Previous(rs.getString(1), rs.getString(2), rs.getString(3));
                // A snapshot older than the activation's latest success (its state was kept in the engine since) is stale.
                return latestSucceeded.filter(found.run()::equals).isPresent() ? found : null;
            }
        }
    }

    private boolean metaExists() throws SQLException {
        try (ResultSet rs = connection.getMetaData().getTables(null, dialect.schema(), META, null)) {
            return rs.next();
        }
    }

    @Override
    public Optional<String> previousFingerprint() {
        return previous == null ? Optional.empty() : Optional.of(previous.fingerprint());
    }

    private String previousTable() {
        return dialect.schema() + "." + dialect.quote(previous.table());
    }

    @Override
    public Changes count() throws SQLException {
        compared = true;
        changesKnown = true;
        execute(dialect.createTempTable(CHANGES, sql.changes(NOW, previousTable(), HASH)));
        // Without statistics the planner hashes the big side when the changed rows are read out (1.0 s against 0.3 s at 2 M rows).
        execute(dialect.gatherStatistics(CHANGES));
        return Changes.counted(connection, NOW, CHANGES);
    }

    @Override
    public Changes classifyKeys() throws SQLException {
        textKeys = true;
        changesKnown = true;
        int previousKeys = 0;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM " + previousTable() + " WHERE 1 = 0")) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                if (rs.getMetaData().getColumnLabel(i).matches("sluice_k[0-9]+")) {
                    previousKeys++;
                }
            }
        }
        boolean sameKeys = previousKeys == now.keys().size();
        allRemoved = !sameKeys;
        if (sameKeys) {
            execute(dialect.createTempTable(CHANGES, sql.addedKeysAsText(NOW, previousTable())));
            execute("INSERT INTO " + CHANGES + " " + sql.removedKeysAsText(NOW, previousTable()));
        } else {
            // Another number of key columns: nothing matches; every row is new, every previous row went away (unnamed).
            execute(dialect.createTempTable(CHANGES, sql.everyKeyAddedAsText(NOW)));
        }
        execute(dialect.gatherStatistics(CHANGES));
        long rows = queryLong("SELECT count(*) FROM " + NOW);
        long added = queryLong("SELECT count(*) FROM " + CHANGES + " WHERE change = 'A'");
        long removed = sameKeys ? queryLong("SELECT count(*) FROM " + CHANGES + " WHERE change = 'R'")
                : queryLong("SELECT count(*) FROM " + previousTable());
        return new Changes(added, rows - added, removed, 0);
    }

    @Override
    public void prepare(boolean all) throws SQLException {
        List<Column> rowColumns = new ArrayList<>(exportedTypes);
        rowColumns.add(Column.of(KIND, LogicalType.STRING));
        String values = exportedTypes.stream().map(c -> dialect.exported(c, "n." + dialect.quote(c.name()))).collect(Collectors.joining(", "));
        String rows;
        if (!changesKnown) {
            rows = "SELECT " + values + ", 'A' FROM " + NOW + " n ORDER BY n." + ORDER;
        } else {
            // A delta run reads only its changed rows: joined from the (small) changed keys, not every row.
            rows = "SELECT " + values + ", c.change FROM " + NOW + " n " + (all ? "LEFT " : "") + "JOIN "
                    + sql.keysWithKindOf(CHANGES, "A", "U") + " c ON " + sql.changesOn(textKeys, "n", "c") + " ORDER BY n." + ORDER;
        }
        copyIntoEngine(rows, rowColumns, ROWS);
        if (keepsValues() && changesKnown && previous != null) {
            copyIntoEngine(removedRows(), exportedTypes, REMOVED_ROWS);
        } else {
            copyIntoEngine("SELECT " + values + " FROM " + NOW + " n WHERE 1 = 0", exportedTypes, REMOVED_ROWS);
        }
    }

    /**
     * The removed rows' last values, from the state table. After a change of columns (keys compared
     * as text) a key attribute takes its value from the stored key, any other from the previous
     * column of the same name, if there was one; with another number of key columns every previous
     * row went away.
     */
    private String removedRows() throws SQLException {
        List<String> previousColumns = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM " + previousTable() + " WHERE 1 = 0")) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                previousColumns.add(rs.getMetaData().getColumnLabel(i));
            }
        }
        String removed = exportedTypes.stream().map(c -> {
            String key = now.keyAttributes().get(c.name());
            if (!compared && key != null && !allRemoved) {
                return "c." + key;
            }
            // By name, ignoring case as the engine's UNION BY NAME does: an attribute renamed only in case keeps its values.
            Optional<String> same = previousColumns.stream().filter(name -> name.equalsIgnoreCase(c.name())).findFirst();
            return same.map(name -> dialect.exported(c, "p." + dialect.quote(name))).orElse("NULL");
        }).collect(Collectors.joining(", "));
        if (allRemoved) {
            return "SELECT " + removed + " FROM " + previousTable() + " p";
        }
        return "SELECT " + removed + " FROM " + previousTable() + " p JOIN " + sql.keysOf(CHANGES, "R") + " c ON "
                + sql.changesOn(textKeys, "p", "c");
    }

    private void copyIntoEngine(String select, List<Column> columns, String table) throws SQLException {
        Path csv = null;
        try {
            csv = dialect.tempCsv(engine);
            dialect.copyOut(connection, select, csv);
            dialect.load(engine, columns, csv, table);
        } catch (IOException e) {
            throw SluiceException.external("activations." + activation.name() + ": cannot stage rows from source '" + source.name()
                    + "' in the engine: " + e.getMessage(), e);
        } finally {
            if (csv != null) {
                try {
                    Files.deleteIfExists(csv);
                } catch (IOException ignored) {
                    // the work folder goes at the end of the run
                }
            }
        }
    }

    @Override
    public String select(OutputContent content) {
        String columns = now.columns().stream().map(c -> Engine.identifier(c.name())).collect(Collectors.joining(", "));
        String from = "SELECT " + columns + " FROM " + ROWS;
        return switch (content) {
            case ALL -> from;
            case NOTHING -> from + " WHERE false";
            case ADDED, NEW_KEYS -> from + " WHERE " + KIND + " = 'A'";
            case UPDATED -> from + " WHERE " + KIND + " = 'U'";
            case ADDED_OR_UPDATED -> from + " WHERE " + KIND + " IN ('A', 'U')";
            case KEPT_KEYS -> from + " WHERE " + KIND + " IS DISTINCT FROM 'A'";
            case REMOVED -> "SELECT " + columns + " FROM " + REMOVED_ROWS;
        };
    }

    @Override
    public long commitBytes(long filesBytes) {
        return 0;
    }

    @Override
    public void commit(String run, boolean comparable, Instant at) throws SQLException {
        String keys = String.join(", ", now.keys());
        String kept = keys + ", " + HASH + (keepsValues()
                ? ", " + now.columns().stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(", ")) : "");
        String table = tableName(activation.name());
        connection.setAutoCommit(false);
        try {
            if (activation.audit()) {
                appendChanges(run, at); // before the state table changes: the removed keys are read from it
            }
            if (comparable && previous != null && previous.table().equals(table)) {
                execute(dialect.deleteKeys(stateTable(), now.keys(), sql.keysOf(CHANGES, "U", "R")));
                execute("INSERT INTO " + stateTable() + " (" + kept + ") SELECT " + now.keys().stream().map(k -> "n." + k)
                        .collect(Collectors.joining(", ")) + ", n." + HASH + (keepsValues() ? ", " + now.columns().stream()
                        .map(c -> "n." + dialect.quote(c.name())).collect(Collectors.joining(", ")) : "") + " FROM " + NOW
                        + " n JOIN " + sql.keysOf(CHANGES, "A", "U") + " c ON " + sql.on("n", "c"));
            } else {
                execute("DROP TABLE IF EXISTS " + stateTable());
                execute("CREATE TABLE " + stateTable() + " AS SELECT " + kept + " FROM " + NOW + " ORDER BY " + ORDER);
                // The key is unique (checked above): an index for the next comparison and incremental commits.
                execute("ALTER TABLE " + stateTable() + " ADD PRIMARY KEY (" + keys + ")");
                execute(dialect.gatherStatistics(stateTable()));
            }
            try (PreparedStatement upsert = connection.prepareStatement(dialect.recordSnapshot(meta()))) {
                upsert.setString(1, activation.name());
                upsert.setString(2, run);
                upsert.setString(3, now.fingerprint());
                upsert.setString(4, table);
                upsert.setString(5, at.toString());
                upsert.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException ended) {
                e.addSuppressed(ended);
            }
            throw failure("committing the snapshot", e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the session ends with the run
            }
        }
    }

    /** An instant as the change log writes it: fixed width, so that text order is time order. */
    private static final java.time.format.DateTimeFormatter LOGGED_AT = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /**
     * {@code audit: true}, inside the commit's transaction: appends this run's changes to the
     * activation's change log (the keys of the rows added, updated and removed, named as the model's
     * primary key), then deletes the rows of runs the activation's retention no longer keeps. A first
     * run logs every row as added; after a change of the primary key's columns the removed rows (keys
     * of another shape) are not logged.
     */
    private void appendChanges(String run, Instant at) throws SQLException {
        List<String> primaryKey = workspace.modelOf(activation.target()).primaryKey();
        String log = dialect.schema() + "." + dialect.quote(changeLogName(activation.name()));
        String named = java.util.stream.IntStream.range(0, now.keys().size())
                .mapToObj(i -> "n." + now.keys().get(i) + " AS " + dialect.quote(primaryKey.get(i))).collect(Collectors.joining(", "));
        execute(dialect.createChangeLog(log, "SELECT " + named + " FROM " + NOW + " n WHERE 1 = 0"));
        String columns = "sluice_run_id, sluice_change, sluice_committed_at, "
                + primaryKey.stream().map(dialect::quote).collect(Collectors.joining(", "));
        String keysOfNow = now.keys().stream().map(k -> "n." + k).collect(Collectors.joining(", "));
        String stamp = LOGGED_AT.format(at);
        List<String> inserts = new ArrayList<>();
        if (!changesKnown) {
            if (previous == null) {
                inserts.add("SELECT ?, 'added', ?, " + keysOfNow + " FROM " + NOW + " n");
            }
        } else {
            inserts.add("SELECT ?, CASE c.change WHEN 'A' THEN 'added' ELSE 'updated' END, ?, " + keysOfNow + " FROM " + NOW + " n JOIN "
                    + sql.keysWithKindOf(CHANGES, "A", "U") + " c ON " + sql.changesOn(textKeys, "n", "c"));
            if (previous != null && !allRemoved) {
                inserts.add("SELECT ?, 'removed', ?, " + now.keys().stream().map(k -> "p." + k).collect(Collectors.joining(", "))
                        + " FROM " + previousTable() + " p JOIN " + sql.keysOf(CHANGES, "R") + " c ON " + sql.changesOn(textKeys, "p", "c"));
            }
        }
        for (String insert : inserts) {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + log + " (" + columns + ") " + insert)) {
                statement.setString(1, run);
                statement.setString(2, stamp);
                statement.executeUpdate();
            }
        }
        dev.sluice.plan.Retention retention = activation.retention();
        if (retention != null) {
            try (PreparedStatement trim = connection.prepareStatement(dialect.trimChangeLog(log, retention.keepRuns(),
                    retention.keepDays() != null))) {
                if (retention.keepDays() != null) {
                    trim.setString(1, LOGGED_AT.format(at.minus(java.time.Duration.ofDays(retention.keepDays()))));
                }
                trim.executeUpdate();
            }
        }
    }

    @Override
    public Optional<String> committedRun() {
        return committedRun(source, dialect, activation.name());
    }

    /** The run whose snapshot is in force in the source; empty when there is none. */
    static Optional<String> committedRun(Source source, WarehouseState dialect, String activation) {
        try (Connection c = source.connect();
                PreparedStatement statement = c.prepareStatement("SELECT run FROM " + dialect.schema() + "." + META
                        + " WHERE activation = ?")) {
            statement.setString(1, activation);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            if (dialect.stateMissing(e)) {
                return Optional.empty(); // no state kept yet
            }
            throw new SluiceException(ErrorKind.EXTERNAL, "activations." + activation + ": cannot read its state in source '"
                    + source.name() + "': " + e.getMessage().strip(), e);
        }
    }

    /** Forgets the activation's snapshot in the source; whether there was one. */
    static boolean reset(Source source, WarehouseState dialect, String activation) {
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            boolean had;
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + dialect.schema() + "." + META + " WHERE activation = ?");
                    Statement drop = c.createStatement()) {
                delete.setString(1, activation);
                had = delete.executeUpdate() > 0;
                drop.execute("DROP TABLE IF EXISTS " + dialect.schema() + "." + dialect.quote(tableName(activation)));
            }
            c.commit();
            return had;
        } catch (SQLException e) {
            if (dialect.stateMissing(e)) {
                return false;
            }
            throw new SluiceException(ErrorKind.EXTERNAL, "activations." + activation + ": cannot reset its state in source '"
                    + source.name() + "': " + e.getMessage().strip(), e);
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close(); // the session's temporary tables go with it
            } catch (SQLException ignored) {
                // nothing to keep
            }
        }
    }
}
