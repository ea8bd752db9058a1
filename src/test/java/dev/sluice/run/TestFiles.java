package dev.sluice.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing a test's folders. */
public final class TestFiles {
    private TestFiles() {}

    /** Deletes {@code root} and all it holds; what cannot be deleted stays. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a test's temporary folder: JUnit removes what is left
        }
    }
}
