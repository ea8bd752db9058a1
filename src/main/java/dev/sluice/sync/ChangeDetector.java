package dev.sluice.sync;

import static dev.sluice.sync.WorkTables.ATTACHED;
import static dev.sluice.sync.WorkTables.CHANGED_ROWS;
import static dev.sluice.sync.WorkTables.CHANGES;
import static dev.sluice.sync.WorkTables.HASH;
import static dev.sluice.sync.WorkTables.KIND;
import static dev.sluice.sync.WorkTables.NOW;
import static dev.sluice.sync.WorkTables.PREV;
import static dev.sluice.sync.WorkTables.SNAPSHOT;

import dev.sluice.engine.Engine;
import dev.sluice.plan.OutputContent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The "detect changes" stage: one FULL OUTER JOIN on the primary key between this run's rows and
 * the previous snapshot, comparing the exported attributes (null equals null). The queries are
 * {@link ChangeQueries}', rendered for the engine; {@code SourceState} runs the same ones in a source.
 */
public final class ChangeDetector {

    private final Engine engine;
    private final Extracted now;
    private final ChangeQueries sql;
    /** The previous rows' hash: stored, or computed when the snapshot's engine hashed differently. */
    private String previousHash;
    /** Whether {@value WorkTables#CHANGES} holds its keys as text ({@link #classifyKeys}). */
    private boolean textKeys;
    /** Whether every previous row went away: the snapshot has another number of key columns. */
    private boolean allRemoved;

    public ChangeDetector(Engine engine, Extracted now) {
        this.engine = engine;
        this.now = now;
        this.sql = new ChangeQueries(ChangeQueries.ENGINE, now.keys());
    }

    /**
     * Makes the previous snapshot readable as {@value WorkTables#PREV} (attached read-only); with no snapshot,
     * {@value WorkTables#PREV} is empty. The stored row hashes are used when the same engine version wrote them.
     */
    public void usePrevious(SnapshotStore.Snapshot snapshot) throws SQLException {
        engine.execute("DETACH DATABASE IF EXISTS " + ATTACHED);
        if (snapshot == null) {
            engine.execute("CREATE OR REPLACE TEMP VIEW " + PREV + " AS SELECT * FROM " + NOW + " WHERE false");
            previousHash = HASH;
        } else {
            engine.execute("ATTACH " + Engine.literal(snapshot.file().toAbsolutePath().toString()) + " AS " + ATTACHED
                    + " (READ_ONLY)");
            engine.execute("CREATE OR REPLACE TEMP VIEW " + PREV + " AS SELECT * FROM " + ATTACHED + "." + SNAPSHOT);
            previousHash = snapshot.engine().equals(engine.version()) ? HASH
                    : sql.hashOf(now.columns().stream().map(c -> c.name()).toList(), null);
        }
    }

    /**
     * Classifies every key in one FULL OUTER JOIN and keeps only the changed keys, in the small
     * table {@value WorkTables#CHANGES} ({@code change} is A, U or R). The join compares a 64-bit hash of the
     * exported attributes (the previous side's stored in the snapshot, and only trusted when the same
     * engine version computed it): the join carries only keys and hashes, not whole rows. Two
     * different rows hash alike with a probability of about 2^-64; such a change would be missed.
     */
    public Changes count() throws SQLException {
        engine.execute("CREATE OR REPLACE TEMP TABLE " + CHANGES + " AS " + sql.changes(NOW, PREV, previousHash));
        return Changes.counted(engine.connection(), NOW, CHANGES);
    }

    /**
     * For a snapshot whose columns differ from this run's (changed mapping, key or types): which
     * keys are new ({@code A}) and which went away ({@code R}), comparing keys as text, since their
     * types may have changed; values are not compared. With another number of key columns no key
     * matches: every row is new and every previous row went away. Returns the counts, every kept
     * key counted as updated.
     */
    public Changes classifyKeys() throws SQLException {
        textKeys = true;
        boolean sameKeys = keyColumnsOfPrevious() == now.keys().size();
        allRemoved = !sameKeys;
        if (sameKeys) {
            engine.execute("CREATE OR REPLACE TEMP TABLE " + CHANGES + " AS " + sql.addedKeysAsText(NOW, PREV));
            engine.execute("INSERT INTO " + CHANGES + " " + sql.removedKeysAsText(NOW, PREV));
        } else {
            engine.execute("CREATE OR REPLACE TEMP TABLE " + CHANGES + " AS " + sql.everyKeyAddedAsText(NOW));
        }
        long rows = engine.queryLong("SELECT count(*) FROM " + NOW);
        long added = engine.queryLong("SELECT count(*) FROM " + CHANGES + " WHERE change = 'A'");
        long removed = sameKeys ? engine.queryLong("SELECT count(*) FROM " + CHANGES + " WHERE change = 'R'")
                : engine.queryLong("SELECT count(*) FROM " + PREV);
        return new Changes(added, rows - added, removed, 0);
    }

    private int keyColumnsOfPrevious() throws SQLException {
        int count = 0;
        try (Statement statement = engine.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM " + PREV + " LIMIT 0")) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                if (rs.getMetaData().getColumnLabel(i).matches("sluice_k[0-9]+")) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Reads the added and updated rows out of {@value WorkTables#NOW} once, into the small table
     * {@value WorkTables#CHANGED_ROWS}, after {@link #count}: the output files and the snapshot commit then
     * read those rows, instead of each scanning every row of this run again.
     */
    public void keepChangedRows() throws SQLException {
        engine.execute("CREATE OR REPLACE TEMP TABLE " + CHANGED_ROWS + " AS SELECT n.*, p.change AS " + KIND + " FROM "
                + NOW + " n JOIN " + addedOrUpdatedKeys() + " p ON " + sql.on("n", "p"));
    }

    /**
     * As {@link #keepChangedRows}, for rows of which {@value WorkTables#NOW} holds only keys and
     * hashes: the added and updated rows are read a second time, by {@code reader} (given the
     * changed keys' table and the name of the column for their kind, it returns the SELECT of those
     * rows from the model, with keys, attributes and hash as {@value WorkTables#NOW} would hold
     * them). Returns whether that second read gave back exactly the rows compared: each changed key
     * once, with the same hash. When it did not (a model whose result changes between two reads),
     * what it read must not be written.
     */
    public boolean readChangedRows(java.util.function.BinaryOperator<String> reader) throws SQLException {
        engine.execute("CREATE OR REPLACE TEMP TABLE " + CHANGED_ROWS + " AS " + reader.apply(addedOrUpdatedKeys(), KIND));
        long expected = engine.queryLong("SELECT count(*) FROM " + addedOrUpdatedKeys());
        long read;
        long same;
        // Every key of the changed rows is one of this run's (the changed keys came from them): an inner join keeps them all.
        try (Statement statement = engine.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*), count(*) FILTER (WHERE n." + HASH + " = p." + HASH + ") FROM "
                        + CHANGED_ROWS + " n JOIN " + NOW + " p ON " + sql.on("n", "p"))) {
            rs.next();
            read = rs.getLong(1);
            same = rs.getLong(2);
        }
        return read == expected && same == expected;
    }

    /** The added and updated keys with their kind, as a subquery. */
    private String addedOrUpdatedKeys() {
        return sql.keysWithKindOf(CHANGES, "A", "U");
    }

    /** The SELECT of an output's rows: the exported attributes only, under their exported names. */
    public String select(OutputContent content) {
        return switch (content) {
            case ALL -> "SELECT " + columns(null) + " FROM " + NOW;
            case NOTHING -> "SELECT " + columns(null) + " FROM " + NOW + " WHERE false";
            case ADDED -> "SELECT " + columns(null) + " FROM " + CHANGED_ROWS + " WHERE " + KIND + " = 'A'";
            case UPDATED -> "SELECT " + columns(null) + " FROM " + CHANGED_ROWS + " WHERE " + KIND + " = 'U'";
            case ADDED_OR_UPDATED -> "SELECT " + columns(null) + " FROM " + CHANGED_ROWS;
            case NEW_KEYS -> "SELECT " + columns("n") + " FROM " + NOW + " n SEMI JOIN " + sql.keysOf(CHANGES, "A") + " p ON "
                    + sql.changesOn(textKeys, "n", "p");
            case KEPT_KEYS -> "SELECT " + columns("n") + " FROM " + NOW + " n ANTI JOIN " + sql.keysOf(CHANGES, "A") + " p ON "
                    + sql.changesOn(textKeys, "n", "p");
            // By name: after a change of columns the previous rows keep the columns they share with
            // this run's, and the others are null.
            case REMOVED -> "SELECT " + removedColumns() + " FROM (SELECT * FROM " + NOW + " WHERE false UNION ALL BY NAME SELECT n.* FROM "
                    + PREV + " n" + (allRemoved ? "" : " SEMI JOIN " + sql.keysOf(CHANGES, "R") + " p ON " + sql.changesOn(textKeys, "n", "p"))
                    + ")";
        };
    }

    /**
     * The exported attributes of removed rows. After a change of mapping (text keys), an attribute
     * that is a primary key column takes its value from the stored key, so that a renamed key
     * attribute still says which row went away.
     */
    private String removedColumns() {
        if (!textKeys || allRemoved || now.keyAttributes().isEmpty()) {
            return columns(null);
        }
        Map<String, String> types = new HashMap<>();
        try (Statement statement = engine.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT column_name, column_type FROM (DESCRIBE " + NOW + ")")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot describe " + NOW + ": " + e.getMessage(), e);
        }
        return now.columns().stream().map(c -> {
            String key = now.keyAttributes().get(c.name());
            String value = key == null ? Engine.identifier(c.name()) : "CAST(" + key + " AS " + types.get(c.name()) + ")";
            return value + " AS " + Engine.identifier(c.name());
        }).collect(Collectors.joining(", "));
    }

    private String columns(String alias) {
        return now.columns().stream().map(c -> (alias == null ? "" : alias + ".") + Engine.identifier(c.name())
                + " AS " + Engine.identifier(c.name())).collect(Collectors.joining(", "));
    }
}
