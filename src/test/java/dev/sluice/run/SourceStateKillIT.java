package dev.sluice.run;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.Engine;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import dev.sluice.postgres.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state: source} keeps the run's promise across kills: a run killed (SIGKILL, a child JVM)
 * before its commit in PostgreSQL leaves the previous snapshot in force and is rolled back; one
 * killed after it is rolled forward by the next run, which learns it from the source's meta table.
 * An independent consumer replaying every complete set ends with the source's rows.
 */
class SourceStateKillIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    @TempDir
    Path dir;

    private static void sql(String... statements) throws Exception {
        POSTGRES.execute(statements);
    }

    private static Map<String, Map<String, String>> truth() throws Exception {
        try (Connection c = POSTGRES.connect()) {
            return ExactlyOncePropertiesIT.people(c);
        }
    }

    private static RunRecord run(Fixture fx) {
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        return new Runner(workspace, fx.state, Clock.systemUTC(), line -> { }, Engine.DEFAULT_MEMORY_LIMIT)
                .run(new Runner.Request("d", false, false, "manual"));
    }

    private static String committedRun() throws Exception {
        try (Connection c = POSTGRES.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT run FROM sluice_state.sluice_meta WHERE activation = 'd'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void kill(Fixture fx, String at, int n) {
        ChildRun child = ChildRun.testMain(fx, PausingRun.class, fx.yaml.toString(), fx.state.toString(), "d", at, Integer.toString(n));
        assertThat(child.awaitOrEnd(PausingRun.MARKER)).as("the child run paused %s %d", at, n).isTrue();
        child.kill();
    }

    @Test
    void killsBeforeAndAfterTheCommitInTheSourceLoseNothing() throws Exception {
        sql("DROP TABLE IF EXISTS people", "DROP SCHEMA IF EXISTS sluice_state CASCADE",
                "CREATE TABLE people (id integer, name text, score integer, note text)",
                "INSERT INTO people VALUES (1, 'a', 1, 'x'), (2, 'b', 2, 'y'), (3, 'c', 3, 'z')");
        Fixture fx = new Fixture(dir);
        fx.workspace("""
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: %s, user: postgres}
                models:
                  people: {source: pg, sql: "SELECT * FROM people", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  d:
                    model: people
                    destination: out
                    folder: sets
                    file_name: "{run}"
                    format: csv
                    manifest: true
                    run_type: full_then_delta
                    sync_mode: difference
                    state: source
                    mapping: [{from: id, to: id}, {from: name, to: name}, {from: score, to: score}]
                """.formatted(POSTGRES.port(), POSTGRES.database()));
        String first = run(fx).id();
        assertThat(committedRun()).isEqualTo(first);

        // Killed after its first upload, before the commit: the snapshot in the source is untouched.
        sql("UPDATE people SET score = 20 WHERE id = 2", "DELETE FROM people WHERE id = 3", "INSERT INTO people VALUES (4, 'd', 4, 'w')");
        kill(fx, "upload", 1);
        assertThat(committedRun()).as("the snapshot after a kill before the decision").isEqualTo(first);
        RunRecord after = run(fx);
        assertThat(after.counts().updated() + after.counts().removed() + after.counts().added()).isEqualTo(3);

        // Killed after its first move to a final name, so after the commit: the next run completes it.
        sql("UPDATE people SET name = 'bb' WHERE id = 2", "INSERT INTO people VALUES (5, 'e', 5, 'v')");
        kill(fx, "publish", 1);
        String decided = committedRun();
        assertThat(decided).as("the commit in the source took effect").isNotEqualTo(after.id());
        RunRecord next = run(fx);
        assertThat(next.counts().added() + next.counts().updated() + next.counts().removed()).as("nothing sent twice").isZero();
        try (RunStore store = new RunStore(fx.state)) {
            assertThat(store.list("d", 10)).filteredOn(r -> r.id().equals(decided)).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED));
        }

        sql("DELETE FROM people WHERE id = 1");
        run(fx);
        assertThat(ExactlyOncePropertiesIT.replay(fx, false)).as("the consumer's rows").isEqualTo(truth());
        assertThat(fx.stagingLeftovers()).isEmpty();
    }
}
