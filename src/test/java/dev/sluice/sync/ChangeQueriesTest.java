package dev.sluice.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.LogicalType;
import dev.sluice.format.ExportColumn;
import dev.sluice.source.postgres.PostgresSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one builder of extract and compare renders the same logical query for the engine (DuckDB)
 * and for PostgreSQL (a source's {@code WarehouseState}): only quoting, the row hash and the text
 * cast differ. {@code ChangeQueriesIT} runs both renderings on the real databases.
 */
class ChangeQueriesTest {
    static final List<ExportColumn> EXPORTED = List.of(new ExportColumn("Id", "id", LogicalType.INTEGER),
            new ExportColumn("e\"mail", "email", LogicalType.STRING));

    static ChangeQueries duckdb() {
        return new ChangeQueries(ChangeQueries.ENGINE, ChangeQueries.keyColumns(1));
    }

    static ChangeQueries postgres() {
        return new ChangeQueries(ChangeQueries.of(new PostgresSource("pg", "jdbc:postgresql://localhost/db", "u", null, Map.of(), null)
                .warehouseState().orElseThrow()), ChangeQueries.keyColumns(1));
    }

    @Test
    void theRowSelectDiffersOnlyInTheRowHash() {
        assertThat(duckdb().rowColumns("q", List.of("Id"), EXPORTED, true)).isEqualTo(
                "q.\"Id\" AS sluice_k0, q.\"Id\" AS \"id\", q.\"e\"\"mail\" AS \"email\", hash(q.\"Id\", q.\"e\"\"mail\") AS sluice_hash");
        assertThat(postgres().rowColumns("q", List.of("Id"), EXPORTED, true)).isEqualTo(
                "q.\"Id\" AS sluice_k0, q.\"Id\" AS \"id\", q.\"e\"\"mail\" AS \"email\", md5(ROW(q.\"Id\", q.\"e\"\"mail\")::text) AS sluice_hash");
        assertThat(duckdb().rowColumns("q", List.of("Id"), EXPORTED, false)).isEqualTo(
                "q.\"Id\" AS sluice_k0, hash(q.\"Id\", q.\"e\"\"mail\") AS sluice_hash");
    }

    @Test
    void theComparisonJoinIsTheSameForBothDialects() {
        String expected = "SELECT COALESCE(n.sluice_k0, p.sluice_k0) AS sluice_k0, CASE WHEN p.sluice_k0 IS NULL THEN 'A' "
                + "WHEN n.sluice_k0 IS NULL THEN 'R' ELSE 'U' END AS change FROM (SELECT sluice_k0, sluice_hash AS sluice_hash FROM now_t) n "
                + "FULL OUTER JOIN (SELECT sluice_k0, sluice_hash AS sluice_hash FROM prev_t) p ON n.sluice_k0 = p.sluice_k0 "
                + "WHERE p.sluice_k0 IS NULL OR n.sluice_k0 IS NULL OR n.sluice_hash <> p.sluice_hash";
        assertThat(duckdb().changes("now_t", "prev_t", "sluice_hash")).isEqualTo(expected);
        assertThat(postgres().changes("now_t", "prev_t", "sluice_hash")).isEqualTo(expected);
        assertThat(duckdb().keyCheck("t")).isEqualTo(postgres().keyCheck("t"))
                .isEqualTo("SELECT count(*) FILTER (WHERE sluice_k0 IS NULL), count(*), count(DISTINCT (sluice_k0)) FROM t");
        assertThat(duckdb().keysWithKindOf("c", "A", "U")).isEqualTo(postgres().keysWithKindOf("c", "A", "U"))
                .isEqualTo("(SELECT sluice_k0, change FROM c WHERE change IN ('A', 'U'))");
    }

    @Test
    void keysComparedAsTextUseEachDialectsTextCast() {
        assertThat(duckdb().addedKeysAsText("now_t", "prev_t")).isEqualTo("SELECT sluice_k0, 'A' AS change FROM (SELECT "
                + "CAST(sluice_k0 AS VARCHAR) AS sluice_k0 FROM now_t EXCEPT ALL SELECT CAST(sluice_k0 AS VARCHAR) AS sluice_k0 FROM prev_t) AS a");
        assertThat(postgres().addedKeysAsText("now_t", "prev_t")).isEqualTo("SELECT sluice_k0, 'A' AS change FROM (SELECT "
                + "CAST(sluice_k0 AS text) AS sluice_k0 FROM now_t EXCEPT ALL SELECT CAST(sluice_k0 AS text) AS sluice_k0 FROM prev_t) AS a");
        assertThat(postgres().changesOn(true, "n", "c")).isEqualTo("CAST(n.sluice_k0 AS text) = c.sluice_k0");
        assertThat(postgres().changesOn(false, "n", "c")).isEqualTo("n.sluice_k0 = c.sluice_k0");
    }

    @Test
    void theEngineRenderingClassifiesChangesOnDuckDb() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(ChangeQueriesFixture.classify(c, duckdb())).containsExactlyElementsOf(ChangeQueriesFixture.EXPECTED);
        }
    }
}
