package dev.sluice.history;

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
 * The run history in {@link HistoryDatabase}: each run is one row, indexed columns plus the whole
 * record as JSON; what runs published, for retention and for the rule that no activation replaces
 * another's file. The delivery bookkeeping of unfinished runs and the notification log are kept by
 * their own classes in the same database.
 */
public final class RunStore implements AutoCloseable {
    private static final ObjectMapper JSON = JsonText.MAPPER;

    /**
     * Start times are ISO-8601 text without trailing zero digits ({@code …:00Z}, {@code …:00.5Z}),
     * which do not sort as text ('Z' comes after '.' and after digits): order by the time they
     * denote (to the millisecond), then by the text without its 'Z' (digits past the millisecond), then by id.
     */
    public static final String CHRONOLOGICAL = "julianday(started_at), rtrim(started_at, 'Z'), id";
    private static final String NEWEST_FIRST = "julianday(started_at) DESC, rtrim(started_at, 'Z') DESC, id DESC";

    private final HistoryDatabase database;
    private final Connection connection;

    /** Opens the history of a state folder (creating or upgrading it); close it when done. */
    public RunStore(Path stateDir) {
        this(HistoryDatabase.open(stateDir));
    }

    /** The history in an open database (closing this store closes it). */
    public RunStore(HistoryDatabase database) {
        this.database = database;
        this.connection = database.connection();
    }

    /** The database the history lives in: the delivery bookkeeping and the notification log use it too. */
    public HistoryDatabase database() {
        return database;
    }

    /** Records a run that starts; the delivery bookkeeping adds its staging prefix before it uploads anything. */
    public void insert(RunRecord record) {
        update("INSERT INTO runs (id, activation, status, started_at, record) VALUES (?, ?, ?, ?, ?)",
                record.id(), record.activation(), record.status().json(), record.startedAt().toString(), json(record));
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
    public record Published(String id, java.time.Instant startedAt, List<dev.sluice.history.FileRecord> files, boolean retired) {}

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
                            List.of(JSON.readValue(rs.getString(3), dev.sluice.history.FileRecord[].class)), rs.getString(4) != null));
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

    /**
     * Makes a run's record final. A succeeded run's schema (when it has one) becomes its
     * activation's last published schema, in the same transaction: a failed or held run leaves it.
     */
    public void save(RunRecord record) {
        if (record.status() != RunStatus.SUCCEEDED || record.schema() == null) {
            update("UPDATE runs SET status = ?, record = ? WHERE id = ?", record.status().json(), json(record), record.id());
            return;
        }
        try {
            connection.setAutoCommit(false);
            try {
                update("UPDATE runs SET status = ?, record = ? WHERE id = ?", record.status().json(), json(record), record.id());
                new SchemaHistory(database).published(record.activation(), record.id(), record.schema());
                connection.commit();
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
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

    /**
     * Which runs {@link #page} returns: each null field matches every run; {@code since}: runs started at or
     * after it; {@code until}: runs started before it.
     */
    public record Filter(String activation, RunStatus status, String trigger, java.time.Instant since, java.time.Instant until) {
        public static final Filter ALL = new Filter(null, null, null);

        public Filter(String activation, RunStatus status, String trigger) {
            this(activation, status, trigger, null);
        }

        public Filter(String activation, RunStatus status, String trigger, java.time.Instant since) {
            this(activation, status, trigger, since, null);
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
            if (until != null) {
                conditions.add("julianday(started_at) < julianday(?)");
                values.add(until.toString());
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

    /**
     * How many runs of {@code activation} have status {@code counted} and started after its latest
     * run with one of the {@code until} statuses (all of its {@code counted} runs when it has none):
     * the failures in a row since the last success or hold, the held runs since the last success.
     */
    public long countSinceLatest(String activation, RunStatus counted, RunStatus... until) {
        String marks = String.join(", ", java.util.Collections.nCopies(until.length, "?"));
        String sql = "WITH last AS (SELECT julianday(started_at) AS j, rtrim(started_at, 'Z') AS t, id FROM runs "
                + "WHERE activation = ? AND status IN (" + marks + ") ORDER BY " + NEWEST_FIRST + " LIMIT 1) "
                + "SELECT count(*) FROM runs r WHERE r.activation = ? AND r.status = ? AND NOT EXISTS (SELECT 1 FROM last "
                + "WHERE (last.j, last.t, last.id) >= (julianday(r.started_at), rtrim(r.started_at, 'Z'), r.id))";
        List<String> values = new ArrayList<>();
        values.add(activation);
        for (RunStatus status : until) {
            values.add(status.json());
        }
        values.add(activation);
        values.add(counted.json());
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bind(s, values);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
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

    private void update(String sql, String... values) {
        database.update(sql, values);
    }

    /** A run record as the history keeps it (JSON). */
    public static String json(RunRecord record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("cannot serialise run " + record.id(), e);
        }
    }

    /** A run record from the history's JSON. */
    public static RunRecord parse(String json) {
        try {
            return JSON.readValue(json, RunRecord.class);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("a run record in the history is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private static SluiceException failure(SQLException e) {
        return HistoryDatabase.failure(e);
    }

    @Override
    public void close() {
        database.close();
    }
}
