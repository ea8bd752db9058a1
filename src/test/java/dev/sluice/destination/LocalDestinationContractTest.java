package dev.sluice.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The destination contract on a {@code local} destination; objects are read straight from the
 * folder with java.nio. Also what only a folder has: empty folders and the temporary files of
 * uploads killed mid-way.
 */
class LocalDestinationContractTest extends DestinationContract {
    private Path root;

    @Override
    Destination open(Path dir) {
        root = dir;
        return new LocalDestination("out", dir);
    }

    @Override
    Optional<byte[]> read(String objectName) throws IOException {
        Path file = root.resolve(objectName);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    List<String> names() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Rewrites the file in place (same file, new modification time), as most programs do. */
    @Override
    void writeForeign(String objectName, byte[] content) throws IOException {
        Path file = root.resolve(objectName);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    /** Every folder under the root, empty or not. */
    List<String> folders() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isDirectory).filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void publishingTheLastStagedObjectRemovesTheEmptyStagingFolders() throws IOException {
        upload(bytes(10, 1), "out/.sluice-staging/r1/a.csv");
        upload(bytes(10, 2), "out/.sluice-staging/r1/b.csv");

        destination.publish("out/.sluice-staging/r1/a.csv", "out/a.csv", false);
        assertThat(folders()).containsExactly("out", "out/.sluice-staging", "out/.sluice-staging/r1");

        destination.publish("out/.sluice-staging/r1/b.csv", "out/b.csv", false);
        assertThat(folders()).containsExactly("out");
        assertThat(names()).containsExactly("out/a.csv", "out/b.csv");
    }

    @Test
    void deletingTheLastObjectOfAFolderRemovesTheEmptyFolders() throws IOException {
        upload(bytes(10, 1), "out/2025/06/a.csv");
        upload(bytes(10, 2), "out/b.csv");

        destination.delete("out/2025/06/a.csv");

        assertThat(folders()).containsExactly("out");
        assertThat(names()).containsExactly("out/b.csv");
    }

    @Test
    void deleteAllAlsoRemovesTheTemporaryFilesOfKilledUploadsWithoutCountingThem() throws IOException {
        upload(bytes(10, 1), "out/.sluice-staging/r1/a.csv");
        Files.write(root.resolve("out/.sluice-staging/r1/.sluice-upload-123.tmp"), bytes(10, 2));
        Files.createDirectories(root.resolve("out/.sluice-staging/r1/sub"));
        Files.write(root.resolve("out/.sluice-staging/r1/sub/.sluice-upload-456.tmp"), bytes(10, 3));
        upload(bytes(10, 4), "out/a.csv");

        assertThat(destination.list("out/")).as("temporary files are not objects")
                .containsExactly("out/.sluice-staging/r1/a.csv", "out/a.csv");
        assertThat(destination.deleteAll("out/.sluice-staging/r1/")).isEqualTo(1);

        assertThat(names()).containsExactly("out/a.csv");
        assertThat(folders()).containsExactly("out");
    }
}
