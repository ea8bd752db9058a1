package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What counts as a change of schema, and how a change is told. */
class ExportedSchemaTest {
    private static ExportedSchema schema(List<String> key, ExportedSchema.Field... fields) {
        return new ExportedSchema(1, List.of(fields), key, "data");
    }

    private static ExportedSchema.Field f(String name, String type, boolean nullable) {
        return new ExportedSchema.Field(name, type, nullable);
    }

    @Test
    void theVersionAndFolderDoNotMakeADifferentSchema() {
        ExportedSchema a = schema(List.of("id"), f("id", "integer", false), f("name", "string", true));
        assertThat(a.as(7, "data/v7").sameAs(a)).isTrue();
        assertThat(a.changesFrom(a)).isEmpty();
    }

    @Test
    void eachKindOfChangeIsNamed() {
        ExportedSchema before = schema(List.of("id"), f("id", "integer", false), f("email", "string", true), f("score", "integer", true),
                f("city", "string", true));
        ExportedSchema after = schema(List.of("id", "region"), f("id", "integer", false), f("mail", "string", true),
                f("score", "floating", true), f("region", "string", false));
        assertThat(after.sameAs(before)).isFalse();
        assertThat(after.changesFrom(before)).containsExactly("column email renamed to mail", "column score: integer → floating",
                "column city removed", "column region added (string, not null)", "primary key: id → id, region");
    }

    @Test
    void nullabilityAndOrderAreChanges() {
        ExportedSchema before = schema(List.of(), f("a", "string", true), f("b", "date", true));
        assertThat(schema(List.of(), f("a", "string", false), f("b", "date", true)).changesFrom(before))
                .containsExactly("column a: nullable → not null");
        ExportedSchema swapped = schema(List.of(), f("b", "date", true), f("a", "string", true));
        assertThat(swapped.sameAs(before)).isFalse();
        assertThat(swapped.changesFrom(before)).containsExactly("columns reordered: b, a");
    }
}
