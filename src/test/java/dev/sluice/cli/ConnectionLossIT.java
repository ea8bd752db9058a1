package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.postgres.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL connection that drops while a run reads the model (the server terminates the backend,
 * as on a restart or a failover) is an external failure that says the connection was lost and that
 * running again is safe, not a fault of the model's SQL; and running again does succeed.
 */
class ConnectionLossIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    @TempDir
    Path dir;

    @BeforeAll
    static void tables() throws Exception {
        POSTGRES.execute("CREATE TABLE people (id int, name text)", "INSERT INTO people VALUES (1, 'Ann'), (2, 'Bob')",
                "CREATE TABLE control (delay float8)", "INSERT INTO control VALUES (600)");
    }

    private Path workspace(String state) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        // The read sleeps for control.delay seconds: long enough for the test to terminate it.
        Files.writeString(file, """
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: %s, user: postgres}
                models:
                  people:
                    source: pg
                    sql: "SELECT p.id, p.name FROM people p CROSS JOIN (SELECT pg_sleep(delay) FROM control) s"
                    primary_key: [id]
                destinations:
                  out: {type: local, path: out}
                activations:
                  everyone: {model: people, destination: out, file_name: people, format: csv, state: %s}
                """.formatted(POSTGRES.port(), POSTGRES.database(), state));
        return file;
    }

    /** Terminates the backend that runs the model's query as soon as it is running. */
    private static int terminateTheRead() throws Exception {
        try (Connection c = POSTGRES.connect(); Statement s = c.createStatement()) {
            for (int attempt = 0; attempt < 1200; attempt++) {
                try (ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE pid <> pg_backend_pid() AND datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(delay)%'"
                        + " AND query NOT LIKE '%pg_stat_activity%'")) {
                    int terminated = 0;
                    while (rs.next()) {
                        terminated++;
                    }
                    if (terminated > 0) {
                        return terminated;
                    }
                }
                Thread.sleep(100);
            }
        }
        return 0;
    }

    private void aLostConnectionIsExternalAndSafeToRetry(String state) throws Exception {
        POSTGRES.execute("UPDATE control SET delay = 600");
        Path file = workspace(state);
        String stateDir = dir.resolve("state").toString();
        CompletableFuture<Integer> terminator = CompletableFuture.supplyAsync(() -> {
            try {
                return terminateTheRead();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        CliRun run = CliRun.of("run", "everyone", "-c", file.toString(), "--state-dir", stateDir);

        assertThat(terminator.get(2, TimeUnit.MINUTES)).as("the read was found and terminated").isPositive();
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        String first = run.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse(run.err());
        assertThat(first)
                .contains("sources.pg: the connection to the source was lost while reading model people")
                .contains("running again is safe")
                .doesNotContain("the query fails");
        CliRun runs = CliRun.of("runs", "everyone", "--json", "-c", file.toString(), "--state-dir", stateDir);
        assertThat(runs.out()).contains("\"status\":\"failed\"").contains("the connection to the source was lost");

        POSTGRES.execute("UPDATE control SET delay = 0");
        CliRun again = CliRun.of("run", "everyone", "-c", file.toString(), "--state-dir", stateDir);
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(dir.resolve("out/people.csv")).content().contains("Ann").contains("Bob");
    }

    @Test
    void aConnectionLostWhileTheEngineReadsTheModel() throws Exception {
        aLostConnectionIsExternalAndSafeToRetry("engine");
    }

    @Test
    void aConnectionLostWhileTheSourceKeepsTheState() throws Exception {
        aLostConnectionIsExternalAndSafeToRetry("source");
    }
}
