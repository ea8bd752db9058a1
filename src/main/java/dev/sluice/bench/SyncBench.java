package dev.sluice.bench;

import dev.sluice.engine.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sync benchmark: a model of N rows, a first (full) run, then 1% of rows updated, 0.5% added and
 * 0.5% removed, and a second (delta) run — for upsert and for difference. Each run is a separate JVM
 * (`sluice run`) so that its time and peak RSS are its own. The change-detection step alone is timed
 * beside DuckDB's bare FULL OUTER JOIN on the same two tables, in the same process.
 */
public final class SyncBench {
    private final long rows;
    private final Path dir;
    private final String heap;
    private final PrintWriter out;

    public SyncBench(long rows, Path dir, String heap, PrintWriter out) {
        this.rows = rows;
        this.dir = dir;
        this.heap = heap;
        this.out = out;
    }

    public void run() throws IOException, SQLException, InterruptedException {
        Files.createDirectories(dir);
        Path database = dir.resolve("bench.duckdb");
        Files.deleteIfExists(database);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers AS SELECT i AS id, 'user' || i || '@example.com' AS email, "
                    + "'Name ' || (i % 1000) AS name, (['FR','DE','US','GB'])[1 + i % 4] AS country, "
                    + "round((i * 7919 % 100000) / 100.0, 2)::DECIMAL(12,2) AS value, (i * 31 % 1000) / 7.0 AS score, "
                    + "TIMESTAMP '2020-01-01' + INTERVAL (i % 100000000) SECOND AS created_at, i % 3 = 0 AS active "
                    + "FROM range(" + rows + ") t(i)");
        }
        out.printf(Locale.ROOT, "generated %,d rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
        Files.writeString(dir.resolve("sluice.yaml"), """
                sources:
                  bench: {type: duckdb, path: bench.duckdb}
                models:
                  customers: {sql: "SELECT * FROM customers", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  upsert_csv: {model: customers, destination: out, folder: upsert, file_name: "{run}", format: csv, sync_mode: upsert}
                  difference_parquet: {model: customers, destination: out, folder: difference, file_name: "{run}", format: parquet, sync_mode: difference}
                """);
        List<String[]> table = new ArrayList<>();
        for (String activation : List.of("upsert_csv", "difference_parquet")) {
            table.add(measure(activation, "full"));
        }
        change(database);
        detectionAlone(database);
        for (String activation : List.of("upsert_csv", "difference_parquet")) {
            table.add(measure(activation, "delta"));
        }
        out.printf("%n%-20s %-6s %9s %12s %14s%n", "activation", "run", "seconds", "peak RSS MB", "rows written");
        for (String[] row : table) {
            out.printf("%-20s %-6s %9s %12s %14s%n", (Object[]) row);
        }
        for (String activation : List.of("upsert_csv", "difference_parquet")) {
            double full = Double.parseDouble(find(table, activation, "full")[2]);
            double delta = Double.parseDouble(find(table, activation, "delta")[2]);
            out.printf(Locale.ROOT, "%s: delta run = %.2f× the full run (target ≤ 0.35×) %s%n", activation, delta / full,
                    delta / full <= 0.35 ? "PASS" : "MISS");
        }
    }

    private String[] find(List<String[]> table, String activation, String kind) {
        return table.stream().filter(r -> r[0].equals(activation) && r[1].equals(kind)).findFirst().orElseThrow();
    }

    private String[] measure(String activation, String expected) throws IOException, InterruptedException {
        ChildProcess.Result result = ChildProcess.run(List.of("-Xmx" + heap),
                List.of("run", activation, "-c", dir.resolve("sluice.yaml").toString(), "--json"), dir);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("sluice run " + activation + " failed:\n" + result.output());
        }
        String written = result.output().replaceAll("(?s).*\"written\":(\\d+).*", "$1");
        return new String[] {activation, expected, String.format(Locale.ROOT, "%.2f", result.seconds()),
                String.format(Locale.ROOT, "%.0f", result.peakRssBytes() / 1e6), written};
    }

    private void change(Path database) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath()); Statement s = c.createStatement()) {
            s.execute("UPDATE customers SET value = value + 1 WHERE id % 100 = 1");
            s.execute("DELETE FROM customers WHERE id % 200 = 2");
            s.execute("INSERT INTO customers SELECT id + " + rows + ", email, name, country, value, score, created_at, active "
                    + "FROM customers WHERE id % 200 = 3");
        }
        out.println("changed the table: 1% updated, 0.5% removed, 0.5% added");
    }

    /** Times Sluice's change detection against DuckDB's bare FULL OUTER JOIN, on the last snapshot and the changed table. */
    private void detectionAlone(Path database) throws SQLException, IOException {
        dev.sluice.commit.SnapshotStore.Snapshot snapshot = new dev.sluice.commit.SnapshotStore(dir.resolve(".sluice"))
                .current("upsert_csv").orElseThrow();
        try (Engine engine = Engine.open(dir.resolve("engine-tmp"), dir, Engine.DEFAULT_MEMORY_LIMIT, null)) {
            engine.execute("ATTACH " + Engine.literal(database.toAbsolutePath().toString()) + " AS b (READ_ONLY)");
            engine.execute("CREATE TEMP TABLE " + dev.sluice.extract.Extractor.NOW + " AS SELECT id AS sluice_k0, *, hash(id, email, name, country, value, score, created_at, active) AS "
                    + dev.sluice.extract.Extractor.HASH + " FROM b.customers");
            List<dev.sluice.format.ExportColumn> columns = new ArrayList<>();
            for (String name : List.of("id", "email", "name", "country", "value", "score", "created_at", "active")) {
                columns.add(new dev.sluice.format.ExportColumn(name, name, dev.sluice.source.LogicalType.OTHER));
            }
            dev.sluice.detect.ChangeDetector detector = new dev.sluice.detect.ChangeDetector(engine,
                    new dev.sluice.extract.Extracted(List.of("sluice_k0"), columns, rows, 0, "bench"));
            detector.usePrevious(snapshot);
            long t0 = System.nanoTime();
            engine.queryLong("SELECT count(*) FROM " + dev.sluice.extract.Extractor.NOW + " n FULL OUTER JOIN "
                    + dev.sluice.commit.SnapshotStore.ATTACHED + "." + dev.sluice.commit.SnapshotStore.TABLE + " p ON n.sluice_k0 = p.sluice_k0");
            double bare = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            dev.sluice.detect.Changes changes = detector.count();
            double sluice = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "change detection (%,d added, %,d updated, %,d removed): bare FULL OUTER JOIN %.2f s, "
                    + "Sluice's ChangeDetector %.2f s = %.2f× (target ≤ 1.5×) %s%n", changes.added(), changes.updated(),
                    changes.removed(), bare, sluice, sluice / bare, sluice / bare <= 1.5 ? "PASS" : "MISS");
        }
    }
}
