package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.Problem;
import dev.sluice.config.WorkspaceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that collide, found before any run: two activations that can write the same object fail
 * the workspace; a delta activation whose name repeats between runs of its schedule gets a warning.
 */
class ObjectNamesTest {
    private static final Instant FROM = Instant.parse("2026-11-30T14:07:00Z");

    @TempDir
    Path dir;

    private Workspace load(String activations) throws IOException {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                models:
                  m:
                    sql: SELECT 1 AS id
                    primary_key: [id]
                destinations:
                  out: {type: local, path: ./out}
                  elsewhere: {type: local, path: ./other}
                activations:
                """ + activations);
        return new WorkspaceLoader(Map.<String, String>of()::get).load(file);
    }

    private List<String> warnings(String activation) throws IOException {
        return ObjectNames.warnings(load(activation).activations().values(), FROM).stream().map(Problem::toString).toList();
    }

    @Test
    void twoActivationsWritingTheSameObjectFailTheWorkspace() {
        assertThatThrownBy(() -> load("""
                  a: {model: m, destination: out, file_name: "people", sync_mode: snapshot}
                  b: {model: m, destination: out, file_name: "people", sync_mode: snapshot}
                """)).isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("activations.a.file_name: activations a and b can write the same object, people.csv in the folder")
                .hasMessageContaining("activations.b.file_name: activations a and b can write the same object");
        // A difference activation's _added file against a snapshot activation named like it.
        assertThatThrownBy(() -> load("""
                  a: {model: m, destination: out, file_name: "p", sync_mode: difference}
                  b: {model: m, destination: out, file_name: "p_added", sync_mode: snapshot}
                """)).isInstanceOf(WorkspaceException.class).hasMessageContaining("p_added.csv");
    }

    @Test
    void twoActivationsWithASchemaFileInOneFolderFailTheWorkspace() throws IOException {
        assertThatThrownBy(() -> load("""
                  a: {model: m, destination: out, folder: crm, file_name: "a", schema_file: true}
                  b: {model: m, destination: out, folder: crm, file_name: "b", schema_file: true}
                """)).isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("activations a and b can write the same object, crm/_schema.json")
                .hasMessageContaining("both have schema_file: true");
        assertThat(load("""
                  a: {model: m, destination: out, folder: crm, file_name: "a", schema_file: true}
                  b: {model: m, destination: out, folder: crm, file_name: "b"}
                  c: {model: m, destination: out, folder: other, file_name: "c", schema_file: true}
                """).activations()).hasSize(3);
    }

    @Test
    void activationsApartByNameFolderFormatOrPlaceDoNotClash() throws IOException {
        assertThat(load("""
                  a: {model: m, destination: out, file_name: "{activation}", sync_mode: snapshot}
                  b: {model: m, destination: out, file_name: "{activation}", sync_mode: snapshot}
                  c: {model: m, destination: out, folder: c, file_name: "people", sync_mode: snapshot}
                  d: {model: m, destination: out, folder: d, file_name: "people", sync_mode: snapshot}
                  e: {model: m, destination: out, folder: e, file_name: "people", format: json, sync_mode: snapshot}
                  f: {model: m, destination: out, folder: e, file_name: "people", format: csv, sync_mode: snapshot}
                  g: {model: m, destination: elsewhere, folder: c, file_name: "people", sync_mode: snapshot}
                  h: {model: m, destination: out, folder: h, file_name: "{run}", sync_mode: insert}
                  i: {model: m, destination: out, folder: h, file_name: "{run}", sync_mode: insert}
                """).activations()).hasSize(9);
    }

    @Test
    void aDeltaNameThatRepeatsWithinItsScheduleIsWarnedAbout() throws IOException {
        assertThat(warnings("""
                  d: {model: m, destination: out, file_name: "d_{YYYY}{MM}{DD}", sync_mode: insert, schedule: {every: 12h}}
                """)).singleElement().asString()
                .contains("activations.d.file_name: 'd_{YYYY}{MM}{DD}' renders the same name for the runs of its schedule (every 12h)")
                .contains("at 2026-12-01 02:07 and 2026-12-01 14:07 UTC", "an insert activation does not replace", "{run}", "overwrite: true");
        // Twice a day by cron, in a time zone.
        assertThat(warnings("""
                  d: {model: m, destination: out, file_name: "d_{YYYY}{MM}{DD}", sync_mode: difference,
                      schedule: {cron: "0 6,18 * * *", timezone: Europe/Paris}}
                """)).singleElement().asString().contains("cron 0 6,18 * * * (Europe/Paris)");
        // A name that cycles: the day of the month comes back.
        assertThat(warnings("""
                  d: {model: m, destination: out, file_name: "d_{DD}", sync_mode: upsert, schedule: {cron: "0 6 * * *"}}
                """)).singleElement().asString().contains("2026-12-01 06:00 and 2027-01-01 06:00 UTC");
        // Without a schedule: a name without a time variable or {run}.
        assertThat(warnings("""
                  d: {model: m, destination: out, file_name: "latest", sync_mode: upsert}
                """)).singleElement().asString().contains("holds no time variable and no {run}");
    }

    @Test
    void namesThatChangeSnapshotsAndOverwriteTrueAreNotWarnedAbout() throws IOException {
        assertThat(warnings("""
                  a: {model: m, destination: out, file_name: "a_{YYYY}{MM}{DD}", sync_mode: insert, schedule: {cron: "0 6 * * *"}}
                  b: {model: m, destination: out, file_name: "b_{YYYY}{MM}{DD}{HH}{mm}", sync_mode: difference, schedule: {every: 15m}}
                  c: {model: m, destination: out, file_name: "c_{run}", sync_mode: upsert, schedule: {every: 1m}}
                  d: {model: m, destination: out, file_name: "latest", sync_mode: snapshot, schedule: {every: 1m}}
                  e: {model: m, destination: out, file_name: "e", sync_mode: insert, overwrite: true, schedule: {every: 1m}}
                  f: {model: m, destination: out, file_name: "f_{YYYY}{MM}{DD}", sync_mode: insert}
                  g: {model: m, destination: out, file_name: "g_{x}", sync_mode: insert, schedule: {every: 1m}}
                """)).isEmpty();
    }
}
