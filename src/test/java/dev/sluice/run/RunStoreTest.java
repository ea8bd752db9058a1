package dev.sluice.run;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.JsonText;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    @TempDir
    Path state;

    @Test
    void aHistoryWrittenBeforeFinalNamesWereRecordedIsUpgradedInPlace() throws Exception {
        RunRecord old = RunRecord.started("20260101T000000Z-aaaa", "vip", "manual", Instant.parse("2026-01-01T00:00:00Z"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("runs.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE runs (id TEXT PRIMARY KEY, activation TEXT NOT NULL, status TEXT NOT NULL, "
                    + "started_at TEXT NOT NULL, staging TEXT, record TEXT NOT NULL)");
            s.execute("INSERT INTO runs VALUES ('" + old.id() + "', 'vip', 'running', '2026-01-01T00:00:00Z', 'out/.sluice-staging/x/', '"
                    + JsonText.MAPPER.writeValueAsString(old).replace("'", "''") + "')");
        }
        try (RunStore store = new RunStore(state)) {
            assertThat(new dev.sluice.delivery.DeliveryLog(store.database()).running("vip")).singleElement().satisfies(u -> {
                assertThat(u.record().id()).isEqualTo(old.id());
                assertThat(u.staging()).isEqualTo("out/.sluice-staging/x/");
                assertThat(u.finalNames()).isEmpty();
            });
            new dev.sluice.delivery.DeliveryLog(store.database()).publishing(old, List.of("out/a.csv", "out/a.manifest.json"), List.of("out/a.csv"), "out");
            assertThat(new dev.sluice.delivery.DeliveryLog(store.database()).running("vip").get(0).finalNames()).containsExactly("out/a.csv", "out/a.manifest.json");
            assertThat(new dev.sluice.delivery.DeliveryLog(store.database()).running("vip").get(0).directNames()).containsExactly("out/a.csv");
        }
        // Opening it again finds the columns there and leaves them alone.
        try (RunStore store = new RunStore(state)) {
            assertThat(new dev.sluice.delivery.DeliveryLog(store.database()).running("vip").get(0).finalNames()).hasSize(2);
        }
    }

    /** Threads and processes open the history at once (the server does for every run): none may fail on the upgrade. */
    @Test
    void manyOpeningAnOldHistoryAtOnceUpgradeItOnce() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("runs.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE runs (id TEXT PRIMARY KEY, activation TEXT NOT NULL, status TEXT NOT NULL, "
                    + "started_at TEXT NOT NULL, staging TEXT, record TEXT NOT NULL)");
        }
        int openers = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(openers);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(openers);
        try {
            List<java.util.concurrent.Future<Integer>> opened = new java.util.ArrayList<>();
            for (int i = 0; i < openers; i++) {
                opened.add(pool.submit(() -> {
                    start.await();
                    try (RunStore store = new RunStore(state)) {
                        return new dev.sluice.delivery.DeliveryLog(store.database()).running("vip").size();
                    }
                }));
            }
            for (java.util.concurrent.Future<Integer> f : opened) {
                assertThat(f.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("runs.db")); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'final_names'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void runsStartedWithinOneSecondAreListedNewestFirst(@org.junit.jupiter.api.io.TempDir Path state) {
        // Instant text leaves out zero digits: "…:00Z" sorts after "…:00.5Z" as text, though it is earlier.
        try (RunStore store = new RunStore(state)) {
            store.insert(RunRecord.started("b-later", "a", "manual", java.time.Instant.parse("2026-11-30T17:00:00.500Z")));
            store.insert(RunRecord.started("a-earlier", "a", "manual", java.time.Instant.parse("2026-11-30T17:00:00Z")));
            store.insert(RunRecord.started("c-latest", "a", "manual", java.time.Instant.parse("2026-11-30T17:00:00.500100Z")));
            org.assertj.core.api.Assertions.assertThat(store.list("a", 10)).extracting(RunRecord::id)
                    .containsExactly("c-latest", "b-later", "a-earlier");
        }
    }

    @Test
    void theSchemaVersionIsKeptAndAHistoryOfANewerVersionIsRefused() throws Exception {
        try (RunStore store = new RunStore(state)) {
            store.insert(RunRecord.started("r1", "a", "manual", Instant.parse("2026-01-01T00:00:00Z")));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("runs.db")); Statement s = c.createStatement()) {
            try (java.sql.ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("the last migration's version").isPositive();
            }
            s.execute("PRAGMA user_version = 999");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunStore(state).close())
                .hasMessageContaining("cannot open the run history in " + state)
                .hasMessageContaining("written by a newer version of Sluice (schema 999");
    }
}
