package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One scenario per valid run type × sync mode: six syncs of a DuckDB file source to a local
 * folder, with the changes of {@link People#STEPS} between them. {@link Scenario#sync} checks every
 * file of every run row by row, the counts, and that the exported changes rebuild the table.
 */
class SyncScenarioIT {
    @TempDir
    Path dir;

    private static Map<String, String> mapping(String... fromTo) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < fromTo.length; i += 2) {
            m.put(fromTo[i], fromTo[i + 1]);
        }
        return m;
    }

    /** The fixture of a test: its destination {@code out} is a local folder here; subclasses deliver elsewhere. */
    Fixture fixture() {
        return new Fixture(dir);
    }

    /** The workspace header, with its destination {@code out}. */
    String workspaceHeader() {
        return People.WORKSPACE;
    }

    /** Writes the workspace, runs the first sync, then one sync after each step; returns every record. */
    List<JsonNode> play(Fixture fx, Scenario s, String model) {
        People.create(fx);
        fx.workspace(workspaceHeader() + s.yaml(model, "out"));
        List<JsonNode> records = new ArrayList<>();
        records.add(s.sync());
        for (int step = 0; step < People.STEPS.size(); step++) {
            People.step(fx, step);
            records.add(s.sync());
        }
        assertThat(fx.runs(s.activation)).hasSize(records.size())
                .allSatisfy(r -> assertThat(r.path("status").asText()).isEqualTo("succeeded"));
        return records;
    }

    @Test
    void fullOnlySnapshotCsvExportsEveryRowEveryTime() {
        Fixture fx = fixture();
        Scenario s = new Scenario(fx, "snap", RunType.FULL_ONLY, SyncMode.SNAPSHOT, Format.CSV, "snapshots", People.EU_SQL,
                List.of("id"), People.COLUMNS, null);
        s.delimiter = ';';
        List<JsonNode> records = play(fx, s, "eu_people");
        // Every run is full, with counts against the previous run: the unchanged run has only unchanged rows.
        assertThat(records.get(2).path("counts").path("unchanged").asLong()).isEqualTo(6);
        assertThat(records.get(2).path("counts").path("written").asLong()).isEqualTo(6);
    }

    @Test
    void fullOnlyUpsertJsonArrayWithACompositeKey() {
        Fixture fx = fixture();
        Scenario s = new Scenario(fx, "full_upsert", RunType.FULL_ONLY, SyncMode.UPSERT, Format.JSON_ARRAY, "upserts",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
        s.jsonNumbers = Set.of("id", "score", "amount");
        play(fx, s, "all_people");
    }

    @Test
    void fullOnlyInsertParquetWithAMapping() {
        Fixture fx = fixture();
        Scenario s = new Scenario(fx, "full_insert", RunType.FULL_ONLY, SyncMode.INSERT, Format.PARQUET, "inserts",
                People.EU_SQL, List.of("id"), People.COLUMNS,
                mapping("amount", "Amount", "id", "Id", "name", "Name", "born", "Born", "active", "Active"));
        s.parquetTypes = List.of("DECIMAL(10,2)", "INTEGER", "VARCHAR", "DATE", "BOOLEAN");
        play(fx, s, "eu_people");
    }

    @Test
    void fullThenDeltaUpsertJsonLinesWithAMapping() {
        Fixture fx = fixture();
        Scenario s = new Scenario(fx, "delta_upsert", RunType.FULL_THEN_DELTA, SyncMode.UPSERT, Format.JSON_LINES, "deltas",
                People.EU_SQL, List.of("id"), People.COLUMNS,
                mapping("name", "full_name", "id", "person_id", "score", "points", "city", "town"));
        s.jsonNumbers = Set.of("person_id", "points");
        List<JsonNode> records = play(fx, s, "eu_people");
        // Step 3 changed the note of id 5, which the mapping leaves out: not an update.
        JsonNode fourth = records.get(3).path("counts");
        assertThat(fourth.path("updated").asLong()).isEqualTo(2);
        assertThat(fourth.path("added").asLong()).isEqualTo(1);
        assertThat(fourth.path("removed").asLong()).isEqualTo(1);
        // The unchanged run writes an empty file.
        assertThat(records.get(2).path("counts").path("written").asLong()).isZero();
        assertThat(records.get(2).path("files")).hasSize(1);
    }

    @Test
    void fullThenDeltaInsertXmlWithACompositeKeySkippingEmptyFiles() {
        Fixture fx = fixture();
        Scenario s = new Scenario(fx, "delta_insert", RunType.FULL_THEN_DELTA, SyncMode.INSERT, Format.XML, "inserts",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
        s.xmlNames = new String[] {"people", "person"};
        s.skipEmpty = true;
        List<JsonNode> records = play(fx, s, "all_people");
        assertThat(records.get(2).path("files")).as("the unchanged run writes no file with empty_files: skip").isEmpty();
        assertThat(records.get(5).path("files")).as("the last step adds nothing").isEmpty();
        assertThat(records.get(5).path("counts").path("updated").asLong()).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(value = Format.class)
    void fullThenDeltaDifferenceWithACompositeKeyAndAMapping(Format format) {
        Fixture fx = fixture();
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, format, "changes",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS,
                mapping("name", "Name", "id", "Id", "region", "Region", "amount", "Amount", "score", "Score", "active", "Active"));
        s.manifest = format == Format.CSV;
        s.jsonNumbers = Set.of("Id", "Amount", "Score");
        List<JsonNode> records = play(fx, s, "all_people");

        // Written out by hand, independently of the oracle: removed rows carry their last exported values.
        assertThat(Scenario.sorted(rowsOf(fx, s, records.get(1), "removed"))).containsExactly(
                List.of("Ben", "2", "US", "2.20", "21", "false"),
                nullable("Dan", "4", "EU", null, null, "true"));
        assertThat(rowsOf(fx, s, records.get(1), "updated")).containsExactlyInAnyOrder(
                nullable("Ann", "1", "EU", null, "10", "true"),
                List.of("Bobby", "2", "EU", "0.00", "20", "false"));
        assertThat(rowsOf(fx, s, records.get(2), "added")).isEmpty();
        assertThat(rowsOf(fx, s, records.get(3), "added")).containsExactlyInAnyOrder(
                List.of("Dana", "4", "EU", "4.40", "44", "false"),
                List.of("Ben", "2", "US", "2.20", "21", "false"));
        assertThat(rowsOf(fx, s, records.get(5), "removed")).containsExactly(List.of("Ann", "1", "EU", "12.50", "10", "true"));
        // Six runs: one full, five deltas, and the counts of the unchanged run.
        assertThat(records).extracting(r -> r.path("kind").asText()).containsExactly("full", "delta", "delta", "delta", "delta", "delta");
        assertThat(records.get(2).path("counts").path("unchanged").asLong()).isEqualTo(8);
    }

    private static List<String> nullable(String... values) {
        return java.util.Arrays.asList(values);
    }

    private static List<List<String>> rowsOf(Fixture fx, Scenario s, JsonNode record, String output) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode file : record.path("files")) {
            if (file.path("output").asText().equals(output)) {
                rows.addAll(ExportReader.read(fx.file(file.path("object").asText()), s.format, s.delimiter, s.xmlNames,
                        s.jsonNumbers).rows());
            }
        }
        return rows;
    }
}
