package dev.sluice.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A real PostgreSQL (embedded) where the role {@code alice} logs in with a password, checked with
 * scram-sha-256 over TCP and the socket; {@code postgres}, the fixture's own role, keeps trust.
 * Tests of credentials, URLs and secrets share it.
 */
public final class PasswordPostgres implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private PasswordPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts a server where {@code alice} has {@code password}, then runs {@code setup} as
     * {@code postgres} (tables, grants, databases).
     */
    public static PasswordPostgres start(String password, String... setup) throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("CREATE ROLE alice LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            for (String statement : setup) {
                s.execute(statement);
            }
            String hba;
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = rs.getString(1);
            }
            Files.writeString(Path.of(hba), """
                    local all postgres trust
                    host all postgres 127.0.0.1/32 trust
                    host all postgres ::1/128 trust
                    local all all scram-sha-256
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            s.execute("SELECT pg_reload_conf()");
        } catch (Exception e) {
            postgres.close();
            throw e;
        }
        return new PasswordPostgres(postgres);
    }

    public int port() {
        return postgres.getPort();
    }

    /** A connection as {@code postgres}, to the {@code postgres} database. */
    public Connection admin() throws java.sql.SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    @Override
    public void close() throws Exception {
        postgres.close();
    }
}
