package dev.sluice.source;

import dev.sluice.error.ErrorKind;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import java.sql.SQLException;

/**
 * Turns a failure to connect, or a query's failure, into a message that names the source or the
 * model and says what to check.
 */
public final class ConnectionErrors {
    private ConnectionErrors() {}

    /**
     * A model's query failed on its source: when the connection was lost on the way (the server
     * restarted or terminated the session, the network dropped: SQLState class 08, 57P01-57P03, an
     * I/O error) an external failure saying so, since the SQL is not at fault; otherwise the query's
     * own error, on {@code models.NAME.sql}.
     */
    public static SluiceException queryFailed(Model model, SQLException e) {
        if (connectionLost(e)) {
            return SluiceException.external("sources." + model.source() + ": the connection to the source was lost while reading model "
                    + model.name() + " (" + Secrets.redact(String.valueOf(e.getMessage()).strip()) + "); nothing was published"
                    + " or recorded as done, so running again is safe", e);
        }
        return new SluiceException(ErrorKind.EXTERNAL, "models." + model.name() + ".sql: the query fails on source '"
                + model.source() + "': " + e.getMessage(), e);
    }

    /** True when {@code e}, or what caused it, says the connection itself failed rather than the statement. */
    public static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    public static SluiceException cannotConnect(Source source, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String detail = Secrets.redact(String.valueOf(e.getMessage()).strip());
        ErrorKind kind = ErrorKind.EXTERNAL;
        String advice = "check that the server is running and reachable";
        if (state.startsWith("28")) {
            kind = ErrorKind.USER;
            advice = "check the user and password settings";
        } else if (state.equals("3D000")) {
            kind = ErrorKind.USER;
            advice = "check the database setting";
        } else if (detail.contains("No suitable driver")) {
            kind = ErrorKind.USER;
            advice = "put the JDBC driver's jar on the class path (SLUICE_CLASSPATH) or fix the url";
        }
        Throwable network = kind == ErrorKind.EXTERNAL ? dev.sluice.error.NetworkFailure.in(e) : null;
        if (network != null && !detail.contains(String.valueOf(network.getMessage()))) {
            detail += " (" + dev.sluice.error.NetworkFailure.describe(network) + ")";
        }
        return new SluiceException(kind, "sources." + source.name() + ": cannot " + (network != null ? "reach " : "connect to ")
                + source.describe() + ": " + detail + " (" + advice + ")", e);
    }
}
