package dev.sluice.history;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Paused activations, in {@link HistoryDatabase}'s {@code pauses} table: an operational state kept in
 * the state folder (not in the workspace), so that {@code sluice pause} and the server's API pause
 * activations written by hand too, and the server's scheduler sees a pause made by the CLI.
 */
public final class Pauses {
    /** One pause: since when, and who asked (the command line's user, or the API). */
    public record Pause(String activation, Instant since, String by) {}

    private final HistoryDatabase database;

    public Pauses(HistoryDatabase database) {
        this.database = database;
    }

    /** Pauses {@code activation}; an activation already paused keeps its first pause. Whether it was running before. */
    public boolean pause(String activation, Instant at, String by) {
        boolean was = get(activation).isEmpty();
        database.update("INSERT OR IGNORE INTO pauses (activation, paused_at, paused_by) VALUES (?, ?, ?)", activation, at.toString(), by);
        return was;
    }

    /** Lifts the pause of {@code activation}; whether it was paused. */
    public boolean resume(String activation) {
        boolean was = get(activation).isPresent();
        database.update("DELETE FROM pauses WHERE activation = ?", activation);
        return was;
    }

    public Optional<Pause> get(String activation) {
        return Optional.ofNullable(all().get(activation));
    }

    /** Every pause, by activation. */
    public Map<String, Pause> all() {
        Map<String, Pause> result = new LinkedHashMap<>();
        try (PreparedStatement s = database.connection().prepareStatement(
                "SELECT activation, paused_at, paused_by FROM pauses ORDER BY activation");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.put(rs.getString(1), new Pause(rs.getString(1), Instant.parse(rs.getString(2)), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
        return result;
    }
}
