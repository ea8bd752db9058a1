package dev.sluice.sync;

import dev.sluice.engine.Engine;
import dev.sluice.format.ExportColumn;
import dev.sluice.source.WarehouseState;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The SQL of extract and compare, written once for the engine ({@link Extractor},
 * {@link ChangeDetector}) and for a source that keeps the state ({@link SourceState}): the
 * key/attribute/row-hash select, the key checks, the comparison join and the changed keys of each
 * kind. Only a {@link Dialect}'s few parts differ: identifier quoting, the row hash and the text
 * cast. A query is over the key columns {@code sluice_k0…} of {@link #keys()}; this run's rows are
 * aliased {@code n}, the previous snapshot's {@code p}.
 */
public record ChangeQueries(Dialect dialect, List<String> keys) {

    /** The differences between SQL dialects that the queries here depend on. */
    public interface Dialect {
        /** The identifier quoted. */
        String quote(String identifier);

        /** A hash of a row's values (the expressions given, in order). */
        String rowHash(List<String> expressions);

        /** A value as text, for comparing keys whose types changed. */
        String asText(String expression);
    }

    /** The engine's (DuckDB's) dialect: its 64-bit {@code hash}, only trusted across runs of the same engine version. */
    public static final Dialect ENGINE = new Dialect() {
        @Override
        public String quote(String identifier) {
            return Engine.identifier(identifier);
        }

        @Override
        public String rowHash(List<String> expressions) {
            return "hash(" + String.join(", ", expressions) + ")";
        }

        @Override
        public String asText(String expression) {
            return "CAST(" + expression + " AS VARCHAR)";
        }
    };

    /** A source's dialect, from its {@code state: source} side. */
    public static Dialect of(WarehouseState warehouse) {
        return new Dialect() {
            @Override
            public String quote(String identifier) {
                return warehouse.quote(identifier);
            }

            @Override
            public String rowHash(List<String> expressions) {
                return warehouse.rowHash(expressions);
            }

            @Override
            public String asText(String expression) {
                return warehouse.asText(expression);
            }
        };
    }

    /** The key columns for a primary key of {@code size} columns: {@code sluice_k0…}. */
    public static List<String> keyColumns(int size) {
        return IntStream.range(0, size).mapToObj(i -> "sluice_k" + i).toList();
    }

    public ChangeQueries {
        keys = List.copyOf(keys);
    }

    // --- extract: the key/attribute/row-hash select ---

    /**
     * Of a query aliased {@code alias}: the primary key's columns as {@code sluice_kN}, the exported
     * attributes under their names (if {@code values}), and the row hash over the attributes as
     * {@value WorkTables#HASH}.
     */
    public String rowColumns(String alias, List<String> primaryKey, List<ExportColumn> exported, boolean values) {
        return keyColumnsOf(alias, primaryKey) + (values ? ", " + attributes(alias, exported) : "") + ", " + rowHash(alias, exported)
                + " AS " + WorkTables.HASH;
    }

    /** The primary key's columns of a query aliased {@code alias}, as {@code sluice_kN}. */
    public String keyColumnsOf(String alias, List<String> primaryKey) {
        return IntStream.range(0, keys.size()).mapToObj(i -> alias + "." + dialect.quote(primaryKey.get(i)) + " AS " + keys.get(i))
                .collect(Collectors.joining(", "));
    }

    /** The exported attributes of a query aliased {@code alias}, under their exported names. */
    public String attributes(String alias, List<ExportColumn> exported) {
        return exported.stream().map(c -> alias + "." + dialect.quote(c.source()) + " AS " + dialect.quote(c.name()))
                .collect(Collectors.joining(", "));
    }

    /** The row hash over the exported attributes' source columns of a query aliased {@code alias}. */
    public String rowHash(String alias, List<ExportColumn> exported) {
        return hashOf(exported.stream().map(ExportColumn::source).toList(), alias);
    }

    /** The row hash over {@code columns} (qualified by {@code alias} when given). */
    public String hashOf(List<String> columns, String alias) {
        return dialect.rowHash(columns.stream().map(c -> (alias == null ? "" : alias + ".") + dialect.quote(c)).toList());
    }

    // --- the key checks ---

    /** Whether a row has a null key column. */
    public String anyNullKey() {
        return keys.stream().map(k -> k + " IS NULL").collect(Collectors.joining(" OR "));
    }

    /** Whether every key column of a row is present. */
    public String notNullKeys() {
        return keys.stream().map(k -> k + " IS NOT NULL").collect(Collectors.joining(" AND "));
    }

    /** The key columns, as a list. */
    public String keyList() {
        return String.join(", ", keys);
    }

    /**
     * One pass over {@code table}: rows with a null key, rows, distinct keys. The rows are valid
     * exactly when the first is 0 and the other two are equal.
     */
    public String keyCheck(String table) {
        return "SELECT count(*) FILTER (WHERE " + anyNullKey() + "), count(*), count(DISTINCT (" + keyList() + ")) FROM " + table;
    }

    /** How many rows of {@code table} have a null key. */
    public String nullKeyCount(String table) {
        return "SELECT count(*) FROM " + table + " WHERE " + anyNullKey();
    }

    /** How many rows of {@code table} share their (present) key with another row. */
    public String duplicateRowCount(String table) {
        return "SELECT COALESCE(sum(n), 0) FROM (SELECT count(*) AS n FROM " + table + " WHERE " + notNullKeys() + " GROUP BY "
                + keyList() + " HAVING count(*) > 1) AS sluice_d";
    }

    /** Up to {@code limit} repeated keys of {@code table} with their number of rows, the most repeated first. */
    public String duplicateKeys(String table, int limit) {
        return "SELECT " + keyList() + ", count(*) FROM " + table + " WHERE " + notNullKeys() + " GROUP BY " + keyList()
                + " HAVING count(*) > 1 ORDER BY count(*) DESC, " + keyList() + " LIMIT " + limit;
    }

    /** Whether a row of {@code table} has an invalid key: a null, or one shared with another row. */
    public String invalidKey(String table) {
        return anyNullKey() + " OR (" + keyList() + ") IN (SELECT " + keyList() + " FROM " + table + " GROUP BY " + keyList()
                + " HAVING count(*) > 1)";
    }

    // --- compare ---

    /** The join of tables aliased {@code left} and {@code right} on the key columns. */
    public String on(String left, String right) {
        return keys.stream().map(k -> left + "." + k + " = " + right + "." + k).collect(Collectors.joining(" AND "));
    }

    /** The join of a query aliased {@code rows}, on its primary key's columns, with keys aliased {@code changed}. */
    public String primaryKeyOn(String rows, List<String> primaryKey, String changed) {
        return IntStream.range(0, keys.size()).mapToObj(i -> rows + "." + dialect.quote(primaryKey.get(i)) + " = " + changed + "." + keys.get(i))
                .collect(Collectors.joining(" AND "));
    }

    /**
     * The join of this run's rows aliased {@code rows} with changed keys aliased {@code changed}:
     * with {@code textKeys}, the changed keys are text ({@link #addedKeysAsText}).
     */
    public String changesOn(boolean textKeys, String rows, String changed) {
        return textKeys ? keys.stream().map(k -> dialect.asText(rows + "." + k) + " = " + changed + "." + k)
                .collect(Collectors.joining(" AND ")) : on(rows, changed);
    }

    /**
     * The one FULL OUTER JOIN: every key whose row was added ({@code change} A), removed (R) or
     * updated (U, the hashes differ) between {@code now} and {@code previous}, whose row hash is
     * {@code previousHash}.
     */
    public String changes(String now, String previous, String previousHash) {
        String first = keys.get(0);
        return "SELECT " + keys.stream().map(k -> "COALESCE(n." + k + ", p." + k + ") AS " + k).collect(Collectors.joining(", "))
                + ", CASE WHEN p." + first + " IS NULL THEN 'A' WHEN n." + first + " IS NULL THEN 'R' ELSE 'U' END AS change"
                + " FROM (SELECT " + keyList() + ", " + WorkTables.HASH + " AS sluice_hash FROM " + now + ") n"
                + " FULL OUTER JOIN (SELECT " + keyList() + ", " + previousHash + " AS sluice_hash FROM " + previous + ") p ON " + on("n", "p")
                + " WHERE p." + first + " IS NULL OR n." + first + " IS NULL OR n.sluice_hash <> p.sluice_hash";
    }

    private String keysAsText() {
        return keys.stream().map(k -> dialect.asText(k) + " AS " + k).collect(Collectors.joining(", "));
    }

    /** The keys of {@code now} not in {@code previous}, compared as text, as change A. */
    public String addedKeysAsText(String now, String previous) {
        return "SELECT " + keyList() + ", 'A' AS change FROM (SELECT " + keysAsText() + " FROM " + now + " EXCEPT ALL SELECT "
                + keysAsText() + " FROM " + previous + ") AS a";
    }

    /** The keys of {@code previous} not in {@code now}, compared as text, as change R. */
    public String removedKeysAsText(String now, String previous) {
        return "SELECT " + keyList() + ", 'R' FROM (SELECT " + keysAsText() + " FROM " + previous + " EXCEPT ALL SELECT "
                + keysAsText() + " FROM " + now + ") AS r";
    }

    /** Every key of {@code now} as text, as change A: no previous key matches. */
    public String everyKeyAddedAsText(String now) {
        return "SELECT " + keysAsText() + ", 'A' AS change FROM " + now;
    }

    /** The keys of {@code changes} of the given kinds (A, U, R), as a subquery. */
    public String keysOf(String changes, String... kinds) {
        return changedKeys(changes, false, kinds);
    }

    /** The keys of {@code changes} of the given kinds with their {@code change}, as a subquery. */
    public String keysWithKindOf(String changes, String... kinds) {
        return changedKeys(changes, true, kinds);
    }

    private String changedKeys(String changes, boolean withKind, String... kinds) {
        String in = Arrays.stream(kinds).map(k -> "'" + k + "'").collect(Collectors.joining(", "));
        return "(SELECT " + keyList() + (withKind ? ", change" : "") + " FROM " + changes + " WHERE change "
                + (kinds.length == 1 ? "= " + in : "IN (" + in + ")") + ")";
    }
}
