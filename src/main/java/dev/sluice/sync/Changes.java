package dev.sluice.sync;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** How the rows of this run compare with the previous snapshot, by primary key over the exported attributes. */
public record Changes(long added, long updated, long removed, long unchanged) {
    public static Changes allAdded(long rows) {
        return new Changes(rows, 0, 0, 0);
    }

    /**
     * The counts of a compared run: {@code changes} holds the changed keys with their kind
     * ({@code change} is A, U or R) and {@code rows} this run's rows; the rest are unchanged. The same
     * SQL on the engine and, for {@code state: source}, on the source.
     */
    static Changes counted(Connection connection, String rows, String changes) throws SQLException {
        long read = Extractor.queryLong(connection, "SELECT count(*) FROM " + rows);
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FILTER (WHERE change = 'A'), count(*) FILTER (WHERE change = 'U'), "
                        + "count(*) FILTER (WHERE change = 'R') FROM " + changes)) {
            rs.next();
            long added = rs.getLong(1);
            long updated = rs.getLong(2);
            return new Changes(added, updated, rs.getLong(3), read - added - updated);
        }
    }
}
