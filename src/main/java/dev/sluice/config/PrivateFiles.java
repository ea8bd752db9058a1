package dev.sluice.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only folders ({@code rwx------}) and files ({@code rw-------}) for what Sluice keeps in its
 * state folder: the run history, the snapshots (copies of the exported rows), locks and work files.
 * Folders are created owner-only, so that what the engines create inside them (with the process
 * umask) is private too. On a file system without POSIX permissions, folders and files are created
 * as usual and nothing is restricted.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates {@code folder} and its missing parents, each owner-only; folders that exist are left as they are. */
    public static Path createFolders(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return folder;
        }
        if (absolute.getParent() != null) {
            createFolders(absolute.getParent());
        }
        try {
            Files.createDirectory(absolute, attributes(absolute, FOLDER));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
        return folder;
    }

    /** As {@link #createFolders}, and {@code folder} itself made owner-only if it existed (left by an older version). */
    public static Path folder(Path folder) throws IOException {
        createFolders(folder);
        restrict(folder);
        return folder;
    }

    /** Creates an empty owner-only file unless {@code file} exists; an existing one is made owner-only. */
    public static Path file(Path file) throws IOException {
        try {
            Files.createFile(file, attributes(file, FILE));
        } catch (FileAlreadyExistsException e) {
            restrict(file);
        }
        return file;
    }

    /** Writes {@code bytes} to {@code file}, replacing it, as a new file that is owner-only from the start. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attributes(file, FILE))) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Options that create a file owner-only (for {@link FileChannel#open}); none without POSIX permissions. */
    public static FileAttribute<?>[] fileAttributes(Path file) {
        return attributes(file, FILE);
    }

    /**
     * Makes an existing folder {@code rwx------} or file {@code rw-------}. Best effort: a missing
     * path, a file system without POSIX permissions or one that refuses (a file of another user)
     * leaves it as it is, and Sluice works on as before.
     */
    public static void restrict(Path path) {
        if (!posix(path)) {
            return;
        }
        try {
            Set<PosixFilePermission> wanted = Files.isDirectory(path) ? FOLDER : FILE;
            if (!Files.getPosixFilePermissions(path).equals(wanted)) {
                Files.setPosixFilePermissions(path, wanted);
            }
        } catch (IOException | SecurityException e) {
            // see above
        }
    }

    private static FileAttribute<?>[] attributes(Path path, Set<PosixFilePermission> permissions) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
