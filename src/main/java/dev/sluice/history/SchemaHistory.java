package dev.sluice.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.JsonText;
import dev.sluice.error.SluiceException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The schema each activation last published, with its version and folder, in the table
 * {@code schemas} of {@code STATE/runs.db}: written with the record of a succeeded run (by
 * {@link RunStore#save}), so that a failed or held run never moves it.
 */
public final class SchemaHistory {
    private final HistoryDatabase database;

    public SchemaHistory(HistoryDatabase database) {
        this.database = database;
    }

    /** The schema of the activation's last published run; empty before its first (or for runs recorded before schemas were kept). */
    public Optional<ExportedSchema> last(String activation) {
        try (PreparedStatement s = database.connection().prepareStatement("SELECT schema FROM schemas WHERE activation = ?")) {
            s.setString(1, activation);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
    }

    /** Keeps {@code schema} as the activation's last published one (run {@code run}). */
    void published(String activation, String run, ExportedSchema schema) {
        try {
            database.update("INSERT INTO schemas (activation, version, schema, run_id) VALUES (?, ?, ?, ?) ON CONFLICT (activation) "
                    + "DO UPDATE SET version = excluded.version, schema = excluded.schema, run_id = excluded.run_id",
                    activation, Integer.toString(schema.version()), JsonText.MAPPER.writeValueAsString(schema), run);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("cannot serialise the schema of run " + run, e);
        }
    }

    private static ExportedSchema parse(String json) {
        try {
            return JsonText.MAPPER.readValue(json, ExportedSchema.class);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("a schema in the run history is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
