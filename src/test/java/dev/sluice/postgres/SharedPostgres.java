package dev.sluice.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded PostgreSQL for the whole test JVM, and a clean database of its own for each test class
 * that registers it:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final SharedPostgres POSTGRES = new SharedPostgres();
 * </pre>
 *
 * The server starts with the first class that needs it (about 3 s, once instead of once per class) and
 * stops when the JVM ends (the library's shutdown hook). Before the class's own {@code @BeforeAll}, its
 * database ({@link #database()}: the class's simple name in lower case) is dropped if a previous run
 * left it and created empty; after the class it is dropped, with every database the class made with
 * {@link #recreate}. Roles are the server's, not a database's:
 * a class that creates one creates it under a name of its own. A server with a special setup (a
 * password, {@link PasswordPostgres}) is started by the class that needs it.
 */
public final class SharedPostgres implements BeforeAllCallback, AfterAllCallback {
    private static EmbeddedPostgres server;

    private final Set<String> databases = new LinkedHashSet<>();
    private String database;

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        database = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        recreate(database);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws SQLException {
        for (String name : databases) {
            drop(name);
        }
        databases.clear();
    }

    /** The port the server listens on (localhost). */
    public int port() {
        return server().getPort();
    }

    /** The test class's own database. */
    public String database() {
        return database;
    }

    /** A new connection to the class's database as {@code postgres} (the superuser, trusted). */
    public Connection connect() throws SQLException {
        return connect(database);
    }

    /** A new connection to {@code name} as {@code postgres}. */
    public Connection connect(String name) throws SQLException {
        return server().getDatabase("postgres", name).getConnection();
    }

    /** Runs each statement, in order, in the class's database. */
    public void execute(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /**
     * Drops {@code name} if it exists (ending its sessions) and creates it empty; it is dropped after
     * the class, like the class's own database.
     */
    public synchronized void recreate(String name) throws SQLException {
        databases.add(name);
        drop(name);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    private void drop(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
