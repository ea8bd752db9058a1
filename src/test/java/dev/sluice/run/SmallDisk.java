package dev.sluice.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a folder, to run Sluice against a disk that fills up: {@link #fill}
 * leaves a given number of bytes free, {@link #empty} frees them again. Mounting needs root (CI
 * runs as root here); {@link #mount} returns null where it is not allowed, and tests that need a
 * full disk skip that part.
 */
final class SmallDisk implements AutoCloseable {
    private final Path folder;
    private final Path filler;

    private SmallDisk(Path folder) {
        this.folder = folder;
        this.filler = folder.resolve("disk-filler");
    }

    /** Mounts a tmpfs of {@code megabytes} on {@code folder} (created if missing); null when not allowed. */
    static SmallDisk mount(Path folder, int megabytes) {
        try {
            Files.createDirectories(folder);
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs",
                    folder.toString()).redirectErrorStream(true).start();
            mount.getInputStream().readAllBytes();
            if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0) {
                return null;
            }
            return new SmallDisk(folder);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Writes a filler file so that about {@code freeBytes} stay free. */
    void fill(long freeBytes) {
        try {
            long toWrite = Math.max(0, Files.getFileStore(folder).getUsableSpace() - freeBytes);
            ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                while (toWrite > 0) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), toWrite));
                    toWrite -= channel.write(zeros);
                }
            }
        } catch (IOException e) {
            // the disk is as full as it gets
        }
    }

    void empty() {
        try {
            Files.deleteIfExists(filler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            Process umount = new ProcessBuilder("umount", "-l", folder.toString()).redirectErrorStream(true).start();
            umount.getInputStream().readAllBytes();
            umount.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
