package dev.sluice.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.JsonText;
import dev.sluice.error.SluiceException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What verifications read of the run history, and the verifications themselves (the
 * {@code verifications} table of {@link HistoryDatabase}: activation, time, ok, findings as JSON).
 */
public final class VerificationStore {
    private final HistoryDatabase database;

    public VerificationStore(HistoryDatabase database) {
        this.database = database;
    }

    /** An object an activation has published now: the run that published it and its record of the object. */
    public record Expected(String run, Instant startedAt, FileRecord file) {}

    /**
     * What {@code activation} has published now on {@code destination}, by object name: the
     * succeeded runs that published to that destination (or before the history kept destinations),
     * of every activation, replayed in the order they started; each name belongs to the latest run
     * that published it. A name is the activation's when that run is one of its own, that run is not
     * retired (retention is done with all its files), and no later run of the activation reported it
     * deleted or left it as changed by its retention.
     */
    public Map<String, Expected> publishedNow(String activation, String destination) {
        Map<String, Expected> owner = new TreeMap<>();
        Map<String, String> ownerActivation = new LinkedHashMap<>();
        Set<String> retired = new HashSet<>();
        try (PreparedStatement s = database.connection().prepareStatement("SELECT record, retired_at FROM runs WHERE status = 'succeeded' "
                + "AND (destination IS NULL OR destination = ?) ORDER BY " + RunStore.CHRONOLOGICAL)) {
            s.setString(1, destination);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    RunRecord run = RunStore.parse(rs.getString(1));
                    if (rs.getString(2) != null) {
                        retired.add(run.id());
                    }
                    for (FileRecord file : run.files()) {
                        owner.put(file.object(), new Expected(run.id(), run.startedAt(), file));
                        ownerActivation.put(file.object(), run.activation());
                    }
                    if (run.activation().equals(activation) && run.retention() != null) {
                        for (String name : concat(run.retention().deleted(), run.retention().changed())) {
                            Expected current = owner.get(name);
                            if (current != null && !current.run().equals(run.id())) {
                                owner.remove(name);
                                ownerActivation.remove(name);
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
        owner.entrySet().removeIf(e -> !activation.equals(ownerActivation.get(e.getKey())) || retired.contains(e.getValue().run()));
        return owner;
    }

    private static java.util.List<String> concat(java.util.List<String> a, java.util.List<String> b) {
        java.util.List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Of {@code names}, those that a run of any activation recorded among its files (whatever its
     * outcome, dry runs aside) on {@code destination} or on a destination the history does not know.
     */
    public Set<String> recorded(String destination, java.util.Collection<String> names) {
        Set<String> result = new HashSet<>();
        java.util.List<String> all = java.util.List.copyOf(names);
        for (int from = 0; from < all.size(); from += 500) {
            java.util.List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement s = database.connection().prepareStatement("SELECT DISTINCT json_extract(f.value, '$.object') FROM runs r, "
                    + "json_each(json_extract(r.record, '$.files')) f WHERE r.status <> 'dry_run' AND (r.destination IS NULL OR r.destination = ?) "
                    + "AND json_extract(f.value, '$.object') IN (" + marks + ")")) {
                s.setString(1, destination);
                for (int i = 0; i < chunk.size(); i++) {
                    s.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        result.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw HistoryDatabase.failure(e);
            }
        }
        return result;
    }

    /**
     * What changes whenever a run of {@code activation} starts, ends or is retired: read before and
     * after reading the destination, so that a verification that overlapped a run is done again.
     */
    public record RunState(long runs, String latestStart, long running, long succeeded, long retired) {}

    public RunState runState(String activation) {
        try (PreparedStatement s = database.connection().prepareStatement("SELECT count(*), coalesce(max(started_at), ''), "
                + "coalesce(sum(status = 'running'), 0), coalesce(sum(status = 'succeeded'), 0), count(retired_at) FROM runs WHERE activation = ?")) {
            s.setString(1, activation);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new RunState(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        }
    }

    /** Keeps a verification. */
    public void insert(Verification verification) {
        database.update("INSERT INTO verifications (id, activation, at, ok, findings, record) VALUES (?, ?, ?, ?, ?, ?)", verification.id(),
                verification.activation(), verification.at().toString(), verification.ok() ? "1" : "0",
                json(verification.findings()), json(verification));
    }

    /** The latest verification of each activation that has one. */
    public Map<String, Verification> latest() {
        Map<String, Verification> result = new TreeMap<>();
        try (PreparedStatement s = database.connection().prepareStatement("SELECT v.record FROM verifications v WHERE v.seq = "
                + "(SELECT max(w.seq) FROM verifications w WHERE w.activation = v.activation)")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Verification v = JsonText.MAPPER.readValue(rs.getString(1), Verification.class);
                    result.put(v.activation(), v);
                }
            }
        } catch (SQLException e) {
            throw HistoryDatabase.failure(e);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("a verification in the history is unreadable: " + e.getOriginalMessage(), e);
        }
        return result;
    }

    /** The latest verification of {@code activation}, if any. */
    public Optional<Verification> latest(String activation) {
        return Optional.ofNullable(latest().get(activation));
    }

    private static String json(Object value) {
        try {
            return JsonText.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw SluiceException.internal("cannot write a verification as JSON", e);
        }
    }
}
