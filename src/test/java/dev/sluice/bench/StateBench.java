package dev.sluice.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.*;
import java.sql.*;

/**
 * Delta runs of one activation with its state in the engine against one with it in PostgreSQL
 * ({@code state: source}), on an embedded PostgreSQL from the test dependencies: a harness to rerun
 * by hand, not a test (it asserts nothing and runs in no suite). Prints each run's wall time; the
 * run records (on stdout) hold the phases.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/test-cp.txt) dev.sluice.bench.StateBench 2000000
 * </pre>
 */
public final class StateBench {
    private StateBench() {}

    public static void main(String[] a) throws Exception {
        int rows = Integer.parseInt(a[0]);
        Path dir = Files.createTempDirectory("statebench");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE customers AS SELECT i AS id, 'user' || i || '@example.com' AS email, 'Name ' || (i % 1000) AS name, "
                        + "(ARRAY['FR','DE','US','GB'])[1 + i % 4] AS country, round((i * 7919 % 100000) / 100.0, 2)::numeric(12,2) AS value, "
                        + "timestamp '2020-01-01' + (i || ' seconds')::interval AS created_at, i % 3 = 0 AS active FROM generate_series(1::bigint, " + rows + ") i");
                s.execute("ALTER TABLE customers ADD PRIMARY KEY (id)");
                s.execute("ANALYZE customers");
            }
            StringBuilder yaml = new StringBuilder("sources:\n  pg: {type: postgres, host: localhost, port: " + pg.getPort()
                    + ", database: postgres, user: postgres}\nmodels:\n  customers: {source: pg, sql: SELECT * FROM customers, primary_key: [id]}\n"
                    + "destinations:\n  out: {type: local, path: out}\nactivations:\n");
            for (String state : new String[] {"engine", "source"}) {
                yaml.append("  d_" + state + ": {model: customers, destination: out, folder: " + state + ", file_name: \"{run}\", sync_mode: difference, state: " + state + "}\n");
            }
            Files.writeString(dir.resolve("sluice.yaml"), yaml);
            for (String state : new String[] {"engine", "source"}) {
                time(dir, "d_" + state, "first");
            }
            for (int round = 0; round < 2; round++) {
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("UPDATE customers SET value = value + 1 WHERE id % 100 = " + round);
                    s.execute("DELETE FROM customers WHERE id % 200 = " + (50 + round));
                    s.execute("INSERT INTO customers SELECT id + " + (rows * (round + 1)) + ", email, name, country, value, created_at, active FROM customers WHERE id % 200 = 7");
                }
                for (String state : new String[] {"engine", "source"}) {
                    time(dir, "d_" + state, "delta " + round);
                }
            }
        }
    }

    static void time(Path dir, String activation, String label) {
        long t0 = System.nanoTime();
        int code = dev.sluice.cli.Main.commandLine().execute("run", activation, "-c", dir.resolve("sluice.yaml").toString(), "--json");
        System.err.printf("%s %s: %.2f s (exit %d)%n", activation, label, (System.nanoTime() - t0) / 1e9, code);
    }
}
