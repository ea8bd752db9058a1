package dev.sluice.source.filter;

import dev.sluice.postgres.SharedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The segment compiler's contract on a real PostgreSQL, as preview and validate use it on a postgres source. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentCompilerPostgresIT extends SegmentCompilerContract {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    private Connection connection;

    @BeforeAll
    void open() throws Exception {
        connection = POSTGRES.connect();
        createFixture();
    }

    @AfterAll
    void close() throws Exception {
        connection.close();
    }

    @Override
    Connection connection() {
        return connection;
    }

    @Override
    String textType() {
        return "text COLLATE \"C\"";
    }
}
