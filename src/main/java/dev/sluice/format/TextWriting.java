package dev.sluice.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The shared path of the text formats: the engine writes the records (COPY), then, when the
 * format needs framing, parts or gzip, {@link TextPackager} streams them into the final files.
 * When the engine's output already is the final file, or the engine can write the framing of a
 * single unsplit, uncompressed file itself, there is no second pass.
 */
final class TextWriting {
    private TextWriting() {}

    static WriteResult write(Connection engine, String select, String copyOptions, Framing framing, boolean finalAsWritten,
            TextCompression compression, Path dir, String baseName, String extension, SplitLimits limits,
            List<String> givenWarnings) throws SQLException, IOException {
        List<String> warnings = new java.util.ArrayList<>(givenWarnings);
        boolean gzip = compression == TextCompression.GZIP;
        if (finalAsWritten && !gzip && !limits.splits()) {
            String fileName = baseName + extension;
            Path target = dir.resolve(fileName);
            long rows = EngineCopy.copy(engine, select, target, copyOptions, warnings);
            return new WriteResult(List.of(new WrittenFile(target, fileName, rows, Files.size(target))), rows, warnings);
        }
        if (!gzip && !limits.splits() && framing.csvQuote() < 0 && !framing.header() && framing.head().length > 0
                && framing.tail().length > 0) {
            // One file, records of one line each: the engine writes the framing itself (its CSV writer
            // puts PREFIX before the first record, NEW_LINE between two and SUFFIX after the last), so
            // the records are not read and written a second time. An empty output gets the format's empty file.
            String fileName = baseName + extension;
            Path target = dir.resolve(fileName);
            long rows = EngineCopy.copy(engine, select, target, EngineCopy.framedLines(framing), warnings);
            if (rows == 0) {
                Files.write(target, framing.empty());
            }
            return new WriteResult(List.of(new WrittenFile(target, fileName, rows, Files.size(target))), rows, warnings);
        }
        Path records = Files.createTempFile(dir, ".sluice-records-", ".tmp");
        try {
            long rows = EngineCopy.copy(engine, select, records, copyOptions, warnings);
            List<WrittenFile> files = new TextPackager(framing, limits, gzip).packageRecords(records, dir, baseName, extension);
            return new WriteResult(files, rows, warnings);
        } finally {
            Files.deleteIfExists(records);
        }
    }
}
