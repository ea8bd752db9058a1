package dev.sluice.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.JsonText;
import dev.sluice.error.SluiceException;
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

    private final Connection connection;

    public RunStore(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            connection = DriverManager.getConnection("jdbc:sqlite:" + stateDir.resolve("runs.db").toAbsolutePath());
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

    /** Records the final names a run is about to publish, before the first of them is written. */
    public void publishing(String id, List<String> finalNames) {
        try {
            update("UPDATE runs SET final_names = ? WHERE id = ?", JSON.writeValueAsString(finalNames), id);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("cannot record the final names of run " + id, e);
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

    /** Which runs {@link #page} returns: each null field matches every run. */
    public record Filter(String activation, RunStatus status, String trigger) {
        public static final Filter ALL = new Filter(null, null, null);

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
                "SELECT record FROM runs" + where + " ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?")) {
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

    /** A run recorded as running: its staging prefix and the final names it was publishing (empty when it never got there). */
    public record Unfinished(RunRecord record, String staging, List<String> finalNames) {}

    public List<Unfinished> running(String activation) {
        List<Unfinished> result = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT record, staging, final_names FROM runs WHERE activation = ? AND status = 'running'")) {
            s.setString(1, activation);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String names = rs.getString(3);
                    List<String> finalNames = names == null ? List.of()
                            : List.of(JSON.readValue(names, String[].class));
                    result.add(new Unfinished(parse(rs.getString(1)), rs.getString(2), finalNames));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("the run history holds unreadable final names for " + activation, e);
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
