package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorReporterTest {
    @Test
    void theEnginesSqlPositionGoesToDebugAndTheRestIsOneLine() {
        String engine = "models.m.sql: the query fails on source 'default': Binder Error: Referenced column \"nme\" not found!\n"
                + "Candidate bindings: \"name\"\n\nLINE 2: SELECT id, nme FROM t\n                   ^^^";
        assertThat(ErrorReporter.withoutSqlPosition(engine)).isEqualTo("models.m.sql: the query fails on source 'default': Binder "
                + "Error: Referenced column \"nme\" not found!; Candidate bindings: \"name\" (rerun with --debug for the position in the SQL)");
        assertThat(ErrorReporter.withoutSqlPosition("a plain message")).isEqualTo("a plain message");
    }
}
