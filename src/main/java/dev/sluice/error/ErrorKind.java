package dev.sluice.error;

/**
 * The three kinds of failure Sluice distinguishes, each with the exit code of the command line and
 * the HTTP status of the server.
 */
public enum ErrorKind {
    /** The user's input or configuration is wrong; fixing it is up to them. */
    USER(2, 400),
    /** Something outside Sluice failed: a database, a bucket, the network, the disk. */
    EXTERNAL(1, 502),
    /** A bug in Sluice. */
    INTERNAL(1, 500);

    private final int exitCode;
    private final int httpStatus;

    ErrorKind(int exitCode, int httpStatus) {
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
    }

    public int exitCode() {
        return exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
