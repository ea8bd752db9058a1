package dev.sluice.history;

import dev.sluice.notify.Delivery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What became of each notification of each run, in {@link HistoryDatabase}'s {@code notifications} table. */
public final class NotificationLog {
    private final HistoryDatabase database;

    public NotificationLog(HistoryDatabase database) {
        this.database = database;
    }

    /** Records what became of one notification of run {@code runId}; {@code delivery.error} must be redacted already. */
    public void notified(String runId, Delivery delivery) {
        database.update("INSERT INTO notifications (run_id, name, type, event, status, attempts, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
        try (PreparedStatement s = database.connection().prepareStatement("SELECT run_id, name, type, event, status, attempts, error, at "
                + "FROM notifications WHERE run_id IN (" + marks + ") ORDER BY seq")) {
            List<String> ids = List.copyOf(runIds);
            for (int i = 0; i < ids.size(); i++) {
                s.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(new Delivery(rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getInt(6), rs.getString(7), java.time.Instant.parse(rs.getString(8))));
                }
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
        return result;
    }
}
