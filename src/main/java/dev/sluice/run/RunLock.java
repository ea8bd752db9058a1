package dev.sluice.run;

import dev.sluice.config.PrivateFiles;
import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Keeps two runs of one activation from overlapping, across processes: an OS file lock on
 * {@code STATE/locks/NAME.lock}, which the OS frees when the process dies, even by kill -9.
 */
public final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or throws {@link Busy} when another run of the activation holds it. */
    public static RunLock acquire(Path stateDir, String activation) {
        Path file = stateDir.resolve("locks").resolve(activation + ".lock");
        try {
            PrivateFiles.folder(file.getParent());
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PrivateFiles.fileAttributes(file));
            PrivateFiles.restrict(file);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new Busy(activation);
            }
            return new RunLock(channel, lock);
        } catch (IOException e) {
            throw SluiceException.external("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS frees the lock when the channel or the process goes away
        }
    }

    /** Another run of the activation is going. */
    public static final class Busy extends SluiceException {
        private static final long serialVersionUID = 1L;

        public Busy(String activation) {
            super(ErrorKind.EXTERNAL, "activation " + activation + " is already running in another process; "
                    + "wait for it to finish (see 'sluice runs " + activation + "')", null);
        }
    }
}
