package dev.sluice.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.extract.Extractor;
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

/**
 * The committed snapshot of each activation: the rows the last successful run exported (all of
 * them, whatever the mode), as a Parquet file written by the engine under
 * {@code STATE/activations/NAME/}, and {@code current.json} naming it with the fingerprint of its
 * columns. A commit writes the new Parquet file, then replaces {@code current.json} by an atomic
 * rename: a crash at any point leaves either the old or the new snapshot in force.
 */
public final class SnapshotStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CURRENT = "current.json";

    /** A committed snapshot. */
    public record Snapshot(Path file, String fingerprint, String run, long rows, Instant committedAt) {}

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
            if (!Files.isRegularFile(file)) {
                throw SluiceException.external("the state of activation " + activation + " names " + file
                        + ", which is missing; run 'sluice reset " + activation + "' to start again with a full run", null);
            }
            return Optional.of(new Snapshot(file, node.path("fingerprint").asText(), node.path("run").asText(),
                    node.path("rows").asLong(), Instant.parse(node.path("committed_at").asText())));
        } catch (IOException | java.time.format.DateTimeParseException e) {
            throw SluiceException.external("the state of activation " + activation + " (" + current + ") is unreadable: "
                    + e.getMessage() + "; run 'sluice reset " + activation + "' to start again with a full run", e);
        }
    }

    /** Writes this run's rows ({@value Extractor#NOW}) as the new snapshot and makes it current. */
    public Snapshot commit(Engine engine, String activation, String run, String fingerprint, long rows, Instant at) {
        Path folder = folder(activation);
        String fileName = "snapshot-" + run + ".parquet";
        Path file = folder.resolve(fileName);
        try {
            Files.createDirectories(folder);
            Path partial = folder.resolve(fileName + ".partial");
            engine.execute("COPY " + Extractor.NOW + " TO " + Engine.literal(partial.toAbsolutePath().toString())
                    + " (FORMAT parquet, COMPRESSION zstd)");
            force(partial);
            move(partial, file);
            ObjectNode node = JSON.createObjectNode();
            node.put("snapshot", fileName).put("fingerprint", fingerprint).put("run", run).put("rows", rows)
                    .put("committed_at", at.toString());
            Path next = folder.resolve(CURRENT + ".partial");
            Files.write(next, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            force(next);
            move(next, folder.resolve(CURRENT));
            // The new snapshot is in force from here: failing to remove older files must not fail
            // the commit (the caller would take back files that the snapshot says were delivered).
            // They are harmless and removed by a later commit.
            try {
                removeOthers(folder, fileName);
            } catch (IOException ignored) {
                // see above
            }
            return new Snapshot(file, fingerprint, run, rows, at);
        } catch (IOException | SQLException e) {
            throw SluiceException.external("cannot commit the snapshot of activation " + activation + " in " + folder + ": "
                    + e.getMessage() + " (the files are published; the next run will export the same changes again)", e);
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

    private static void removeOthers(Path folder, String keep) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "snapshot-*")) {
            for (Path file : files) {
                if (keep == null || !file.getFileName().toString().equals(keep)) {
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
