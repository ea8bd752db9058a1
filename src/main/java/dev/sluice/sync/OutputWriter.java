package dev.sluice.sync;

import dev.sluice.config.PrivateFiles;
import dev.sluice.engine.EngineWarnings;
import dev.sluice.error.SluiceException;
import dev.sluice.format.ExportColumn;
import dev.sluice.format.OutputRows;
import dev.sluice.format.SplitLimits;
import dev.sluice.format.WriteResult;
import dev.sluice.format.WrittenFile;
import dev.sluice.workspace.Activation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The "write files" stage, the one path every output takes: the rows of one output, inside the
 * engine, become local files in the activation's format, with its size limits and its empty-output
 * policy ({@code empty_files: skip} leaves no file for an output without rows). The warnings of
 * the rows' staging ({@link EngineWarnings}) come out with the first output written.
 */
public final class OutputWriter {
    private OutputWriter() {}

    /**
     * Writes the rows of {@code sql} (run on {@code engine}; {@code columns} are its exported
     * attributes) for {@code activation} into {@code dir}, named {@code baseName} plus the format's
     * extension (numbered when split).
     */
    public static WriteResult write(Activation activation, Connection engine, String sql, List<ExportColumn> columns, Path dir,
            String baseName) {
        try {
            PrivateFiles.createFolders(dir);
            SplitLimits limits = new SplitLimits(activation.maxFileSize(), activation.maxRowsPerFile());
            WriteResult written = activation.format().write(new OutputRows(engine, sql, columns), dir, baseName, limits);
            // Warnings of the staging (values a type cannot hold) come out with the run's first output.
            List<String> staged = EngineWarnings.take(engine);
            WriteResult result = staged.isEmpty() ? written : new WriteResult(written.files(), written.rows(),
                    java.util.stream.Stream.concat(staged.stream(), written.warnings().stream()).toList());
            if (result.rows() == 0 && activation.emptyFiles() == Activation.EmptyFiles.SKIP) {
                for (WrittenFile file : result.files()) {
                    Files.deleteIfExists(file.path());
                }
                return new WriteResult(List.of(), 0, result.warnings());
            }
            return result;
        } catch (IOException e) {
            throw SluiceException.external("activations." + activation.name() + ": cannot write files in " + dir + ": "
                    + e.getMessage() + " (check free disk space and permissions)", e);
        } catch (SQLException e) {
            throw SluiceException.external("activations." + activation.name() + ": the engine failed writing "
                    + activation.format().type() + " files: " + e.getMessage(), e);
        }
    }
}
