package dev.sluice.source.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The segment compiler's contract on DuckDB with the values read from a one-row table instead of
 * bound placeholders: the form a full_only run uses, whose query is evaluated inside COPY (where
 * nothing can be bound). Every operator on every type must select the same rows.
 */
class SegmentCompilerDuckDbValuesTableTest extends SegmentCompilerDuckDbTest {
    private static final String VALUES = "sluice_test_values";

    @Override
    SegmentCompiler compiler() {
        return new SegmentCompiler(Clock.fixed(NOW, ZoneOffset.UTC)).valuesFrom(VALUES);
    }

    @Override
    CompiledQuery runnable(CompiledQuery query) throws SQLException {
        CompiledQuery bound = query.bindInto(connection(), VALUES);
        assertThat(bound.parameters()).isEmpty();
        assertThat(bound.sql()).doesNotContain("?");
        return bound;
    }

    @Test
    void aQueryWithoutValuesNeedsNoTable() throws SQLException {
        CompiledQuery query = CompiledQuery.of("SELECT 1");
        assertThat(query.bindInto(connection(), VALUES)).isSameAs(query);
    }
}
