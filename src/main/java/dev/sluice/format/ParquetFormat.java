package dev.sluice.format;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Apache Parquet with typed columns; compression is inside the file. */
public record ParquetFormat(Codec compression) implements FileFormat {

    public enum Codec { SNAPPY, ZSTD, GZIP, NONE }

    /** The options of {@code format: {type: parquet, …}}. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.choice("compression", Codec.class).withDefault("snappy").in("format", 9)
                    .help("the codec inside the file"));

    static ParquetFormat parse(Node node) {
        node.allowKeys(FileFormats.optionKeys(SETTINGS));
        return new ParquetFormat(node.choice("compression", Codec.class, Codec.SNAPPY));
    }

    @Override
    public String type() {
        return "parquet";
    }

    @Override
    public String extension() {
        return ".parquet";
    }

    @Override
    public String contentType() {
        return "application/vnd.apache.parquet";
    }

    @Override
    public WriteResult write(OutputRows rows, Path dir, String baseName, SplitLimits limits) throws SQLException, IOException {
        String columns = rows.columns().stream()
                .map(c -> nullable(Engine.identifier(c.source())) + " AS " + Engine.identifier(c.name()))
                .collect(Collectors.joining(", "));
        String options = "FORMAT parquet, COMPRESSION " + (compression == Codec.NONE ? "uncompressed" : compression.name().toLowerCase(Locale.ROOT));
        if (!limits.splits()) {
            String fileName = baseName + extension();
            Path target = dir.resolve(fileName);
            List<String> warnings = new ArrayList<>();
            long written = EngineCopy.copy(rows.engine(), EngineCopy.select(rows, columns), target, options, warnings);
            return new WriteResult(List.of(new WrittenFile(target, fileName, written, Files.size(target))), written, warnings);
        }
        String nullableNames = rows.columns().stream()
                .map(c -> nullable(Engine.identifier(c.name())) + " AS " + Engine.identifier(c.name()))
                .collect(Collectors.joining(", "));
        return new ParquetParts(rows.engine(), options, limits, nullableNames)
                .write(EngineCopy.select(rows, columns), dir, baseName, extension());
    }

    /**
     * {@code column}, unchanged, in a form the engine cannot prove free of NULLs. The engine writes a
     * column that its statistics show to hold no NULL as REQUIRED; the specification wants every
     * column nullable (OPTIONAL), so that every file and part of an output has the same schema
     * whatever its rows.
     */
    static String nullable(String column) {
        return "CASE WHEN " + column + " IS NULL THEN NULL ELSE " + column + " END";
    }

    /**
     * Parts of a Parquet output: the rows are numbered once in a temporary table, then each part
     * is a range of them. With a byte limit, a part that comes out too large is written again
     * with proportionally fewer rows, until it fits or holds a single row.
     */
    private static final class ParquetParts {
        private final java.sql.Connection engine;
        private final String options;
        private final SplitLimits limits;
        private final String columns;
        private final List<String> warnings = new ArrayList<>();

        ParquetParts(java.sql.Connection engine, String options, SplitLimits limits, String columns) {
            this.engine = engine;
            this.options = options;
            this.limits = limits;
            this.columns = columns;
        }

        WriteResult write(String select, Path dir, String baseName, String extension) throws SQLException, IOException {
            String table = "sluice_parts_" + Long.toHexString(System.nanoTime());
            try (Statement statement = engine.createStatement()) {
                statement.execute("CREATE TEMP TABLE " + table + " AS SELECT row_number() OVER () - 1 AS sluice_rn, * FROM (" + select + ")");
            }
            try {
                long total;
                try (Statement statement = engine.createStatement(); ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    total = rs.getLong(1);
                }
                List<WrittenFile> files = new ArrayList<>();
                long perPart = limits.maxRows() != null ? limits.maxRows() : Math.max(1, total);
                long from = 0;
                do {
                    String fileName = SplitLimits.partName(baseName, files.size() + 1, extension);
                    Path target = dir.resolve(fileName);
                    long count = Math.min(perPart, total - from);
                    while (true) {
                        copyRange(table, from, count, target);
                        long size = Files.size(target);
                        if (limits.maxBytes() == null || size <= limits.maxBytes() || count <= 1) {
                            break;
                        }
                        count = Math.max(1, Math.min(count - 1, (long) (count * (limits.maxBytes() / (double) size) * 0.95)));
                        perPart = count;
                    }
                    files.add(new WrittenFile(target, fileName, count, Files.size(target)));
                    from += count;
                } while (from < total);
                return new WriteResult(files, total, warnings);
            } finally {
                try (Statement statement = engine.createStatement()) {
                    statement.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }

        private void copyRange(String table, long from, long count, Path target) throws SQLException {
            String select = "SELECT " + columns + " FROM " + table + " WHERE sluice_rn >= " + from
                    + " AND sluice_rn < " + (from + count) + " ORDER BY sluice_rn";
            EngineCopy.copy(engine, select, target, options, warnings);
        }
    }
}
