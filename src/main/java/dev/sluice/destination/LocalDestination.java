package dev.sluice.destination;

import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder on disk that behaves like a bucket: each object is a file under the root. Uploads go to
 * a temporary file (a hard link to the local file when both are on one file system, else a copy)
 * then are renamed, so an object is never seen half-written; publishing is an atomic rename.
 */
public final class LocalDestination implements Destination {
    private final String name;
    private final Path root;

    public LocalDestination(String name, Path root) {
        this.name = name;
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    Path pathOf(String objectName) {
        Path path = root.resolve(objectName).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw SluiceException.internal("object name '" + objectName + "' leaves the destination folder", null);
        }
        return path;
    }

    @Override
    public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
        Path target = pathOf(objectName);
        // As for gcs: a local file Sluice cannot read is its own fault, not the destination folder's.
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw SluiceException.internal("cannot read the local file " + file + " to upload it: "
                    + (Files.exists(file) ? "not a readable file" : "no such file"), null);
        }
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(".sluice-upload-" + System.nanoTime() + ".tmp");
            try {
                try {
                    Files.createLink(temp, file);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
                }
                move(temp, target, true);
                return versionOf(target);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw failure("cannot write " + target, e);
        }
    }

    /**
     * A file's version: its file key (device and inode), modification time and size. Writing the
     * name again (a new file renamed over it, or the same file rewritten) changes one of them, even
     * with the same bytes; moving it (a rename) does not.
     */
    static String versionOf(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return (attributes.fileKey() == null ? "" : attributes.fileKey() + " ") + attributes.lastModifiedTime().toInstant() + " "
                + attributes.size();
    }

    @Override
    public String publish(String stagedName, String finalName, boolean overwrite) {
        Path staged = pathOf(stagedName);
        Path target = pathOf(finalName);
        try {
            Files.createDirectories(target.getParent());
            if (!overwrite && Files.exists(target)) {
                throw Destination.notReplaced(name, finalName, null);
            }
            move(staged, target, overwrite);
            String version = versionOf(target);
            // A bucket has no folders: once its last object is moved out, the staging folder goes too.
            pruneEmptyFolders(staged.getParent());
            return version;
        } catch (FileAlreadyExistsException e) {
            throw Destination.notReplaced(name, finalName, e);
        } catch (IOException e) {
            throw failure("cannot move " + staged + " to " + target, e);
        }
    }

    private static void move(Path from, Path to, boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            if (replace) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to);
            }
        }
    }

    @Override
    public void delete(String objectName) {
        Path path = pathOf(objectName);
        try {
            Files.deleteIfExists(path);
            pruneEmptyFolders(path.getParent());
        } catch (IOException e) {
            throw failure("cannot delete " + path, e);
        }
    }

    /**
     * With a recorded version, deletes the file only if its version (file key, modification time,
     * size) is the recorded one; without (older records), only if its size and CRC32C are. A file
     * system has no precondition on delete: a file replaced between the comparison and the delete
     * (a moment) is deleted too.
     */
    @Override
    public Removal deleteIfUnchanged(String objectName, String version, String crc32c, long bytes) {
        Path path = pathOf(objectName);
        try {
            if (!Files.isRegularFile(path)) {
                return Removal.MISSING;
            }
            boolean same = version != null ? version.equals(versionOf(path)) : Files.size(path) == bytes && crc32c(path).equals(crc32c);
            if (!same) {
                return Removal.CHANGED;
            }
            if (!Files.deleteIfExists(path)) {
                return Removal.MISSING;
            }
            pruneEmptyFolders(path.getParent());
            return Removal.DELETED;
        } catch (NoSuchFileException e) {
            return Removal.MISSING;
        } catch (IOException e) {
            throw failure("cannot delete " + path, e);
        }
    }

    /** CRC32C of a file, base64 of its four big-endian bytes, as GCS shows it. */
    private static String crc32c(Path file) throws IOException {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        byte[] buffer = new byte[1 << 16];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
            }
        }
        return GcsDestination.crc32c(crc.getValue());
    }

    private void pruneEmptyFolders(Path folder) {
        Path current = folder;
        while (current != null && current.startsWith(root) && !current.equals(root)) {
            try (Stream<Path> entries = Files.list(current)) {
                if (entries.findAny().isPresent()) {
                    return;
                }
                Files.delete(current);
            } catch (IOException e) {
                return;
            }
            current = current.getParent();
        }
    }

    @Override
    public boolean exists(String objectName) {
        return Files.isRegularFile(pathOf(objectName));
    }

    @Override
    public java.util.Optional<ObjectInfo> stat(String objectName) {
        Path path = pathOf(objectName);
        try {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new ObjectInfo(versionOf(path), Files.size(path), crc32c(path)));
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read " + path, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return names;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.startsWith(prefix) && !n.contains("/.sluice-upload-") && !n.startsWith(".sluice-upload-"))
                    .sorted()
                    .forEach(names::add);
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            throw failure("cannot list " + root, e);
        }
        return names;
    }

    /**
     * Also removes the temporary files of uploads that a killed process left under the prefix,
     * which {@link #list} does not show as objects.
     */
    @Override
    public int deleteAll(String prefix) {
        int removed = Destination.super.deleteAll(prefix);
        if (!prefix.endsWith("/")) {
            return removed;
        }
        Path folder = pathOf(prefix);
        if (!Files.isDirectory(folder)) {
            return removed;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw failure("cannot delete " + folder, e);
        }
        pruneEmptyFolders(folder.getParent());
        return removed;
    }

    @Override
    public void check(String folder) {
        String probe = (folder == null || folder.isEmpty() ? "" : folder + "/") + ".sluice-check-" + ProcessHandle.current().pid();
        try {
            Path file = Files.createTempFile("sluice-check", ".txt");
            try {
                Files.writeString(file, "sluice check");
                upload(file, probe, "text/plain", Map.of());
                if (!Files.readString(pathOf(probe)).equals("sluice check")) {
                    throw SluiceException.external("destinations." + name + ": the probe object read back differs from what was written", null);
                }
            } finally {
                Files.deleteIfExists(file);
                delete(probe);
            }
        } catch (IOException e) {
            throw failure("cannot write a probe object", e);
        }
    }

    private SluiceException failure(String what, IOException e) {
        return SluiceException.external("destinations." + name + " (folder " + root + "): " + what + ": "
                + e.getClass().getSimpleName() + " " + e.getMessage() + " (check permissions and free disk space)", e);
    }
}
