package dev.sluice.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.JsonText;
import dev.sluice.error.SluiceException;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The delivery bookkeeping of runs, in the {@code runs} rows of {@link HistoryDatabase}: where a run
 * stages (recorded before it uploads anything), the final names it is about to publish and those it
 * writes before its decision, and the objects a failed run could not remove. (Histories of earlier
 * versions also hold a {@code decided_at} column: no longer written or read, since the state's commit
 * is the one record of a run's decision.) Recovery reads it to finish or undo what a dead run left.
 */
public final class DeliveryLog {
    private final HistoryDatabase database;

    public DeliveryLog(HistoryDatabase database) {
        this.database = database;
    }

    /** Records where run {@code id} stages its objects, before it uploads anything. */
    public void staging(String id, String prefix) {
        database.update("UPDATE runs SET staging = ? WHERE id = ?", prefix, id);
    }

    /**
     * Records, before anything is uploaded, what a run is about to publish: {@code pending} (still
     * running, with its counts and files: what recovery records as succeeded if the run decides and
     * then dies), its final names, and those of them written before the decision ({@code publish:
     * direct}), which a failed run must withdraw, and the destination it publishes to.
     */
    public void publishing(RunRecord pending, List<String> finalNames, List<String> directNames, String destination) {
        database.update("UPDATE runs SET record = ?, final_names = ?, direct_names = ?, destination = ? WHERE id = ?", RunStore.json(pending),
                names(finalNames), names(directNames), destination, pending.id());
    }

    /** Records the objects a failed run could not remove, so that the next run of its activation retries. */
    public void leftovers(String id, List<String> names) {
        database.update("UPDATE runs SET leftovers = ? WHERE id = ?", names.isEmpty() ? null : names(names), id);
    }

    /** Runs of {@code activation} with objects still to remove, by run id. */
    public java.util.Map<String, List<String>> leftovers(String activation) {
        java.util.Map<String, List<String>> result = new java.util.LinkedHashMap<>();
        try (PreparedStatement s = database.connection().prepareStatement(
                "SELECT id, leftovers FROM runs WHERE activation = ? AND leftovers IS NOT NULL ORDER BY " + RunStore.CHRONOLOGICAL)) {
            s.setString(1, activation);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), parseNames(rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
        return result;
    }


    /**
     * A run recorded as running: its staging prefix, and the final names it was publishing and those
     * it wrote before its decision point (both empty when it never got there). Whether it passed its
     * decision is the activation's state's to say (see {@link RunDelivery}).
     */
    public record Unfinished(RunRecord record, String staging, List<String> finalNames, List<String> directNames) {}

    public List<Unfinished> running(String activation) {
        List<Unfinished> result = new ArrayList<>();
        try (PreparedStatement s = database.connection().prepareStatement(
                "SELECT record, staging, final_names, direct_names FROM runs WHERE activation = ? AND status = 'running' "
                        + "ORDER BY " + RunStore.CHRONOLOGICAL)) {
            s.setString(1, activation);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Unfinished(RunStore.parse(rs.getString(1)), rs.getString(2), parseNames(rs.getString(3)),
                            parseNames(rs.getString(4))));
                }
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
        return result;
    }

    private static String names(List<String> names) {
        try {
            return JsonText.MAPPER.writeValueAsString(names);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("cannot record object names", e);
        }
    }

    private static List<String> parseNames(String names) {
        try {
            return names == null ? List.of() : List.of(JsonText.MAPPER.readValue(names, String[].class));
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("the run history holds unreadable object names", e);
        }
    }
}
