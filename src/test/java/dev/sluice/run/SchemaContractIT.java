package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema contract (docs/workspace.md, schema_changes and schema_file): the manifest carries the
 * exported schema (after the mapping) and its version, which stays while the schema stays and goes
 * up by one when a published run's schema changes; {@code hold} holds such a run, the diff in its
 * message, until {@code --accept-held}; {@code new_version} publishes from the change on under
 * {@code FOLDER/vN/}, starting with a full run; {@code _schema.json} describes the columns in the
 * format's terms. Everything is read back from the destination with Jackson and DuckDB.
 */
class SchemaContractIT {
    @TempDir
    Path dir;

    static final String FIRST_SQL = "SELECT id, name, score, born, amount FROM people WHERE region = 'EU'";
    /** score becomes a double, amount goes, city comes. */
    static final String CHANGED_SQL = "SELECT id, name, CAST(score AS DOUBLE) AS score, born, city FROM people WHERE region = 'EU'";

    Fixture fixture() {
        return new Fixture(dir);
    }

    /** The destination {@code out}'s definition. */
    String destination() {
        return "{type: local, path: out}";
    }

    private String workspace(String sql, String activation) {
        return """
                sources:
                  warehouse: {type: duckdb, path: warehouse.duckdb}
                models:
                  people:
                    source: warehouse
                    sql: "%s"
                    primary_key: [id]
                destinations:
                  out: %s
                activations:
                  contract:
                    model: people
                    destination: out
                    folder: data
                    file_name: "people-{run}"
                    manifest: true
                    schema_file: true
                %s""".formatted(sql, destination(), activation.indent(4));
    }

    private static JsonNode read(Fixture fx, String object) throws Exception {
        return Fixture.JSON.readTree(fx.file(object).toFile());
    }

    /** The object of the run whose name ends with {@code suffix}. */
    private static String object(JsonNode run, String suffix) {
        for (JsonNode f : run.path("files")) {
            if (f.path("object").asText().endsWith(suffix)) {
                return f.path("object").asText();
            }
        }
        throw new AssertionError("no " + suffix + " in " + run.path("files"));
    }

    /** name type nullable, one per column of a manifest's schema. */
    private static List<String> columns(JsonNode schema) {
        List<String> list = new ArrayList<>();
        schema.path("columns").forEach(c -> list.add(c.path("name").asText() + " " + c.path("type").asText()
                + (c.path("nullable").asBoolean() ? " nullable" : " not-null")));
        return list;
    }

    @Test
    void theManifestCarriesTheSchemaWhoseVersionStaysUntilItChanges() throws Exception {
        Fixture fx = fixture();
        People.create(fx);
        String activation = """
                format: {type: json, layout: lines}
                mapping: [{from: id}, {from: name, to: full_name}, {from: score}, {from: born}, {from: amount}]
                """;
        fx.workspace(workspace(FIRST_SQL, activation));
        JsonNode first = fx.run("contract").json();
        JsonNode manifest = read(fx, object(first, ".manifest.json"));
        assertThat(manifest.path("schema").path("version").asInt()).isEqualTo(1);
        assertThat(columns(manifest.path("schema"))).as("the columns as the consumer sees them: mapped names")
                .containsExactly("id integer not-null", "full_name string nullable", "score integer nullable", "born date nullable",
                        "amount decimal nullable");
        assertThat(manifest.path("schema").path("primary_key")).extracting(JsonNode::asText).containsExactly("id");
        assertThat(manifest.path("folder").asText()).isEqualTo("data");
        assertThat(first.path("schema").path("version").asInt()).as("the run record").isEqualTo(1);
        assertThat(object(first, "_schema.json")).isEqualTo("data/_schema.json");
        checkJsonRows(fx, object(first, ".jsonl"), read(fx, "data/_schema.json"), 5);

        JsonNode same = fx.run("contract").json();
        assertThat(read(fx, object(same, ".manifest.json")).path("schema").path("version").asInt()).as("nothing changed").isEqualTo(1);
        assertThat(same.path("warnings")).isEmpty();

        fx.workspace(workspace(CHANGED_SQL, "format: {type: json, layout: lines}\n"));
        JsonNode changed = fx.run("contract").json();
        JsonNode bumped = read(fx, object(changed, ".manifest.json"));
        assertThat(bumped.path("schema").path("version").asInt()).isEqualTo(2);
        assertThat(changed.path("schema").path("version").asInt()).isEqualTo(2);
        assertThat(columns(bumped.path("schema"))).containsExactly("id integer not-null", "name string nullable",
                "score floating nullable", "born date nullable", "city string nullable");
        assertThat(changed.path("warnings").toString()).contains("schema version 2 (was 1)")
                .contains("column full_name renamed to name").contains("column score: integer → floating")
                .contains("column amount removed").contains("column city added (string)");
        assertThat(object(changed, ".jsonl")).startsWith("data/people-");
        JsonNode rowSchema = read(fx, "data/_schema.json");
        assertThat(rowSchema.path("x-sluice-schema-version").asInt()).isEqualTo(2);
        checkJsonRows(fx, object(changed, ".jsonl"), rowSchema, 5);

        JsonNode again = fx.run("contract").json();
        assertThat(again.path("schema").path("version").asInt()).as("the changed schema, unchanged since").isEqualTo(2);
        assertThat(again.path("warnings")).isEmpty();
    }

    /** Every row of a jsonl object is valid against the JSON Schema of _schema.json: each field's JSON type, required, no others. */
    private static void checkJsonRows(Fixture fx, String object, JsonNode schema, int rows) throws Exception {
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        List<String> lines = Files.readAllLines(fx.file(object)).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(rows);
        JsonNode properties = schema.path("properties");
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (String line : lines) {
            JsonNode row = Fixture.JSON.readTree(line);
            List<String> fields = new ArrayList<>();
            row.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as("fields of %s", line).containsExactlyInAnyOrderElementsOf(required);
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode property = properties.path(field.getKey());
                assertThat(property.isMissingNode()).as("property %s in the schema", field.getKey()).isFalse();
                List<String> types = new ArrayList<>();
                if (property.path("type").isArray()) {
                    property.path("type").forEach(t -> types.add(t.asText()));
                } else if (property.has("type")) {
                    types.add(property.path("type").asText());
                }
                JsonNode value = field.getValue();
                String actual = value.isNull() ? "null" : value.isIntegralNumber() ? "integer" : value.isNumber() ? "number"
                        : value.isBoolean() ? "boolean" : value.isTextual() ? "string" : value.isArray() ? "array" : "object";
                boolean valid = types.isEmpty() || types.contains(actual) || actual.equals("integer") && types.contains("number");
                assertThat(valid).as("%s = %s against %s", field.getKey(), value, property).isTrue();
                if (!value.isNull() && property.path("format").asText().equals("date")) {
                    assertThat(value.asText()).matches("\\d{4}-\\d{2}-\\d{2}");
                }
            }
        }
    }

    @Test
    void holdHoldsAChangedSchemaWithTheDiffUntilAccepted() throws Exception {
        Fixture fx = fixture();
        People.create(fx);
        String activation = "format: csv\nsync_mode: upsert\nschema_changes: hold\n";
        fx.workspace(workspace(FIRST_SQL, activation));
        JsonNode first = fx.run("contract").json();
        assertThat(first.path("schema").path("version").asInt()).isEqualTo(1);
        JsonNode csvSchema = read(fx, "data/_schema.json");
        assertThat(csvSchema.path("format").asText()).isEqualTo("csv");
        List<String> listed = new ArrayList<>();
        csvSchema.path("columns").forEach(c -> listed.add(c.path("position").asInt() + " " + c.path("name").asText() + " "
                + c.path("type").asText()));
        assertThat(listed).containsExactly("1 id integer", "2 name string", "3 score integer", "4 born date", "5 amount decimal");
        String header = Files.readAllLines(fx.file(object(first, ".csv"))).get(0);
        assertThat(header).as("the CSV header against the column list").isEqualTo("id,name,score,born,amount");

        fx.workspace(workspace(CHANGED_SQL, activation));
        fx.sql("UPDATE people SET name = 'Annie' WHERE id = 1");
        TreeMap<String, Long> before = fx.objects();
        Fixture.Cli dry = fx.cli("run", "contract", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("warning: schema version 2 (was 1): column score: integer → floating")
                .contains("the run would be held (schema_changes: hold)");
        Fixture.Cli held = fx.cli("run", "contract", "--json");
        assertThat(held.exitCode()).as("a held run exits 3; %s", held.err()).isEqualTo(3);
        JsonNode record = held.json();
        assertThat(record.path("status").asText()).isEqualTo("held");
        assertThat(record.path("error").asText()).contains("schema_changes: hold")
                .contains("column score: integer → floating; column amount removed; column city added (string)")
                .contains("nothing was published").contains("sluice run contract --accept-held");
        assertThat(fx.objects()).as("nothing published by a held run").isEqualTo(before);
        assertThat(fx.stagingLeftovers()).isEmpty();

        Fixture.Cli heldAgain = fx.cli("run", "contract", "--json");
        assertThat(heldAgain.exitCode()).as("still held: the version was not advanced by the held run").isEqualTo(3);

        JsonNode accepted = fx.run("contract", "--accept-held").json();
        assertThat(accepted.path("status").asText()).isEqualTo("succeeded");
        assertThat(accepted.path("schema").path("version").asInt()).isEqualTo(2);
        JsonNode manifest = read(fx, object(accepted, ".manifest.json"));
        assertThat(manifest.path("schema").path("version").asInt()).isEqualTo(2);
        assertThat(manifest.path("kind").asText()).as("new columns: every row again").isEqualTo("full");
        assertThat(read(fx, "data/_schema.json").path("schema_version").asInt()).as("an upsert activation replaces its schema file")
                .isEqualTo(2);
        assertThat(Files.readAllLines(fx.file(object(accepted, ".csv"))).get(0)).isEqualTo("id,name,score,born,city");

        fx.sql("UPDATE people SET name = 'Ann' WHERE id = 1");
        JsonNode next = fx.run("contract").json();
        assertThat(next.path("schema").path("version").asInt()).isEqualTo(2);
        assertThat(read(fx, object(next, ".manifest.json")).path("kind").asText()).isEqualTo("delta");
    }

    @Test
    void newVersionPublishesUnderTheVersionFolderStartingWithAFullRun() throws Exception {
        Fixture fx = fixture();
        People.create(fx);
        String activation = "format: parquet\nsync_mode: upsert\nschema_changes: new_version\n";
        fx.workspace(workspace(FIRST_SQL, activation));
        JsonNode first = fx.run("contract").json();
        assertThat(object(first, ".parquet")).startsWith("data/people-");
        fx.sql("UPDATE people SET name = 'Annie' WHERE id = 1");
        JsonNode delta = fx.run("contract").json();
        assertThat(delta.path("kind").asText()).isEqualTo("delta");
        assertThat(delta.path("counts").path("written").asLong()).isEqualTo(1);

        fx.workspace(workspace(CHANGED_SQL, activation));
        JsonNode moved = fx.run("contract").json();
        assertThat(moved.path("files")).allSatisfy(f -> assertThat(f.path("object").asText()).startsWith("data/v2/"));
        assertThat(moved.path("kind").asText()).isEqualTo("full");
        assertThat(moved.path("counts").path("written").asLong()).as("every row in the new folder").isEqualTo(5);
        JsonNode manifest = read(fx, object(moved, ".manifest.json"));
        assertThat(manifest.path("folder").asText()).isEqualTo("data/v2");
        assertThat(manifest.path("schema").path("version").asInt()).isEqualTo(2);
        assertThat(moved.path("warnings").toString()).contains("published to folder data/v2/");
        assertThat(fx.objects().keySet()).as("the earlier version's files stay where they were")
                .contains(object(first, ".parquet"), object(delta, ".parquet"), "data/_schema.json", "data/v2/_schema.json");

        // _schema.json holds Parquet's own schema: the one DuckDB reads from the data file, element by element.
        JsonNode parquetSchema = read(fx, "data/v2/_schema.json").path("parquet_schema");
        Map<String, String> fromFile = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name, type FROM parquet_schema('"
                        + fx.file(object(moved, ".parquet")).toString().replace("'", "''") + "')")) {
            while (rs.next()) {
                fromFile.put(rs.getString(1), rs.getString(2));
            }
        }
        Map<String, String> described = new LinkedHashMap<>();
        parquetSchema.forEach(e -> described.put(e.path("name").asText(), e.path("type").isNull() ? null : e.path("type").asText()));
        assertThat(described).isEqualTo(fromFile);
        assertThat(described).containsEntry("score", "DOUBLE").containsKey("city").doesNotContainKey("amount");

        fx.sql("UPDATE people SET name = 'Ann' WHERE id = 1");
        JsonNode next = fx.run("contract").json();
        assertThat(next.path("kind").asText()).as("the new folder's runs go on as deltas").isEqualTo("delta");
        assertThat(object(next, ".parquet")).startsWith("data/v2/people-");
        assertThat(next.path("schema").path("version").asInt()).isEqualTo(2);
    }

    @Test
    void retentionDeletesOldRunsButNeverTheSchemaFile() throws Exception {
        Fixture fx = fixture();
        People.create(fx);
        String activation = "format: csv\nschema_changes: new_version\nretention: {keep_runs: 1}\n";
        fx.workspace(workspace(FIRST_SQL, activation));
        JsonNode first = fx.run("contract").json();
        fx.workspace(workspace(CHANGED_SQL, activation));
        JsonNode second = fx.run("contract").json();
        assertThat(object(second, ".csv")).startsWith("data/v2/");
        JsonNode third = fx.run("contract").json();
        assertThat(fx.objects().keySet()).as("retention deleted the earlier runs' data files and manifests")
                .doesNotContain(object(first, ".csv"), object(first, ".manifest.json"), object(second, ".csv"))
                .contains(object(third, ".csv"), "data/v2/_schema.json")
                .as("the schema file of version 1's folder, though only the first run published it, stays")
                .contains("data/_schema.json");
        assertThat(read(fx, "data/_schema.json").path("schema_version").asInt()).isEqualTo(1);
    }

    @Test
    void aRunThatDiesAfterItsDecisionIsCompletedInItsVersionFolderWithItsVersion() throws Exception {
        Fixture fx = fixture();
        People.create(fx);
        String activation = "format: csv\nsync_mode: upsert\nschema_changes: new_version\n";
        fx.workspace(workspace(FIRST_SQL, activation));
        fx.run("contract");
        fx.workspace(workspace(CHANGED_SQL, activation));
        Workspace ws = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        Runner failing = new Runner(ws, fx.state, Clock.systemUTC(), line -> { }, null,
                config -> new FaultyDestination(config.open(), FaultyDestination.Fault.publish(1)));
        assertThatThrownBy(() -> failing.run(new Runner.Request("contract", false, false, "manual")))
                .hasMessageContaining("its changes stand");
        assertThat(fx.stagingLeftovers()).as("staged in the version folder").isNotEmpty()
                .allMatch(name -> name.startsWith("data/v2/"));

        JsonNode next = fx.run("contract").json();
        JsonNode completed = fx.runs("contract").get(1);
        assertThat(completed.path("status").asText()).as("completed by the next run").isEqualTo("succeeded");
        assertThat(completed.path("schema").path("version").asInt()).isEqualTo(2);
        assertThat(completed.path("files")).allSatisfy(f -> assertThat(f.path("object").asText()).startsWith("data/v2/"));
        assertThat(fx.objects()).containsKeys(object(completed, ".csv"), object(completed, ".manifest.json"), "data/v2/_schema.json");
        assertThat(read(fx, object(completed, ".manifest.json")).path("folder").asText()).isEqualTo("data/v2");
        assertThat(next.path("schema").path("version").asInt()).as("the completed run's version was kept").isEqualTo(2);
        assertThat(next.path("kind").asText()).isEqualTo("delta");
        assertThat(object(next, ".csv")).startsWith("data/v2/");
        assertThat(fx.stagingLeftovers()).isEmpty();
    }
}
