package dev.sluice.sync;

import dev.sluice.engine.Engine;
import dev.sluice.engine.LogicalType;
import dev.sluice.error.SluiceException;
import dev.sluice.format.ExportColumn;
import dev.sluice.format.WriteResult;
import dev.sluice.plan.Mapping;
import dev.sluice.plan.PartitionBy;
import dev.sluice.workspace.Activation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The write stage of a partitioned activation ({@code partition_by}): each output's rows are kept
 * in a temporary table of the engine with their partition values, every output's partitions are
 * counted against {@code max_partitions} before any file is written ({@link #check}), then each
 * partition's rows are written through {@link OutputWriter} into its folder
 * ({@code country=FR/created_at_month=2026-11/}), without the partition columns: a reader takes
 * them from the folder names (Hive partitioning). Values are the engine's text of the value, or
 * {@code strftime} of a date/time part (timestamps with a time zone in UTC).
 */
public final class PartitionedWriter implements AutoCloseable {
    /** One output's rows kept for writing, and the partitions they fall in, each as its folder path. */
    public record Output(String table, List<Partition> partitions) {}

    /** A partition: its path ({@code country=FR/…}) and the text of each of its values (null for NULL). */
    public record Partition(String path, List<String> values) {}

    private final Activation activation;
    private final Connection engine;
    private final List<ExportColumn> columns;
    /** The exported columns left in the files: those that are not a partition's own value. */
    private final List<ExportColumn> kept;
    /** Each part's column, as exported. */
    private final List<ExportColumn> partColumns = new ArrayList<>();
    private final List<String> tables = new ArrayList<>();

    public PartitionedWriter(Activation activation, Connection engine, List<ExportColumn> columns) {
        this.activation = activation;
        this.engine = engine;
        this.columns = List.copyOf(columns);
        Set<String> inFolders = new LinkedHashSet<>();
        for (PartitionBy.Part part : activation.partitionBy().parts()) {
            ExportColumn column = exported(part.column());
            partColumns.add(column);
            if (part.as() == null) {
                inFolders.add(column.name());
            }
        }
        this.kept = this.columns.stream().filter(c -> !inFolders.contains(c.name())).toList();
    }

    /** The exported column of the model's column {@code column}, under its mapped name. */
    private ExportColumn exported(String column) {
        String name = activation.mapping().isEmpty() ? column : activation.mapping().stream().filter(m -> m.from().equals(column))
                .map(Mapping::to).findFirst().orElse(column);
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> SluiceException.user(
                "activations." + activation.name() + ".partition_by: column '" + column + "' is not among the exported columns ("
                        + String.join(", ", columns.stream().map(ExportColumn::name).toList()) + "); partition by an exported column",
                null));
    }

    /** Keeps the rows of {@code sql} (an output's rows, as the formats read them) with their partition values; lists their partitions. */
    public Output keep(String sql) throws SQLException {
        String table = "sluice_partitioned_" + tables.size();
        List<String> expressions = new ArrayList<>();
        List<PartitionBy.Part> parts = activation.partitionBy().parts();
        for (int i = 0; i < parts.size(); i++) {
            expressions.add(expression(parts.get(i), partColumns.get(i)) + " AS sluice_p" + i);
        }
        execute("CREATE OR REPLACE TEMP TABLE " + table + " AS SELECT *, " + String.join(", ", expressions) + " FROM (" + sql
                + ") AS sluice_src");
        tables.add(table);
        List<Partition> partitions = new ArrayList<>();
        try (Statement s = engine.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT " + partitionColumns() + " FROM " + table + " ORDER BY ALL NULLS FIRST")) {
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                List<String> folders = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    String value = rs.getString(i + 1);
                    values.add(value);
                    folders.add(PartitionBy.folder(parts.get(i).folderName(partColumns.get(i).name()), value));
                }
                partitions.add(new Partition(String.join("/", folders), values));
            }
        }
        return new Output(table, partitions);
    }

    /**
     * Fails (a user error, before any file is written) when {@code outputs} together fall in more
     * partitions than {@code max_partitions}.
     */
    public void check(List<Output> outputs) {
        Set<String> paths = new LinkedHashSet<>();
        outputs.forEach(o -> o.partitions().forEach(p -> paths.add(p.path())));
        int max = activation.partitionBy().maxPartitions();
        if (paths.size() > max) {
            throw SluiceException.user(String.format(Locale.ROOT, "activations.%s.max_partitions: this run would write %,d partitions "
                    + "(partition_by: %s), more than max_partitions (%,d); nothing was written and the previous snapshot is kept. "
                    + "Partition by a coarser column or part (as: month instead of day), or raise max_partitions to at least %d",
                    activation.name(), paths.size(), describe(), max, paths.size()), null);
        }
    }

    private String describe() {
        return "[" + String.join(", ", activation.partitionBy().parts().stream()
                .map(p -> p.as() == null ? p.column() : "{column: " + p.column() + ", as: " + p.as().key() + "}").toList()) + "]";
    }

    /** Writes the rows of one partition of {@code output} into {@code dir/PATH/}, named {@code baseName} (numbered when split). */
    public WriteResult write(Output output, Partition partition, Path dir, String baseName) throws SQLException {
        List<String> conditions = new ArrayList<>();
        for (int i = 0; i < partition.values().size(); i++) {
            String value = partition.values().get(i);
            conditions.add("sluice_p" + i + (value == null ? " IS NULL" : " = " + Engine.literal(value)));
        }
        String sql = "SELECT * EXCLUDE (" + partitionColumns() + ") FROM " + output.table() + " WHERE " + String.join(" AND ", conditions);
        return OutputWriter.write(activation, engine, sql, kept, dir.resolve(partition.path()), baseName);
    }

    private String partitionColumns() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < activation.partitionBy().parts().size(); i++) {
            names.add("sluice_p" + i);
        }
        return String.join(", ", names);
    }

    /** The text of a part's value in the engine: the value as text, or its date/time part (UTC for a timestamp with a zone). */
    private static String expression(PartitionBy.Part part, ExportColumn column) {
        String value = "sluice_src." + Engine.identifier(column.source());
        if (part.as() == null) {
            return "CAST(" + value + " AS VARCHAR)";
        }
        if (column.type() == LogicalType.TIMESTAMP_TZ) {
            value = "timezone('UTC', " + value + ")";
        }
        return "strftime(" + value + ", " + Engine.literal(part.as().pattern()) + ")";
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = engine.createStatement()) {
            s.execute(sql);
        }
    }

    /** Drops the temporary tables. */
    @Override
    public void close() {
        for (String table : tables) {
            try {
                execute("DROP TABLE IF EXISTS " + table);
            } catch (SQLException ignored) {
                // temporary: gone with the engine's session anyway
            }
        }
        tables.clear();
    }
}
