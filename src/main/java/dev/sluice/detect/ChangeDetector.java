package dev.sluice.detect;

import dev.sluice.engine.Engine;
import dev.sluice.extract.Extracted;
import dev.sluice.extract.Extractor;
import dev.sluice.format.ExportColumn;
import dev.sluice.plan.OutputContent;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The "detect changes" stage: one FULL OUTER JOIN on the primary key between this run's rows and
 * the previous snapshot, comparing the exported attributes exactly ({@code IS DISTINCT FROM}, so
 * null equals null). Every query of change detection is written here, in one place, so that
 * another SQL dialect can be slotted in.
 */
public final class ChangeDetector {
    public static final String PREV = "sluice_prev";

    private final Engine engine;
    private final Extracted now;

    public ChangeDetector(Engine engine, Extracted now) {
        this.engine = engine;
        this.now = now;
    }

    /** Makes the previous snapshot readable as {@value #PREV}; with no snapshot, {@value #PREV} is empty. */
    public void usePrevious(Path snapshot) throws SQLException {
        if (snapshot == null) {
            engine.execute("CREATE OR REPLACE TEMP VIEW " + PREV + " AS SELECT * FROM " + Extractor.NOW + " WHERE false");
        } else {
            engine.execute("CREATE OR REPLACE TEMP VIEW " + PREV + " AS SELECT * FROM read_parquet("
                    + Engine.literal(snapshot.toAbsolutePath().toString()) + ")");
        }
    }

    public Changes count() throws SQLException {
        String sql = "SELECT count(*) FILTER (WHERE p." + firstKey() + " IS NULL), "
                + "count(*) FILTER (WHERE n." + firstKey() + " IS NOT NULL AND p." + firstKey() + " IS NOT NULL AND (" + differs() + ")), "
                + "count(*) FILTER (WHERE n." + firstKey() + " IS NULL), "
                + "count(*) FILTER (WHERE n." + firstKey() + " IS NOT NULL AND p." + firstKey() + " IS NOT NULL AND NOT (" + differs() + ")) "
                + "FROM " + Extractor.NOW + " n FULL OUTER JOIN " + PREV + " p ON " + joinOn();
        try (Statement statement = engine.connection().createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return new Changes(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
    }

    /** The SELECT of an output's rows: the exported attributes only, under their exported names. */
    public String select(OutputContent content) {
        String nowColumns = columns("n");
        return switch (content) {
            case ALL -> "SELECT " + columns(null) + " FROM " + Extractor.NOW;
            case NOTHING -> "SELECT " + columns(null) + " FROM " + Extractor.NOW + " WHERE false";
            case ADDED -> "SELECT " + nowColumns + " FROM " + Extractor.NOW + " n ANTI JOIN " + PREV + " p ON " + joinOn();
            case UPDATED -> "SELECT " + nowColumns + " FROM " + Extractor.NOW + " n JOIN " + PREV + " p ON " + joinOn()
                    + " WHERE " + differs();
            case ADDED_OR_UPDATED -> "SELECT " + nowColumns + " FROM " + Extractor.NOW + " n LEFT JOIN " + PREV + " p ON "
                    + joinOn() + " WHERE p." + firstKey() + " IS NULL OR " + differs();
            case REMOVED -> "SELECT " + columns("p") + " FROM " + PREV + " p ANTI JOIN " + Extractor.NOW + " n ON " + joinOn();
        };
    }

    private String firstKey() {
        return now.keys().get(0);
    }

    private String joinOn() {
        return now.keys().stream().map(k -> "n." + k + " = p." + k).collect(Collectors.joining(" AND "));
    }

    private String differs() {
        List<ExportColumn> columns = now.columns();
        return columns.stream().map(c -> "n." + Engine.identifier(c.name()) + " IS DISTINCT FROM p." + Engine.identifier(c.name()))
                .collect(Collectors.joining(" OR "));
    }

    private String columns(String alias) {
        return now.columns().stream().map(c -> (alias == null ? "" : alias + ".") + Engine.identifier(c.name())
                + " AS " + Engine.identifier(c.name())).collect(Collectors.joining(", "));
    }
}
