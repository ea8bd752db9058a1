package dev.sluice.format;

import dev.sluice.engine.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Runs the engine's {@code COPY (query) TO file (options)} and returns the rows it wrote. */
final class EngineCopy {
    private EngineCopy() {}

    /**
     * Runs the COPY. With several threads and the insertion order kept, the engine's writers hold
     * more per thread than its memory limit allows for wide rows (measured: 3 M rows of 41 text
     * columns, about 1.3 KB a row, failed with 512MB and with 1GB, CSV within 2 s, Parquet after a
     * minute; one thread wrote both within 512MB). When the engine runs out of memory, the COPY is
     * run again with one thread (it overwrites what the failed one left), and {@code warnings} says so.
     */
    static long copy(Connection engine, String select, Path target, String options, List<String> warnings) throws SQLException {
        String sql = "COPY (" + select + ") TO " + Engine.literal(target.toAbsolutePath().toString()) + " (" + options + ")";
        try {
            return execute(engine, sql);
        } catch (SQLException e) {
            String threads = setting(engine, "threads");
            if (e.getMessage() == null || !e.getMessage().contains("Out of Memory Error") || threads.equals("1")) {
                throw e;
            }
            execute(engine, "SET threads = 1");
            try {
                long rows = execute(engine, sql);
                String warning = "the engine ran out of memory writing " + target.getFileName() + " with " + threads
                        + " threads (wide rows); it wrote it with one thread, which is slower: a larger --memory-limit lets it use every thread";
                if (!warnings.contains(warning)) {
                    warnings.add(warning);
                }
                return rows;
            } finally {
                execute(engine, "SET threads = " + threads);
            }
        }
    }

    private static long execute(Connection engine, String sql) throws SQLException {
        try (Statement statement = engine.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    private static String setting(Connection engine, String name) throws SQLException {
        try (Statement statement = engine.createStatement();
                java.sql.ResultSet rs = statement.executeQuery("SELECT current_setting(" + Engine.literal(name) + ")")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {@code SELECT expressions FROM (rows' SQL)}. */
    static String select(OutputRows rows, String expressions) {
        return "SELECT " + expressions + " FROM (" + rows.sql() + ") AS sluice_src";
    }

    /**
     * Options for writing one text value per record, verbatim, framed by {@code framing}: its head
     * before the first record, its separator between two, its tail after the last (the engine's
     * CSV writer takes any text as NEW_LINE, PREFIX and SUFFIX; both of the last two must be non-empty).
     */
    static String framedLines(Framing framing) {
        return "FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\u0001', NEW_LINE " + text(framing.separator())
                + ", PREFIX " + text(framing.head()) + ", SUFFIX " + text(framing.tail());
    }

    private static String text(byte[] utf8) {
        return Engine.literal(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Options for writing one text value per line, verbatim: no quoting, no header. */
    static String verbatimLines() {
        return "FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\u0001', NEW_LINE '\\n'";
    }
}
