package dev.sluice.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * What the drivers log through java.util.logging passes through the masking: the PostgreSQL driver
 * itself, given the URL you get by putting {@code jdbc:} before a {@code DATABASE_URL}, logs the
 * password as part of an "invalid port number"; once installed, that warning is one masked line.
 */
class MaskedLoggingTest {
    private static final String PASSWORD = "Dr1ver-L0gged-Pa55-5521";

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePostgresDriversWarningIsOneMaskedLine() {
        String url = "jdbc:postgresql://app:" + PASSWORD + "@db.example.internal/db";
        Secrets.registerUrl(url); // as the source's settings do when they are read
        MaskedLogging.install();

        String err = stderrOf(() -> assertThat(org.postgresql.Driver.parseURL(url, null)).isNull());

        assertThat(err).doesNotContain(PASSWORD);
        assertThat(err.lines().toList()).containsExactly(
                "warning: org.postgresql.util.PGPropertyUtil: JDBC URL invalid port number: ****@db.example.internal");
    }

    @Test
    void aLoggedExceptionAndItsParametersAreMaskedOnOneLine() {
        MaskedLogging.install();
        Logger logger = Logger.getLogger("com.example.driver");

        String err = stderrOf(() -> {
            logger.log(Level.SEVERE, "cannot open {0}", "jdbc:example://host;user=u;password=" + "Sh0rt");
            logger.log(Level.WARNING, "retrying", new IllegalStateException("server said:\nno access for //u:pw12@host"));
            logger.info("not shown: below the warning level");
        });

        assertThat(err.lines().toList()).containsExactly(
                "error: com.example.driver: cannot open jdbc:example://host;user=u;password=****",
                "warning: com.example.driver: retrying (java.lang.IllegalStateException: server said:; no access for //u:****@host)");
    }
}
