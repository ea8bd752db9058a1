package dev.sluice.history;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code /metrics} says of runs, read from the run history at each scrape: every run recorded
 * by any process sharing the state folder ({@code sluice run}, {@code sluice serve}, other hosts)
 * is counted, not only the serving process's. Runs are never deleted from the history, so the
 * totals only grow. Running runs are not counted until they end.
 */
public final class RunTotals {
    /** One activation's ended runs of one status: how many, and the rows they read. */
    public record Ended(String activation, String status, long runs, long rowsRead) {}

    /**
     * One activation's run durations (runs that ran: succeeded, failed, held), in seconds: their sum,
     * and per bucket how many fell in it (not cumulative): bucket i holds those above bound i-1 up to
     * bound i, the last one those above every bound.
     */
    public record Durations(double sum, long[] buckets) {}

    /**
     * Everything read: runs per activation and status, bytes published per activation (files of
     * succeeded runs), durations per activation over {@code bounds}, the end of each activation's last
     * success (epoch milliseconds) and whether its latest run that ran ended held.
     */
    public record Totals(List<Ended> ended, Map<String, Long> bytesPublished, Map<String, Durations> durations,
            Map<String, Long> lastSuccess, Map<String, Boolean> held) {}

    private static final String RAN = "('succeeded', 'failed', 'held')";
    private static final String ENDED_AT = "json_extract(record, '$.endedAt')";

    private final HistoryDatabase database;

    public RunTotals(HistoryDatabase database) {
        this.database = database;
    }

    /** The totals, with durations counted into the histogram {@code bounds} (seconds, ascending). */
    public Totals read(double[] bounds) {
        try {
            return new Totals(ended(), bytesPublished(), durations(bounds), lastSuccess(), held());
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
    }

    private List<Ended> ended() throws SQLException {
        List<Ended> rows = new ArrayList<>();
        try (PreparedStatement s = database.connection().prepareStatement("SELECT activation, status, count(*), "
                + "coalesce(sum(json_extract(record, '$.counts.read')), 0) FROM runs WHERE status NOT IN ('running', 'dry_run') "
                + "GROUP BY activation, status ORDER BY activation, status"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(new Ended(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return rows;
    }

    private Map<String, Long> bytesPublished() throws SQLException {
        Map<String, Long> bytes = new TreeMap<>();
        try (PreparedStatement s = database.connection().prepareStatement("SELECT r.activation, "
                + "coalesce(sum(json_extract(f.value, '$.bytes')), 0) FROM runs r, json_each(r.record, '$.files') f "
                + "WHERE r.status = 'succeeded' GROUP BY r.activation"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                bytes.put(rs.getString(1), rs.getLong(2));
            }
        }
        return bytes;
    }

    private Map<String, Durations> durations(double[] bounds) throws SQLException {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, double[]> sums = new LinkedHashMap<>();
        try (PreparedStatement s = database.connection().prepareStatement("SELECT activation, (julianday(" + ENDED_AT
                + ") - julianday(json_extract(record, '$.startedAt'))) * 86400.0 FROM runs WHERE status IN " + RAN + " AND "
                + ENDED_AT + " IS NOT NULL"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String activation = rs.getString(1);
                double seconds = Math.max(0, Math.round(rs.getDouble(2) * 1000) / 1000.0);
                long[] c = counts.computeIfAbsent(activation, a -> new long[bounds.length + 1]);
                double[] sum = sums.computeIfAbsent(activation, a -> new double[1]);
                sum[0] += seconds;
                int bucket = 0;
                while (bucket < bounds.length && seconds > bounds[bucket]) {
                    bucket++;
                }
                c[bucket]++;
            }
        }
        Map<String, Durations> result = new TreeMap<>();
        counts.forEach((activation, c) -> result.put(activation, new Durations(sums.get(activation)[0], c)));
        return result;
    }

    private Map<String, Long> lastSuccess() throws SQLException {
        Map<String, Long> last = new TreeMap<>();
        try (PreparedStatement s = database.connection().prepareStatement("SELECT activation, max(julianday(" + ENDED_AT
                + ")) FROM runs WHERE status = 'succeeded' AND " + ENDED_AT + " IS NOT NULL GROUP BY activation");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                last.put(rs.getString(1), Math.round((rs.getDouble(2) - 2440587.5) * 86_400_000.0));
            }
        }
        return last;
    }

    private Map<String, Boolean> held() throws SQLException {
        Map<String, Boolean> held = new TreeMap<>();
        try (PreparedStatement s = database.connection().prepareStatement("SELECT activation, status FROM (SELECT activation, status, "
                + "row_number() OVER (PARTITION BY activation ORDER BY julianday(started_at) DESC, rtrim(started_at, 'Z') DESC, "
                + "id DESC) AS n FROM runs WHERE status IN " + RAN + ") WHERE n = 1"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                held.put(rs.getString(1), "held".equals(rs.getString(2)));
            }
        }
        return held;
    }
}
