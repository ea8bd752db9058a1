package dev.sluice.source;

import dev.sluice.error.ErrorKind;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import java.sql.SQLException;

/** Turns a failure to connect into a message that names the source and says what to check. */
final class ConnectionErrors {
    private ConnectionErrors() {}

    static SluiceException cannotConnect(Source source, SQLException e) {
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
        return new SluiceException(kind, "sources." + source.name() + ": cannot connect to "
                + source.describe() + ": " + detail + " (" + advice + ")", e);
    }
}
