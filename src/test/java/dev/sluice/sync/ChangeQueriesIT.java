package dev.sluice.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** The PostgreSQL rendering of {@link ChangeQueries} gives, on a real PostgreSQL, what the engine's gives on DuckDB. */
class ChangeQueriesIT {
    @Test
    void thePostgresRenderingClassifiesTheSameChanges() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Connection c = postgres.getPostgresDatabase().getConnection()) {
            assertThat(ChangeQueriesFixture.classify(c, ChangeQueriesTest.postgres()))
                    .containsExactlyElementsOf(ChangeQueriesFixture.EXPECTED);
        }
    }
}
