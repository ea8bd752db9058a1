package dev.sluice.format;

import dev.sluice.engine.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Runs the engine's {@code COPY (query) TO file (options)} and returns the rows it wrote. */
final class EngineCopy {
    private EngineCopy() {}

    static long copy(Connection engine, String select, Path target, String options) throws SQLException {
        String sql = "COPY (" + select + ") TO " + Engine.literal(target.toAbsolutePath().toString()) + " (" + options + ")";
        try (Statement statement = engine.createStatement()) {
            return statement.executeUpdate(sql);
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
