package dev.sluice.source.filter;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The segment compiler's contract on a real PostgreSQL, as preview and validate use it on a postgres source. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentCompilerPostgresIT extends SegmentCompilerContract {
    private EmbeddedPostgres postgres;
    private Connection connection;

    @BeforeAll
    void open() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        connection = postgres.getPostgresDatabase().getConnection();
        createFixture();
    }

    @AfterAll
    void close() throws Exception {
        connection.close();
        postgres.close();
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
