package dev.sluice.write;

import dev.sluice.error.SluiceException;
import dev.sluice.format.ExportColumn;
import dev.sluice.format.OutputRows;
import dev.sluice.format.SplitLimits;
import dev.sluice.format.WriteResult;
import dev.sluice.plan.Mapping;
import dev.sluice.source.Column;
import dev.sluice.source.ColumnTypes;
import dev.sluice.workspace.Activation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The "write files" stage: the rows of one output, inside the engine, become local files in the
 * activation's format, with its mapping, size limits and empty-output policy.
 */
public final class OutputWriter {
    private OutputWriter() {}

    /** The columns of {@code sql} as the engine sees them, without reading its rows. */
    public static List<Column> describe(Connection engine, String sql) throws SQLException {
        try (Statement statement = engine.createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM (" + sql + ") AS sluice_src LIMIT 0")) {
            return ColumnTypes.columns(rs.getMetaData());
        }
    }

    /** The exported attributes: the mapping's, in its order and names, or every column under its own name. */
    public static List<ExportColumn> exportColumns(List<Column> columns, List<Mapping> mapping) {
        if (mapping.isEmpty()) {
            return columns.stream().map(c -> new ExportColumn(c.name(), c.name(), c.type())).toList();
        }
        Map<String, Column> byName = columns.stream().collect(Collectors.toMap(Column::name, Function.identity(), (a, b) -> a));
        List<ExportColumn> result = new ArrayList<>();
        for (Mapping m : mapping) {
            Column column = byName.get(m.from());
            if (column == null) {
                throw SluiceException.user("mapping: the model has no attribute '" + m.from() + "'");
            }
            result.add(new ExportColumn(m.from(), m.to(), column.type()));
        }
        return result;
    }

    /**
     * Writes the rows of {@code sql} (run on {@code engine}) for {@code activation} into {@code dir},
     * named {@code baseName} plus the format's extension (numbered when split). With
     * {@code empty_files: skip}, an output without rows leaves no file.
     */
    public static WriteResult write(Activation activation, Connection engine, String sql, Path dir, String baseName) {
        try {
            Files.createDirectories(dir);
            List<ExportColumn> columns = exportColumns(describe(engine, sql), activation.mapping());
            SplitLimits limits = new SplitLimits(activation.maxFileSize(), activation.maxRowsPerFile());
            WriteResult result = activation.format().write(new OutputRows(engine, sql, columns), dir, baseName, limits);
            if (result.rows() == 0 && activation.emptyFiles() == Activation.EmptyFiles.SKIP) {
                for (var file : result.files()) {
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
