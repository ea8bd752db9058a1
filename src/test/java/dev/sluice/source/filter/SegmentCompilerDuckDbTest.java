package dev.sluice.source.filter;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The segment compiler's contract on an in-memory DuckDB, as the run's engine and DuckDB sources use it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentCompilerDuckDbTest extends SegmentCompilerContract {
    private Connection connection;

    @BeforeAll
    void open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        connection = DriverManager.getConnection("jdbc:duckdb:", properties);
        createFixture();
    }

    @AfterAll
    void close() throws SQLException {
        connection.close();
    }

    @Override
    Connection connection() {
        return connection;
    }

    @Override
    String textType() {
        return "varchar";
    }
}
