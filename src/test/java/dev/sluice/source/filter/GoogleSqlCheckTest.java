package dev.sluice.source.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zetasql.TypeFactory;
import com.google.zetasql.ZetaSQLType.TypeKind;
import dev.sluice.bigquery.GoogleSql;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ZetaSQL check the BigQuery fake applies to every statement: it accepts GoogleSQL (the live
 * suite's fixture, EXPORT DATA, positional parameters) and refuses what BigQuery refuses — unknown
 * names, wrong types and other dialects' syntax.
 */
class GoogleSqlCheckTest {
    private static final GoogleSql GOOGLE = new GoogleSql("test-project");

    @BeforeAll
    static void catalog() {
        GOOGLE.add(new GoogleSql.Table("fx", "sluice_fx", List.of("id", "t", "ts"), List.of(TypeFactory.createSimpleType(TypeKind.TYPE_INT64),
                TypeFactory.createSimpleType(TypeKind.TYPE_STRING), TypeFactory.createSimpleType(TypeKind.TYPE_DATETIME)), List.of()));
    }

    @Test
    void theLiveFixtureIsGoogleSql() {
        List<String> statements = SegmentCompilerBigQueryLiveIT.fixture("fx");
        GOOGLE.analyze(statements.get(0), null, List.of());
        assertThat(statements.get(1)).contains("'O\\'Brien'").contains("'back\\\\slash'").contains("NUMERIC '-3.75'")
                .contains("TIMESTAMP '2025-02-20 14:30:00+02'");
        GoogleSql withTable = new GoogleSql("test-project");
        withTable.add(new GoogleSql.Table("fx", "sluice_fx", List.of("id", "n", "d", "f", "t", "dt", "ts", "tstz", "b"),
                List.of(TypeKind.TYPE_INT64, TypeKind.TYPE_INT64, TypeKind.TYPE_NUMERIC, TypeKind.TYPE_DOUBLE, TypeKind.TYPE_STRING,
                        TypeKind.TYPE_DATE, TypeKind.TYPE_DATETIME, TypeKind.TYPE_TIMESTAMP, TypeKind.TYPE_BOOL).stream()
                        .map(k -> (com.google.zetasql.Type) TypeFactory.createSimpleType(k)).toList(), List.of()));
        withTable.analyze(statements.get(1), null, List.of());
    }

    @Test
    void googleSqlIsAccepted() {
        assertThat(GOOGLE.analyze("SELECT id, t FROM `test-project.fx.sluice_fx` WHERE id > ? AND t LIKE ?", null,
                List.of(TypeFactory.createSimpleType(TypeKind.TYPE_INT64), TypeFactory.createSimpleType(TypeKind.TYPE_STRING))).names())
                .containsExactly("id", "t");
        assertThat(GOOGLE.analyze("SELECT count(*) FROM (SELECT * FROM sluice_fx)", "fx", List.of()).names()).containsExactly("f0_");
        assertThat(GOOGLE.analyze("EXPORT DATA OPTIONS (uri = 'gs://b/p/*.parquet', format = 'PARQUET', overwrite = true) AS\n"
                + "SELECT * FROM `test-project`.fx.sluice_fx", null, List.of()).export()).isTrue();
    }

    @Test
    void whatBigQueryRefusesIsRefused() {
        assertThatThrownBy(() -> GOOGLE.analyze("SELECT nope FROM fx.sluice_fx", null, List.of()))
                .hasMessageContaining("Unrecognized name: nope");
        assertThatThrownBy(() -> GOOGLE.analyze("SELECT id FROM fx.sluice_fx WHERE id = 'x'", null, List.of()))
                .hasMessageContaining("No matching signature for operator =");
        assertThatThrownBy(() -> GOOGLE.analyze("SELECT id FROM fx.sluice_fx WHERE t LIKE ? ESCAPE '!'", null,
                List.of(TypeFactory.createSimpleType(TypeKind.TYPE_STRING)))).hasMessageStartingWith("Syntax error: ")
                .hasMessageContaining("ESCAPE");
        assertThatThrownBy(() -> GOOGLE.analyze("SELECT id::VARCHAR FROM fx.sluice_fx", null, List.of()))
                .hasMessageStartingWith("Syntax error: ");
        assertThatThrownBy(() -> GOOGLE.analyze("SELECT epoch_us(ts) FROM fx.sluice_fx", null, List.of()))
                .hasMessageContaining("Function not found: epoch_us");
        assertThatThrownBy(() -> GOOGLE.analyze("SELECT id FROM fx.missing", null, List.of())).isInstanceOfSatisfying(
                GoogleSql.Rejected.class, r -> assertThat(r.notFound).isTrue()).hasMessage("Not found: Table test-project:fx.missing was not found");
        assertThatThrownBy(() -> GOOGLE.analyze("SELECT id FROM nope.sluice_fx", null, List.of()))
                .hasMessage("Not found: Dataset test-project:nope was not found");
        assertThatThrownBy(() -> GOOGLE.analyze("SELECT CAST(id AS INT32) FROM fx.sluice_fx", null, List.of()))
                .as("product mode EXTERNAL: BigQuery has no INT32").hasMessageContaining("INT32");
    }
}
