package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.Problem;
import dev.sluice.config.WorkspaceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key written with a null value is not a key left out: a default applies only where the key is
 * absent, and a null names the key and the default. The same holds for activations that come
 * through the API, which the loader reads as JSON trees.
 */
class NullValuesTest {
    private static final String BASE = """
            models:
              m:
                sql: SELECT 1 AS id
                primary_key: [id]
            destinations:
              out: {type: local, path: ./out}
            """;

    @TempDir
    Path dir;

    private Workspace load(String yaml) throws IOException {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, yaml);
        return new WorkspaceLoader(Map.<String, String>of()::get).load(file);
    }

    private List<String> problems(String yaml) {
        try {
            load(yaml);
        } catch (WorkspaceException e) {
            return e.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("the workspace loaded");
    }

    @Test
    void nullForASettingWithADefaultNamesTheKeyAndTheDefault() {
        assertThat(problems(BASE + """
                activations:
                  vip:
                    model: m
                    destination: out
                    format: null
                    sync_mode: ~
                    run_type:
                    manifest: null
                    schedule: null
                    timezone: null
                    max_rows_per_file: null
                """)).containsExactlyInAnyOrder(
                "activations.vip.format: must not be null; remove the line to use the default (csv)",
                "activations.vip.sync_mode: must not be null; remove the line to use the default (snapshot)",
                "activations.vip.run_type: must not be null; remove the line to use the default (full_only)",
                "activations.vip.manifest: must not be null; remove the line to use the default (false)",
                "activations.vip.schedule: must not be null; remove the line to use the default (none: manual runs only)",
                "activations.vip.timezone: must not be null; remove the line to use the default (UTC)",
                "activations.vip.max_rows_per_file: must not be null; give a value or remove the line");
    }

    @Test
    void nullInsideFormatsSchedulesMappingsAndFilters() {
        assertThat(problems(BASE + """
                segments:
                  s:
                    model: m
                    filter: {all: null}
                  t:
                    model: m
                    filter: {attribute: id, op: is_null, value: null}
                activations:
                  a:
                    model: m
                    destination: out
                    format: {type: csv, delimiter: null, header: null}
                    schedule: {cron: "0 6 * * *", every: null}
                    mapping: [{from: id, to: null}]
                    overwrite: null
                """)).containsExactlyInAnyOrder(
                "segments.s.filter.all: must hold at least one condition or group",
                "segments.t.filter.value: is_null takes no value; remove it",
                "activations.a.format.delimiter: must not be null; remove the line to use the default (,)",
                "activations.a.format.header: must not be null; remove the line to use the default (true)",
                "activations.a.schedule.every: must not be null; give a value or remove the line",
                "activations.a.mapping[0].to: must not be null; remove the line to use the default (the from name)",
                "activations.a.overwrite: must not be null; remove the line to use the default "
                        + "(snapshot replaces its own objects, delta modes never replace)");
    }

    @Test
    void anEntryWithNothingUnderItIsAnErrorAnEmptySectionIsNot() throws IOException {
        assertThat(problems(BASE.replace("destinations:", "  ghost:\ndestinations:") + """
                activations:
                  vip:
                """)).containsExactlyInAnyOrder(
                "models.ghost: is empty; give its settings or remove it",
                "activations.vip: is empty; give its settings or remove it");
        // Sections whose entries are all commented out are just empty.
        Workspace workspace = load(BASE + """
                segments:
                activations:
                  # vip: {model: m, destination: out}
                include:
                """);
        assertThat(workspace.activations()).isEmpty();
    }

    @Test
    void requiredKeysWrittenAsNullAreStillRequired() {
        assertThat(problems(BASE + """
                activations:
                  vip: {model: m, destination: null}
                """)).containsExactly("activations.vip.destination: required");
    }

    @Test
    void driverPropertiesMustHaveValues() {
        assertThat(problems("""
                sources:
                  db: {type: jdbc, url: "jdbc:sqlite::memory:", properties: {foreign_keys: null}}
                  other: {type: jdbc, url: "jdbc:sqlite::memory:", properties: null}
                """ + BASE.replace("    sql:", "    source: db\n    sql:"))).containsExactlyInAnyOrder(
                "sources.db.properties.foreign_keys: must not be null; give a value or remove the line",
                "sources.other.properties: is empty; give its settings or remove it");
    }

    @Test
    void anActivationFromTheApiFollowsTheSameRule() throws IOException {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, BASE + "include: [activations/*.yaml]\n");
        JsonNode body = new ObjectMapper().readTree("""
                {"activations": {"vip": {"model": "m", "destination": "out", "sync_mode": null, "format": {"type": "json", "layout": null}}}}
                """);
        Path saved = dir.resolve("activations").resolve("vip.yaml");
        assertThatThrownBy(() -> new WorkspaceLoader(Map.<String, String>of()::get).load(file, Map.of(saved, body)))
                .isInstanceOfSatisfying(WorkspaceException.class, e -> {
                    assertThat(e.problems()).extracting(Problem::file).containsOnly(saved.toString());
                    assertThat(e.problems()).extracting(p -> p.path() + ": " + p.message()).containsExactlyInAnyOrder(
                            "activations.vip.sync_mode: must not be null; remove the line to use the default (snapshot)",
                            "activations.vip.format.layout: must not be null; remove the line to use the default (array)");
                });
    }
}
