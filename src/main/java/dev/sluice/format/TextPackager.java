package dev.sluice.format;


import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Turns the engine's record file (one record after another, each ending with a line break) into
 * the final files of a text format: adds the format's framing, cuts numbered parts at record
 * boundaries so that no part passes the byte or row limit (a record larger than the byte limit
 * gets a part of its own), and gzips each part when asked. The byte limit is on the file as stored:
 * for a gzipped part, the compressed bytes already written are counted exactly, and the records not
 * yet flushed by the compressor are counted at their worst case (data that does not compress at all).
 * When that bound says the next record might not fit, the compressor is flushed (a sync flush: the
 * output so far becomes exact, the compression window is kept) and the part is closed only if the
 * record still might not fit. Gzipped parts so come out just under the limit, whatever the data
 * compresses to. Streams: memory does not grow with the file.
 */
final class TextPackager {
    private static final int BUFFER = 1 << 20;

    private final Framing framing;
    private final SplitLimits limits;
    private final boolean gzip;

    TextPackager(Framing framing, SplitLimits limits, boolean gzip) {
        this.framing = framing;
        this.limits = limits;
        this.gzip = gzip;
    }

    /** Packages {@code records} into files in {@code dir}; one file named {@code baseName + extension} unless limits split it. */
    List<WrittenFile> packageRecords(Path records, Path dir, String baseName, String extension) throws IOException {
        List<WrittenFile> files = new ArrayList<>();
        try (InputStream in = Files.newInputStream(records)) {
            RecordReader reader = new RecordReader(in, framing.csvQuote());
            byte[] header = null;
            if (framing.header() && reader.next()) {
                header = reader.copy();
            }
            Part part = null;
            while (reader.next()) {
                if (part != null && part.full(reader.length())) {
                    files.add(part.close());
                    part = null;
                }
                if (part == null) {
                    part = new Part(dir, name(baseName, files.size() + 1, extension), header);
                }
                part.add(reader.buffer(), reader.start(), reader.length());
            }
            if (part == null) {
                part = new Part(dir, name(baseName, files.size() + 1, extension), header);
            }
            files.add(part.close());
        }
        return files;
    }

    private String name(String baseName, int index, String extension) {
        return limits.splits() ? SplitLimits.partName(baseName, index, extension) : baseName + extension;
    }

    /**
     * The largest a gzip file holding {@code content} bytes can be: DEFLATE expands data that does
     * not compress by at most what fixed Huffman coding costs (9 bits a byte, plus block headers;
     * zlib's own worst-case bound), and gzip adds a 10-byte header and an 8-byte trailer.
     */
    static long gzipBound(long content) {
        return content + (content >> 3) + (content >> 8) + (content >> 9) + 4 + 18;
    }

    /** One output file being written. */
    private final class Part {
        private final Path path;
        private final String fileName;
        private final OutputStream file;
        private final OutputStream out;
        /** The compressed bytes the gzip stream has written so far (null without gzip). */
        private final Counting compressed;
        private long bytes;
        /** Content bytes given to the gzip stream since its last flush: not yet counted in {@link #compressed}. */
        private long unflushed;
        private long rows;
        private final byte[] header;

        Part(Path dir, String fileName, byte[] header) throws IOException {
            this.fileName = fileName;
            this.path = dir.resolve(fileName);
            this.header = header;
            this.file = new BufferedOutputStream(Files.newOutputStream(path), BUFFER);
            this.compressed = gzip ? new Counting(file) : null;
            this.out = gzip ? new GZIPOutputStream(compressed, 64 * 1024, true) : file;
        }

        /** Whether adding a record of {@code length} bytes would pass a limit. */
        boolean full(int length) throws IOException {
            if (rows == 0) {
                return false;
            }
            if (limits.maxRows() != null && rows >= limits.maxRows()) {
                return true;
            }
            if (limits.maxBytes() == null) {
                return false;
            }
            long next = framing.separator().length + length + framing.tail().length;
            if (!gzip) {
                return bytes + next > limits.maxBytes();
            }
            if (compressed.count + gzipBound(unflushed + next) <= limits.maxBytes()) {
                return false;
            }
            out.flush(); // a sync flush: what was given so far is now written and counted
            unflushed = 0;
            return compressed.count + gzipBound(next) > limits.maxBytes();
        }

        void add(byte[] buffer, int start, int length) throws IOException {
            if (rows == 0) {
                write(framing.head());
                if (header != null) {
                    write(header);
                    write(framing.separator());
                }
            } else {
                write(framing.separator());
            }
            out.write(buffer, start, length);
            bytes += length;
            unflushed += length;
            rows++;
        }

        private void write(byte[] data) throws IOException {
            out.write(data);
            bytes += data.length;
            unflushed += data.length;
        }

        WrittenFile close() throws IOException {
            if (rows == 0) {
                if (header != null) {
                    write(header);
                    write(framing.tail());
                } else {
                    write(framing.empty());
                }
            } else {
                write(framing.tail());
            }
            out.close();
            return new WrittenFile(path, fileName, rows, Files.size(path));
        }
    }

    /** Counts the bytes written through it. */
    private static final class Counting extends java.io.FilterOutputStream {
        private long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /**
     * Reads records: up to each line break, or for CSV each line break outside quotes. The line
     * break itself is not part of the record. Records may be longer than the buffer: it grows.
     */
    static final class RecordReader {
        private final InputStream in;
        private final int quote;
        private byte[] buffer = new byte[BUFFER];
        private int start;
        private int length;
        private int filled;
        private int next;
        private boolean eof;

        RecordReader(InputStream in, int quote) {
            this.in = in;
            this.quote = quote;
        }

        boolean next() throws IOException {
            start = next;
            int scan = start;
            boolean quoted = false;
            while (true) {
                while (scan < filled) {
                    byte b = buffer[scan];
                    if (b == quote) {
                        quoted = !quoted;
                    } else if (b == '\n' && !quoted) {
                        length = scan - start;
                        next = scan + 1;
                        return true;
                    }
                    scan++;
                }
                if (eof) {
                    if (scan > start) {
                        length = scan - start;
                        next = scan;
                        return true;
                    }
                    return false;
                }
                int consumed = scan - start;
                if (start > 0) {
                    System.arraycopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                    start = 0;
                } else if (filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                scan = consumed;
                int read = in.read(buffer, filled, buffer.length - filled);
                if (read < 0) {
                    eof = true;
                } else {
                    filled += read;
                }
            }
        }

        byte[] buffer() {
            return buffer;
        }

        int start() {
            return start;
        }

        int length() {
            return length;
        }

        byte[] copy() {
            return Arrays.copyOfRange(buffer, start, start + length);
        }
    }
}
