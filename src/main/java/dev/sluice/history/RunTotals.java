package dev.sluice.history;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What {@code /metrics} says of runs is read from the run history: every run recorded by any process
 * sharing the state folder ({@code sluice run}, {@code sluice serve}, other hosts) counts, not only
 * the serving process's. Runs are never deleted from the history and an ended run does not change,
 * so a reader takes each run once: those added since the last row it saw, and those it saw running.
 */
public final class RunTotals {
    /**
     * One run as the metrics count it: its row, id, activation and status (running ones too, so that
     * the reader asks again), its start and end, the rows it read and the bytes of its files.
     */
    public record Row(long rowid, String id, String activation, String status, Instant startedAt, Instant endedAt, long rowsRead,
            long bytes) {}

    private final HistoryDatabase database;

    public RunTotals(HistoryDatabase database) {
        this.database = database;
    }

    /** The runs added after row {@code afterRowid}, and those of {@code again} (ids seen running before), in row order. */
    public List<Row> since(long afterRowid, Collection<String> again) {
        List<Row> rows = new ArrayList<>();
        String ids = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                .addAll(again.stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList()).toString();
        try (PreparedStatement s = database.connection().prepareStatement("SELECT rowid, id, activation, status, "
                + "json_extract(record, '$.startedAt'), json_extract(record, '$.endedAt'), "
                + "coalesce(json_extract(record, '$.counts.read'), 0), "
                + "(SELECT coalesce(sum(json_extract(f.value, '$.bytes')), 0) FROM json_each(record, '$.files') f) "
                + "FROM runs WHERE rowid > ? OR id IN (SELECT value FROM json_each(?)) ORDER BY rowid")) {
            s.setLong(1, afterRowid);
            s.setString(2, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs.getString(5)),
                            instant(rs.getString(6)), rs.getLong(7), rs.getLong(8)));
                }
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
        return rows;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
