package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner-only folders and files: created so, existing ones restricted on request, missing ones left alone. */
class PrivateFilesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void posix() throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private Path open(String name, String mode) throws IOException {
        Path path = dir.resolve(name);
        if (name.endsWith("/")) {
            Files.createDirectory(path);
        } else {
            Files.writeString(path, "old");
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        return path;
    }

    @Test
    void createdFoldersAreOwnerOnlyAndExistingOnesAreLeftAsTheyAre() throws IOException {
        Path deep = dir.resolve("a/b/c");
        PrivateFiles.createFolders(deep);
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");
        assertThat(mode(deep)).isEqualTo("rwx------");
        assertThat(mode(dir)).as("an existing parent").isEqualTo("rwxr-xr-x");

        Path open = open("open/", "rwxr-xr-x");
        PrivateFiles.createFolders(open);
        assertThat(mode(open)).isEqualTo("rwxr-xr-x");
        PrivateFiles.folder(open);
        assertThat(mode(open)).as("folder() restricts an existing folder").isEqualTo("rwx------");
    }

    @Test
    void fileCreatesAnEmptyOwnerOnlyFileOrRestrictsAnExistingOneKeepingItsContent() throws IOException {
        Path created = PrivateFiles.file(dir.resolve("new.db"));
        assertThat(mode(created)).isEqualTo("rw-------");
        assertThat(Files.size(created)).isZero();

        Path existing = open("old.db", "rw-r--r--");
        PrivateFiles.file(existing);
        assertThat(mode(existing)).isEqualTo("rw-------");
        assertThat(Files.readString(existing)).isEqualTo("old");
    }

    @Test
    void writeReplacesAFileWithAnOwnerOnlyOne() throws IOException {
        Path file = open("current.json", "rw-rw-rw-");
        PrivateFiles.write(file, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo("new");
    }

    @Test
    void restrictLeavesWhatIsMissingAlone() throws IOException {
        PrivateFiles.restrict(dir.resolve("missing"));
        assertThat(Files.exists(dir.resolve("missing"))).isFalse();
        Path file = open("lock", "rw-r-----");
        PrivateFiles.restrict(file);
        assertThat(mode(file)).isEqualTo("rw-------");
    }
}
