package dev.sluice.sync;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One fixture for {@link ChangeQueries} in every dialect: a model and a previous snapshot, the
 * model's rows extracted with their hash (the previous rows hashed by the same query), then
 * compared. The same changes and key checks must come out on every database.
 */
final class ChangeQueriesFixture {
    /** Key 1 kept, 2 updated, 3 removed, 4 added; one null key and one key twice, skipped. */
    static final List<String> EXPECTED = List.of("check 6 rows, 1 null, 4 distinct", "null keys 1", "duplicate rows 2",
            "2 U", "3 R", "4 A", "valid 3");

    private ChangeQueriesFixture() {}

    static List<String> classify(Connection c, ChangeQueries sql) throws SQLException {
        List<String> seen = new ArrayList<>();
        List<String> key = List.of("Id");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE model (\"Id\" integer, \"e\"\"mail\" text)");
            s.execute("INSERT INTO model VALUES (1, 'a'), (2, 'b2'), (4, 'd'), (NULL, 'x'), (5, 'e'), (5, 'f')");
            s.execute("CREATE TEMP TABLE previous_model (\"Id\" integer, \"e\"\"mail\" text)");
            s.execute("INSERT INTO previous_model VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            s.execute("CREATE TEMP TABLE now_t AS SELECT " + sql.rowColumns("q", key, ChangeQueriesTest.EXPORTED, true)
                    + " FROM model AS q");
            s.execute("CREATE TEMP TABLE prev_t AS SELECT " + sql.rowColumns("q", key, ChangeQueriesTest.EXPORTED, false)
                    + " FROM previous_model AS q");
            try (ResultSet rs = s.executeQuery(sql.keyCheck("now_t"))) {
                rs.next();
                seen.add("check " + rs.getLong(2) + " rows, " + rs.getLong(1) + " null, " + rs.getLong(3) + " distinct");
            }
            seen.add("null keys " + Extractor.queryLong(c, sql.nullKeyCount("now_t")));
            seen.add("duplicate rows " + Extractor.queryLong(c, sql.duplicateRowCount("now_t")));
            s.execute("DELETE FROM now_t WHERE " + sql.invalidKey("now_t"));
            s.execute("CREATE TEMP TABLE changes_t AS " + sql.changes("now_t", "prev_t", WorkTables.HASH));
            try (ResultSet rs = s.executeQuery("SELECT sluice_k0, change FROM changes_t ORDER BY sluice_k0")) {
                while (rs.next()) {
                    seen.add(rs.getInt(1) + " " + rs.getString(2));
                }
            }
            seen.add("valid " + Extractor.queryLong(c, "SELECT count(*) FROM now_t"));
        }
        return seen;
    }
}
