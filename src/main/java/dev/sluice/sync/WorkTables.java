package dev.sluice.sync;

import java.util.List;

/**
 * The names of the tables a run works with inside the engine, and the queries over them that more
 * than one stage reads. In pipeline order:
 * <ol>
 * <li>{@value #READ}: the rows as read, before the key checks; renamed or filtered into
 * <li>{@value #NOW}: this run's rows — the key columns {@code sluice_k0…}, the exported attributes
 * under their exported names (unless the run writes straight from the model, see
 * {@link Extracted#rows}), then {@value #HASH};
 * <li>{@value #PREV}: the previous snapshot ({@value #SNAPSHOT} in the file attached as
 * {@value #ATTACHED}): keys and {@value #HASH}, and the attributes where {@code _removed} files need them;
 * <li>{@value #CHANGES}: the changed keys with their kind ({@code change} is A, U or R);
 * <li>{@value #CHANGED_ROWS}: the added and updated rows of {@value #NOW} with their kind in
 * {@value #KIND}, read once for the output files and the snapshot commit.
 * </ol>
 */
public final class WorkTables {
    static final String READ = "sluice_read";
    public static final String NOW = "sluice_now";
    /** The last column of {@value #NOW}: a 64-bit hash of the row's exported attributes. */
    public static final String HASH = "sluice_hash";
    public static final String PREV = "sluice_prev";
    public static final String CHANGES = "sluice_changes";
    public static final String CHANGED_ROWS = "sluice_changed_rows";
    static final String KIND = "sluice_change_kind";
    /** The rows' table inside a snapshot file. */
    public static final String SNAPSHOT = "snapshot";
    /** The alias under which a snapshot file is attached to the engine. */
    public static final String ATTACHED = "sluice_snap";
    /** The alias under which a new snapshot file is attached while it is written. */
    static final String FRESH = "sluice_fresh";

    private WorkTables() {}

    /**
     * The hash of a row's attributes as this engine computes it, over {@code columns} (qualified by
     * {@code alias} when given). Computed once per row at extraction, stored in the snapshot, and
     * compared by change detection; only trusted across runs made with the same engine version.
     */
    public static String rowHash(List<String> columns, String alias) {
        return new ChangeQueries(ChangeQueries.ENGINE, List.of()).hashOf(columns, alias);
    }
}
