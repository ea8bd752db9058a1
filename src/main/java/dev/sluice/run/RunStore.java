package dev.sluice.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.JsonText;
import dev.sluice.config.PrivateFiles;
import dev.sluice.error.SluiceException;
import dev.sluice.notify.Delivery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Run history in SQLite ({@code STATE/runs.db}), which several processes can open at once (the CLI
 * while the server runs). Each run is one row: indexed columns plus the whole record as JSON, and
 * the staging prefix recorded before anything is uploaded so that a later run can clean up after
 * a killed one.
 */
public final class RunStore implements AutoCloseable {
    private static final ObjectMapper JSON = JsonText.MAPPER;

    /**
     * Start times are ISO-8601 text without trailing zero digits ({@code …:00Z}, {@code …:00.5Z}),
     * which do not sort as text ('Z' comes after '.' and after digits): order by the time they
     * denote (to the millisecond), then by the text without its 'Z' (digits past the millisecond), then by id.
     */
    private static final String CHRONOLOGICAL = "julianday(started_at), rtrim(started_at, 'Z'), id";
    private static final String NEWEST_FIRST = "julianday(started_at) DESC, rtrim(started_at, 'Z') DESC, id DESC";

    private final Connection connection;

    public RunStore(Path stateDir) {
        try {
            Path file = stateDir.resolve("runs.db");
            PrivateFiles.createFolders(stateDir);
            // SQLite creates its -wal and -shm files with the mode of the database file: an empty
            // owner-only file (a new database to SQLite) makes all three private.
            PrivateFiles.file(file);
            PrivateFiles.restrict(file.resolveSibling("runs.db-wal"));
            PrivateFiles.restrict(file.resolveSibling("runs.db-shm"));
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("PRAGMA journal_mode = WAL");
                // Processes and threads open the history at once: the schema is created and upgraded
                // under SQLite's write lock, so that only one of them adds a missing column.
                s.execute("BEGIN IMMEDIATE");
                try {
                    s.execute("CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, activation TEXT NOT NULL, status TEXT NOT NULL, "
                            + "started_at TEXT NOT NULL, staging TEXT, record TEXT NOT NULL, final_names TEXT)");
                    s.execute("CREATE INDEX IF NOT EXISTS runs_by_activation ON runs (activation, started_at)");
                    addColumnIfMissing(s, "final_names", "TEXT");
                    addColumnIfMissing(s, "direct_names", "TEXT");
                    addColumnIfMissing(s, "leftovers", "TEXT");
                    addColumnIfMissing(s, "decided_at", "TEXT");
                    // What became of each notification of a run (added with notifications; created when missing).
                    s.execute("CREATE TABLE IF NOT EXISTS notifications (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, "
                            + "name TEXT NOT NULL, type TEXT NOT NULL, event TEXT NOT NULL, status TEXT NOT NULL, "
                            + "attempts INTEGER NOT NULL, error TEXT, at TEXT NOT NULL)");
                    s.execute("CREATE INDEX IF NOT EXISTS notifications_by_run ON notifications (run_id)");
                    addColumnIfMissing(s, "retired_at", "TEXT");
                    // The destination a run published to (null in runs recorded before it was kept: any destination).
                    addColumnIfMissing(s, "destination", "TEXT");
                    s.execute("COMMIT");
                } catch (SQLException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        } catch (IOException | SQLException e) {
            throw SluiceException.external("cannot open the run history in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    public void insert(RunRecord record, String staging) {
        update("INSERT INTO runs (id, activation, status, started_at, staging, record) VALUES (?, ?, ?, ?, ?, ?)",
                record.id(), record.activation(), record.status().json(), record.startedAt().toString(), staging, json(record));
    }

    /**
     * Records, before anything is uploaded, what a run is about to publish: {@code pending} (still
     * running, with its counts and files: what recovery records as succeeded if the run decides and
     * then dies), its final names, and those of them written before the decision ({@code publish:
     * direct}), which a failed run must withdraw, and the destination it publishes to.
     */
    public void publishing(RunRecord pending, List<String> finalNames, List<String> directNames, String destination) {
        update("UPDATE runs SET record = ?, final_names = ?, direct_names = ?, destination = ? WHERE id = ?", json(pending),
                names(finalNames), names(directNames), destination, pending.id());
    }

    /**
     * Records that the run passed its decision point (its snapshot commit took effect). The
     * snapshot itself says so too; this copy survives a {@code reset} that forgets the snapshot
     * before the run's publish is completed.
     */
    public void decided(String id, java.time.Instant at) {
        update("UPDATE runs SET decided_at = ? WHERE id = ?", at.toString(), id);
    }

    /** Records the objects a failed run could not remove, so that the next run of its activation retries. */
    public void leftovers(String id, List<String> names) {
        update("UPDATE runs SET leftovers = ? WHERE id = ?", names.isEmpty() ? null : names(names), id);
    }

    /** Runs of {@code activation} with objects still to remove, by run id. */
    public java.util.Map<String, List<String>> leftovers(String activation) {
        java.util.Map<String, List<String>> result = new java.util.LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT id, leftovers FROM runs WHERE activation = ? AND leftovers IS NOT NULL ORDER BY " + CHRONOLOGICAL)) {
            s.setString(1, activation);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), parseNames(rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return result;
    }

    /**
     * The latest succeeded run (of any activation) whose files include the object {@code name}, as
     * its record; empty when no recorded run published it.
     */
    public Optional<RunRecord> publishedBy(String name) {
        try (PreparedStatement s = connection.prepareStatement("SELECT r.record FROM runs r, json_each(json_extract(r.record, '$.files')) f "
                + "WHERE r.status = 'succeeded' AND json_extract(f.value, '$.object') = ? ORDER BY julianday(r.started_at) DESC, rtrim(r.started_at, 'Z') DESC LIMIT 1")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * A succeeded run of an activation that published files, for retention: {@code retired} once
     * retention has removed (or given up) every one of its files.
     */
    public record Published(String id, java.time.Instant startedAt, List<dev.sluice.publish.FileRecord> files, boolean retired) {}

    /** The succeeded runs of {@code activation} that published files, newest first. */
    public List<Published> published(String activation) {
        List<Published> result = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT id, started_at, "
                + "json_extract(record, '$.files'), retired_at FROM runs WHERE activation = ? AND status = 'succeeded' "
                + "AND json_array_length(json_extract(record, '$.files')) > 0")) {
            s.setString(1, activation);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Published(rs.getString(1), java.time.Instant.parse(rs.getString(2)),
                            List.of(JSON.readValue(rs.getString(3), dev.sluice.publish.FileRecord[].class)), rs.getString(4) != null));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("the run history holds an unreadable file list: " + e.getOriginalMessage(), e);
        }
        result.sort(java.util.Comparator.comparing(Published::startedAt).thenComparing(Published::id).reversed());
        return result;
    }

    /** A run of another activation that recorded an object name among its files. */
    public record Claim(String run, String activation, java.time.Instant startedAt) {}

    /**
     * For each of {@code names} that a run of an activation other than {@code activation} recorded
     * among its files (whatever the run's status), on {@code destination} or on a destination the
     * history does not know (runs recorded before it was kept), the latest such run.
     */
    public java.util.Map<String, Claim> claimedByOthers(String activation, String destination, java.util.Collection<String> names) {
        java.util.Map<String, Claim> result = new java.util.HashMap<>();
        List<String> all = List.copyOf(names);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement s = connection.prepareStatement("SELECT json_extract(f.value, '$.object'), r.id, r.activation, "
                    + "r.started_at FROM runs r, json_each(json_extract(r.record, '$.files')) f WHERE r.activation <> ? "
                    + "AND (r.destination IS NULL OR r.destination = ?) AND json_extract(f.value, '$.object') IN (" + marks + ")")) {
                List<String> values = new ArrayList<>(List.of(activation, destination));
                values.addAll(chunk);
                bind(s, values);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Claim claim = new Claim(rs.getString(2), rs.getString(3), java.time.Instant.parse(rs.getString(4)));
                        result.merge(rs.getString(1), claim, (a, b) -> b.startedAt().isAfter(a.startedAt()) ? b : a);
                    }
                }
            } catch (SQLException e) {
                throw failure(e);
            }
        }
        return result;
    }

    /** Records that retention is done with these runs: none of their files is a candidate again. */
    public void retire(List<String> ids, java.time.Instant at) {
        for (String id : ids) {
            update("UPDATE runs SET retired_at = ? WHERE id = ?", at.toString(), id);
        }
    }

    private static String names(List<String> names) {
        try {
            return JSON.writeValueAsString(names);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("cannot record object names", e);
        }
    }

    private static List<String> parseNames(String names) {
        try {
            return names == null ? List.of() : List.of(JSON.readValue(names, String[].class));
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("the run history holds unreadable object names", e);
        }
    }

    public void save(RunRecord record) {
        update("UPDATE runs SET status = ?, record = ? WHERE id = ?", record.status().json(), json(record), record.id());
    }

    /** Runs of {@code activation} (or all when null), newest first. */
    public List<RunRecord> list(String activation, int limit) {
        List<String> values = new ArrayList<>();
        String where = new Filter(activation, null, null).where(values);
        try {
            return records(where, values, limit, 0);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Which runs {@link #page} returns: each null field matches every run; {@code since}: runs started at or after it. */
    public record Filter(String activation, RunStatus status, String trigger, java.time.Instant since) {
        public static final Filter ALL = new Filter(null, null, null);

        public Filter(String activation, RunStatus status, String trigger) {
            this(activation, status, trigger, null);
        }

        private String where(List<String> values) {
            List<String> conditions = new ArrayList<>();
            if (activation != null) {
                conditions.add("activation = ?");
                values.add(activation);
            }
            if (status != null) {
                conditions.add("status = ?");
                values.add(status.json());
            }
            if (trigger != null) {
                conditions.add("json_extract(record, '$.trigger') = ?");
                values.add(trigger);
            }
            if (since != null) {
                conditions.add("julianday(started_at) >= julianday(?)");
                values.add(since.toString());
            }
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }
    }

    /** One page of the runs matching {@code filter}, newest first, and how many match in all. */
    public record Page(List<RunRecord> runs, long total) {}

    public Page page(Filter filter, int limit, long offset) {
        List<String> values = new ArrayList<>();
        String where = filter.where(values);
        try {
            long total;
            try (PreparedStatement s = connection.prepareStatement("SELECT count(*) FROM runs" + where)) {
                bind(s, values);
                try (ResultSet rs = s.executeQuery()) {
                    total = rs.next() ? rs.getLong(1) : 0;
                }
            }
            return new Page(records(where, values, limit, offset), total);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The records matching {@code where} (bound to {@code values}), newest first. */
    private List<RunRecord> records(String where, List<String> values, int limit, long offset) throws SQLException {
        List<RunRecord> records = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT record FROM runs" + where + " ORDER BY " + NEWEST_FIRST + " LIMIT ? OFFSET ?")) {
            bind(s, values);
            s.setInt(values.size() + 1, limit);
            s.setLong(values.size() + 2, offset);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    records.add(parse(rs.getString(1)));
                }
            }
        }
        return records;
    }

    private static void bind(PreparedStatement statement, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            statement.setString(i + 1, values.get(i));
        }
    }

    public Optional<RunRecord> get(String id) {
        try (PreparedStatement s = connection.prepareStatement("SELECT record FROM runs WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * A run recorded as running: its staging prefix, the final names it was publishing and those it
     * wrote before its decision point (both empty when it never got there), and whether it was
     * recorded as decided.
     */
    public record Unfinished(RunRecord record, String staging, List<String> finalNames, List<String> directNames, boolean decided) {}

    public List<Unfinished> running(String activation) {
        List<Unfinished> result = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT record, staging, final_names, direct_names, decided_at FROM runs WHERE activation = ? AND status = 'running' "
                        + "ORDER BY " + CHRONOLOGICAL)) {
            s.setString(1, activation);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Unfinished(parse(rs.getString(1)), rs.getString(2), parseNames(rs.getString(3)),
                            parseNames(rs.getString(4)), rs.getString(5) != null));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return result;
    }

    /** Records what became of one notification of run {@code runId}; {@code delivery.error} must be redacted already. */
    public void notified(String runId, Delivery delivery) {
        update("INSERT INTO notifications (run_id, name, type, event, status, attempts, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                runId, delivery.name(), delivery.type(), delivery.event(), delivery.status(), String.valueOf(delivery.attempts()),
                delivery.error(), delivery.at().toString());
    }

    /** The notifications of run {@code runId}, in the order they were settled. */
    public List<Delivery> notifications(String runId) {
        return notifications(List.of(runId)).getOrDefault(runId, List.of());
    }

    /** The notifications of each of {@code runIds} that has any, in the order they were settled. */
    public java.util.Map<String, List<Delivery>> notifications(java.util.Collection<String> runIds) {
        java.util.Map<String, List<Delivery>> result = new java.util.LinkedHashMap<>();
        if (runIds.isEmpty()) {
            return result;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(runIds.size(), "?"));
        try (PreparedStatement s = connection.prepareStatement("SELECT run_id, name, type, event, status, attempts, error, at "
                + "FROM notifications WHERE run_id IN (" + marks + ") ORDER BY seq")) {
            bind(s, List.copyOf(runIds));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(new Delivery(rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getInt(6), rs.getString(7), java.time.Instant.parse(rs.getString(8))));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return result;
    }

    /** Upgrades a history written by an earlier version in place. */
    private static void addColumnIfMissing(Statement s, String column, String type) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT 1 FROM pragma_table_info('runs') WHERE name = '" + column + "'")) {
            if (rs.next()) {
                return;
            }
        }
        s.execute("ALTER TABLE runs ADD COLUMN " + column + " " + type);
    }

    private void update(String sql, String... values) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setString(i + 1, values[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static String json(RunRecord record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("cannot serialise run " + record.id(), e);
        }
    }

    private static RunRecord parse(String json) {
        try {
            return JSON.readValue(json, RunRecord.class);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("a run record in the history is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private static SluiceException failure(SQLException e) {
        return SluiceException.external("the run history failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing is best effort
        }
    }
}
