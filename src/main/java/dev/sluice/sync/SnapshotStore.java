package dev.sluice.sync;

import static dev.sluice.sync.WorkTables.ATTACHED;
import static dev.sluice.sync.WorkTables.CHANGED_ROWS;
import static dev.sluice.sync.WorkTables.CHANGES;
import static dev.sluice.sync.WorkTables.FRESH;
import static dev.sluice.sync.WorkTables.NOW;
import static dev.sluice.sync.WorkTables.SNAPSHOT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.config.PrivateFiles;
import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The committed snapshot of each activation: the rows the last successful run read (all of them,
 * whatever the mode), with the key and a hash of the exported attributes — and the attributes
 * themselves only for full_then_delta × difference, whose {@code _removed} files need the last
 * values of the rows that go away — in a DuckDB database file under
 * {@code STATE/activations/NAME/}; {@code current.json} names the file, the fingerprint of its
 * columns, whether it keeps values, and the engine version that computed its hashes.
 *
 * <p>A run whose rows were compared with the snapshot commits <em>incrementally</em>: one
 * transaction in the snapshot file deletes the updated and removed keys and inserts the added and
 * updated rows, so that a run with few changes writes little. Any other run (first run, changed
 * columns, another engine version) writes a new file, then replaces {@code current.json} by an
 * atomic rename. Either way a crash leaves the old or the new snapshot in force, never a mix: the
 * engine's write-ahead log undoes an unfinished transaction when the file is next opened.
 */
public final class SnapshotStore {
    private static final ObjectMapper JSON = JsonText.MAPPER;
    private static final String CURRENT = "current.json";

    /**
     * A committed snapshot; {@code engine} is the version of the engine that hashed its rows;
     * {@code values}: whether it keeps the exported attributes, or only the keys and row hashes.
     */
    public record Snapshot(Path file, String fingerprint, String engine, boolean values) {}

    private final Path root;

    public SnapshotStore(Path stateDir) {
        this.root = stateDir.resolve("activations");
    }

    private Path folder(String activation) {
        return root.resolve(activation);
    }

    public Optional<Snapshot> current(String activation) {
        Path current = folder(activation).resolve(CURRENT);
        if (!Files.isRegularFile(current)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(current.toFile());
            Path file = folder(activation).resolve(node.path("snapshot").asText());
            if (!node.path("snapshot").asText().endsWith(".duckdb")) {
                // A snapshot from before snapshots were database files: compare nothing, start again.
                return Optional.empty();
            }
            if (!Files.isRegularFile(file)) {
                throw SluiceException.external("the state of activation " + activation + " names " + file
                        + ", which is missing; run 'sluice reset " + activation + "' to start again with a full run", null);
            }
            // Snapshots written before "values" was recorded kept every value.
            return Optional.of(new Snapshot(file, node.path("fingerprint").asText(), node.path("engine").asText(),
                    node.path("values").asBoolean(true)));
        } catch (IOException e) {
            throw SluiceException.external("the state of activation " + activation + " (" + current + ") is unreadable: "
                    + e.getMessage() + "; run 'sluice reset " + activation + "' to start again with a full run", e);
        }
    }

    /** The size on disk of a snapshot (its file and write-ahead log); 0 for none. */
    public long sizeOf(Optional<Snapshot> snapshot) {
        if (snapshot.isEmpty()) {
            return 0;
        }
        Path file = snapshot.get().file();
        Path wal = file.resolveSibling(file.getFileName() + ".wal");
        return file.toFile().length() + wal.toFile().length();
    }

    /**
     * The run whose snapshot is in force, as the snapshot file itself records it (the file's own
     * transaction commits it, so this is right even if the process died just after).
     */
    public Optional<String> committedRun(String activation) {
        Optional<Snapshot> snapshot = current(activation);
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("duckdb.read_only", "true");
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:duckdb:"
                + snapshot.get().file().toAbsolutePath(), properties);
                java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet rs = statement.executeQuery("SELECT run FROM sluice_meta")) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw SluiceException.external("the snapshot of activation " + activation + " (" + snapshot.get().file()
                    + ") is unreadable: " + e.getMessage() + "; run 'sluice reset " + activation + "' to start again with a full run", e);
        }
    }

    /**
     * Makes this run's rows ({@value WorkTables#NOW}) the committed snapshot: their keys and row
     * hashes, and their exported attributes too if {@code values} (only a run that writes
     * {@code _removed} files needs the last values of the rows that go away). With {@code compared}
     * (the snapshot these rows were compared with, its changes in {@value WorkTables#CHANGES} and
     * the added and updated rows in {@value WorkTables#CHANGED_ROWS}), the same engine version and
     * the same kept columns, only the changed rows are written.
     */
    public void commit(Engine engine, String activation, String run, Extracted now, Optional<Snapshot> compared, Instant at,
            boolean values) {
        Path folder = folder(activation);
        String kept = String.join(", ", now.keys()) + (values ? ", " + now.columns().stream().map(c -> Engine.identifier(c.name()))
                .collect(Collectors.joining(", ")) : "") + ", " + WorkTables.HASH;
        try {
            PrivateFiles.folder(root);
            PrivateFiles.folder(folder);
            String version = engine.version();
            if (compared.isPresent() && compared.get().engine().equals(version) && compared.get().fingerprint().equals(now.fingerprint())
                    && compared.get().values() == values) {
                commitChanges(engine, compared.get(), now, kept, run, at);
                writeCurrent(folder, compared.get().file().getFileName().toString(), now.fingerprint(), version, values, run, at);
            } else {
                if (values && !now.holdsValues()) {
                    throw new IllegalStateException("activation " + activation + ": a new snapshot must keep values this run did not store");
                }
                String fileName = "snapshot-" + run + ".duckdb";
                writeFresh(engine, folder, fileName, now, kept, run, at);
                writeCurrent(folder, fileName, now.fingerprint(), version, values, run, at);
                // The new snapshot is in force from here: failing to remove older files must not fail
                // the commit (the caller would take back files that the snapshot says were delivered).
                // They are harmless and removed by a later commit.
                try {
                    removeOthers(folder, fileName);
                } catch (IOException ignored) {
                    // see above
                }
            }
        } catch (IOException | SQLException e) {
            throw SluiceException.external("cannot commit the snapshot of activation " + activation + " in " + folder + ": "
                    + e.getMessage(), e);
        }
    }

    /** One transaction in the compared snapshot: out go updated and removed keys, in come added and updated rows. */
    private static void commitChanges(Engine engine, Snapshot snapshot, Extracted now, String kept, String run, Instant at)
            throws SQLException {
        String target = ATTACHED + "." + SNAPSHOT;
        String keys = String.join(", ", now.keys());
        String on = now.keys().stream().map(k -> "t." + k + " = c." + k).collect(Collectors.joining(" AND "));
        PrivateFiles.restrict(snapshot.file());
        engine.execute("DETACH DATABASE IF EXISTS " + ATTACHED);
        engine.execute("ATTACH " + Engine.literal(snapshot.file().toAbsolutePath().toString()) + " AS " + ATTACHED);
        try {
            engine.execute("BEGIN TRANSACTION");
            try {
                engine.execute("DELETE FROM " + target + " t USING (SELECT " + keys + " FROM " + CHANGES
                        + " WHERE change IN ('U', 'R')) c WHERE " + on);
                engine.execute("INSERT INTO " + target + " SELECT " + kept + " FROM " + CHANGED_ROWS);
                engine.execute("UPDATE " + ATTACHED + ".sluice_meta SET run = " + Engine.literal(run) + ", committed_at = "
                        + Engine.literal(at.toString()));
                engine.execute("COMMIT");
            } catch (SQLException e) {
                // A failed COMMIT (a full disk) may have ended the transaction already: the first error
                // is the one to report, not "cannot rollback - no transaction is active".
                try {
                    engine.execute("ROLLBACK");
                } catch (SQLException alreadyEnded) {
                    e.addSuppressed(alreadyEnded);
                }
                throw e;
            }
        } finally {
            try {
                engine.execute("DETACH DATABASE IF EXISTS " + ATTACHED);
            } catch (SQLException e) {
                // the attachment goes with the engine at the end of the run
            }
        }
    }

    /** The whole of {@value WorkTables#NOW} in a new file, checkpointed and synced before it is named current. */
    private static void writeFresh(Engine engine, Path folder, String fileName, Extracted now, String kept, String run, Instant at)
            throws SQLException, IOException {
        Path partial = folder.resolve(fileName + ".partial");
        Files.deleteIfExists(partial);
        Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".wal"));
        engine.execute("DETACH DATABASE IF EXISTS " + ATTACHED);
        engine.execute("ATTACH " + Engine.literal(partial.toAbsolutePath().toString()) + " AS " + FRESH);
        // The engine creates the file with the process umask and keeps the mode of a file it reopens.
        PrivateFiles.restrict(partial);
        try {
            engine.execute("CREATE TABLE " + FRESH + "." + SNAPSHOT + " AS SELECT " + kept + " FROM " + NOW);
            engine.execute("CREATE TABLE " + FRESH + ".sluice_meta AS SELECT " + Engine.literal(run) + " AS run, "
                    + Engine.literal(at.toString()) + " AS committed_at, " + Engine.literal(now.fingerprint()) + " AS fingerprint");
            engine.execute("CHECKPOINT " + FRESH);
        } finally {
            engine.execute("DETACH DATABASE IF EXISTS " + FRESH);
        }
        Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".wal"));
        force(partial);
        move(partial, folder.resolve(fileName));
    }

    private static void writeCurrent(Path folder, String fileName, String fingerprint, String engine, boolean values, String run,
            Instant at) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("snapshot", fileName).put("fingerprint", fingerprint).put("engine", engine).put("values", values)
                .put("run", run).put("committed_at", at.toString());
        Path next = folder.resolve(CURRENT + ".partial");
        PrivateFiles.write(next, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        force(next);
        move(next, folder.resolve(CURRENT));
    }

    private static final String READS_ONCE = "reads-once";

    /**
     * Whether the activation's model was found to give other rows when read twice in one run: its
     * runs then read every value once. Delete {@code STATE/activations/NAME/reads-once} to try again.
     */
    public boolean readsOnce(String activation) {
        return Files.exists(folder(activation).resolve(READS_ONCE));
    }

    /** Records that the activation's model gives other rows when read twice (see {@link #readsOnce}). */
    public void markReadsOnce(String activation) {
        try {
            PrivateFiles.folder(root);
            PrivateFiles.folder(folder(activation));
            PrivateFiles.write(folder(activation).resolve(READS_ONCE),
                    "the model gave other rows when read twice in one run; delete this file to let delta runs read it twice again\n"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw SluiceException.external("cannot write " + folder(activation).resolve(READS_ONCE) + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the snapshot: the next run is a first run. Returns whether there was one. */
    public boolean reset(String activation) {
        Path folder = folder(activation);
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try {
            boolean had = Files.deleteIfExists(folder.resolve(CURRENT));
            removeOthers(folder, null);
            return had;
        } catch (IOException e) {
            throw SluiceException.external("cannot reset the state of activation " + activation + " in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Removes every snapshot file but {@code keep} and its write-ahead log. */
    private static void removeOthers(Path folder, String keep) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "snapshot-*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (keep == null || !(name.equals(keep) || name.equals(keep + ".wal"))) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
