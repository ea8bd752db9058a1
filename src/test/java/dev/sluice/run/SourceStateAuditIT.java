package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.WorkspaceException;
import dev.sluice.engine.Engine;
import dev.sluice.history.FileRecord;
import dev.sluice.history.RunRecord;
import dev.sluice.postgres.SharedPostgres;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit: true} with {@code state: source} on a real PostgreSQL: each decided run appends the
 * keys it added, updated and removed to {@code sluice_state.changes_NAME} in the commit's
 * transaction, equal to the keys of its change files (read back by DuckDB); a run killed before the
 * commit leaves no row; the activation's retention trims the log.
 */
class SourceStateAuditIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    @TempDir
    Path dir;

    private static final String ACTIVATION = """
              d:
                model: people
                destination: out
                folder: sets
                file_name: "{run}"
                format: csv
                run_type: full_then_delta
                sync_mode: difference
                state: source
                audit: true
                retention: {keep_runs: 2}
            """;

    private static RunRecord run(Fixture fx) {
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        return new Runner(workspace, fx.state, Clock.systemUTC(), line -> { }, Engine.DEFAULT_MEMORY_LIMIT)
                .run(new Runner.Request("d", false, false, "manual"));
    }

    /** The log's rows: "run|change|region|id", sorted. */
    private static TreeSet<String> log() throws Exception {
        TreeSet<String> rows = new TreeSet<>();
        try (Connection c = POSTGRES.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT sluice_run_id, sluice_change, sluice_committed_at, region, id FROM sluice_state.changes_d")) {
            while (rs.next()) {
                assertThat(rs.getString(3)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
                rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(4) + "|" + rs.getInt(5));
            }
        }
        return rows;
    }

    /** The keys of a run's change files, read by DuckDB: "run|change|region|id" (difference: added, updated, removed files). */
    private static TreeSet<String> fileKeys(Fixture fx, RunRecord run) throws Exception {
        TreeSet<String> rows = new TreeSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (FileRecord file : run.files()) {
                // A first run's one file holds every row: each of them was added.
                String change = file.output().replaceFirst("^_", "").replace("all", "added");
                Path path = fx.out.resolve(file.object());
                if (file.rows() == 0 || !Files.exists(path)) {
                    continue;
                }
                try (ResultSet rs = s.executeQuery("SELECT region, id FROM read_csv('" + path + "', header = true, all_varchar = true)")) {
                    while (rs.next()) {
                        rows.add(run.id() + "|" + change + "|" + rs.getString(1) + "|" + rs.getString(2));
                    }
                }
            }
        }
        return rows;
    }

    private static List<String> runsInLog() throws Exception {
        List<String> runs = new ArrayList<>();
        try (Connection c = POSTGRES.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT sluice_run_id FROM sluice_state.changes_d ORDER BY 1")) {
            while (rs.next()) {
                runs.add(rs.getString(1));
            }
        }
        return runs;
    }

    @Test
    void eachDecidedRunLogsItsChangedKeysInTheCommitAndRetentionTrimsTheLog() throws Exception {
        POSTGRES.execute("DROP TABLE IF EXISTS people", "DROP SCHEMA IF EXISTS sluice_state CASCADE",
                "CREATE TABLE people (region text, id integer, name text, score integer)",
                "INSERT INTO people VALUES ('EU', 1, 'a', 1), ('EU', 2, 'b', 2), ('US', 2, 'c', 3)");
        Fixture fx = new Fixture(dir);
        fx.workspace("""
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: %s, user: postgres}
                models:
                  people: {source: pg, sql: "SELECT * FROM people", primary_key: [region, id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                """.formatted(POSTGRES.port(), POSTGRES.database()) + ACTIVATION);
        RunRecord first = run(fx);
        assertThat(log()).containsExactly(first.id() + "|added|EU|1", first.id() + "|added|EU|2", first.id() + "|added|US|2");
        assertThat(log()).isEqualTo(fileKeys(fx, first));

        POSTGRES.execute("UPDATE people SET score = 20 WHERE id = 1", "DELETE FROM people WHERE region = 'US'",
                "INSERT INTO people VALUES ('US', 7, 'd', 4)");
        RunRecord second = run(fx);
        TreeSet<String> ofSecond = new TreeSet<>(log());
        ofSecond.removeIf(row -> !row.startsWith(second.id()));
        assertThat(ofSecond).containsExactly(second.id() + "|added|US|7", second.id() + "|removed|US|2", second.id() + "|updated|EU|1");
        assertThat(ofSecond).isEqualTo(fileKeys(fx, second));

        // Killed after its first upload, before the commit: no row of it in the log.
        TreeSet<String> before = log();
        POSTGRES.execute("UPDATE people SET name = 'bb' WHERE id = 2");
        ChildRun child = ChildRun.testMain(fx, PausingRun.class, fx.yaml.toString(), fx.state.toString(), "d", "upload", "1");
        assertThat(child.awaitOrEnd(PausingRun.MARKER)).as("the child run paused at its first upload").isTrue();
        child.kill();
        assertThat(log()).as("the log after a kill before the commit").isEqualTo(before);

        // keep_runs: 2 — the third decided run's commit deletes the first run's rows.
        RunRecord third = run(fx);
        assertThat(runsInLog()).containsExactlyInAnyOrder(second.id(), third.id());
        TreeSet<String> ofThird = new TreeSet<>(log());
        ofThird.removeIf(row -> !row.startsWith(third.id()));
        assertThat(ofThird).containsExactly(third.id() + "|updated|EU|2").isEqualTo(fileKeys(fx, third));
    }

    @Test
    void auditWithoutStateInTheSourceIsAProblemNamingTheRequirement() throws Exception {
        Fixture fx = new Fixture(dir);
        fx.workspace("""
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: %s, user: postgres}
                models:
                  people: {source: pg, sql: "SELECT * FROM people", primary_key: [region, id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                """.formatted(POSTGRES.port(), POSTGRES.database()) + ACTIVATION.replace("    state: source\n", ""));
        assertThatThrownBy(() -> WorkspaceLoader.withSystemEnv().load(fx.yaml)).isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("activations.d.audit: the change log lives in the source's state schema, so audit: true needs state: source");
    }
}
