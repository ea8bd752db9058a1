package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segments API on a real server and real DuckDB: previews counted against queries written
 * here, the field paths of every kind of filter error, and segments saved one YAML file each.
 */
class SegmentApiIT {
    /** 10,000 people: id, country (FR DE SE ES, cycling), age (18..77), vip every 7th, signed up one day apart from 2020-01-01. */
    private static final String PEOPLE = "CREATE TABLE people AS SELECT i AS id, "
            + "CASE i % 4 WHEN 0 THEN 'FR' WHEN 1 THEN 'DE' WHEN 2 THEN 'SE' ELSE 'ES' END AS country, "
            + "18 + (i % 60) AS age, (i % 7 = 0) AS vip, DATE '2020-01-01' + CAST(i % 2000 AS INTEGER) AS signed_up "
            + "FROM range(1, 10001) t(i)";
    private static final String MODEL = """
            models:
              people:
                source: warehouse
                sql: SELECT * FROM people
                primary_key: [id]
            """;
    private static final String FILTER = """
            {"all": [{"attribute": "country", "op": "in", "value": ["FR", "SE"]},
                     {"any": [{"attribute": "age", "op": "gte", "value": 60},
                              {"attribute": "vip", "op": "eq", "value": true}]},
                     {"attribute": "signed_up", "op": "between", "value": ["2021-01-01", "2024-12-31"]}]}
            """;

    @TempDir
    Path dir;
    ServerFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private ServerFixture start() {
        fx = new ServerFixture(dir);
        fx.sql(PEOPLE);
        fx.write(ServerFixture.WORKSPACE.replace("models:\n", MODEL));
        return fx.start(false, null);
    }

    private long duckCount(String where) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("warehouse.duckdb").toAbsolutePath());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM people WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String preview(String model, String filter) {
        return "{\"model\": \"" + model + "\", \"filter\": " + filter + "}";
    }

    @Test
    void previewCountsAsAnIndependentQueryDoesWithTwentySampleRows() throws Exception {
        start();
        ServerFixture.Response r = fx.post("/api/segments/preview", preview("people", FILTER));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long expected = duckCount("country IN ('FR', 'SE') AND (age >= 60 OR vip) "
                + "AND signed_up BETWEEN DATE '2021-01-01' AND DATE '2024-12-31'");
        assertThat(expected).isBetween(100L, 9000L);
        assertThat(r.json().path("count").asLong()).isEqualTo(expected);
        assertThat(r.json().path("model_count").asLong()).isEqualTo(10_000);
        List<String> columns = new ArrayList<>();
        r.json().path("columns").forEach(c -> columns.add(c.asText()));
        assertThat(columns).containsExactly("id", "country", "age", "vip", "signed_up");
        assertThat(r.json().path("rows")).hasSize(20);
        for (JsonNode row : r.json().path("rows")) {
            assertThat(row.get(1).asText()).isIn("FR", "SE");
            assertThat(row.get(2).asInt() >= 60 || row.get(3).asBoolean()).as(row.toString()).isTrue();
            assertThat(row.get(4).asText()).isBetween("2021-01-01", "2024-12-31");
        }
        // A single condition, and a small count: fewer rows than the sample size.
        ServerFixture.Response one = fx.post("/api/segments/preview", preview("people",
                "{\"attribute\": \"id\", \"op\": \"lte\", \"value\": 3}"));
        assertThat(one.json().path("count").asLong()).isEqualTo(duckCount("id <= 3")).isEqualTo(3);
        assertThat(one.json().path("rows")).hasSize(3);
        // No filter: the whole model.
        ServerFixture.Response whole = fx.post("/api/segments/preview", "{\"model\": \"people\"}");
        assertThat(whole.json().path("count").asLong()).isEqualTo(duckCount("TRUE")).isEqualTo(10_000);
    }

    @Test
    void previewErrorsNameTheFieldPathOfTheOffendingCondition() {
        start();
        ServerFixture.Response unknown = fx.post("/api/segments/preview", preview("people",
                "{\"all\": [{\"attribute\": \"age\", \"op\": \"gt\", \"value\": 30}, {\"attribute\": \"contry\", \"op\": \"eq\", \"value\": \"FR\"}]}"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        assertThat(unknown.fields()).containsExactly("filter.all[1].attribute");
        assertThat(unknown.json().path("errors").get(0).path("message").asText()).contains("unknown attribute 'contry'")
                .contains("did you mean country?");

        ServerFixture.Response op = fx.post("/api/segments/preview", preview("people",
                "{\"any\": [{\"attribute\": \"country\", \"op\": \"eq\", \"value\": \"FR\"}, {\"all\": [{\"attribute\": \"age\", \"op\": \"contains\", \"value\": \"3\"}]}]}"));
        assertThat(op.status()).isEqualTo(400);
        assertThat(op.fields()).containsExactly("filter.any[1].all[0].op");
        assertThat(op.json().path("errors").get(0).path("message").asText()).contains("contains applies to text attributes");

        ServerFixture.Response value = fx.post("/api/segments/preview", preview("people",
                "{\"all\": [{\"attribute\": \"age\", \"op\": \"gt\", \"value\": 30}, {\"attribute\": \"signed_up\", \"op\": \"gte\", \"value\": \"yesterday\"}]}"));
        assertThat(value.status()).isEqualTo(400);
        assertThat(value.fields()).containsExactly("filter.all[1].value");
        assertThat(value.json().path("errors").get(0).path("message").asText()).contains("'yesterday'").contains("2025-04-14");

        ServerFixture.Response shape = fx.post("/api/segments/preview", preview("people",
                "{\"all\": [{\"attribute\": \"age\", \"op\": \"between\", \"value\": 30}]}"));
        assertThat(shape.status()).isEqualTo(400);
        assertThat(shape.fields()).containsExactly("filter.all[0].value");

        ServerFixture.Response operator = fx.post("/api/segments/preview", preview("people",
                "{\"attribute\": \"age\", \"op\": \"greater\", \"value\": 30}"));
        assertThat(operator.fields()).containsExactly("filter.op");

        ServerFixture.Response model = fx.post("/api/segments/preview", preview("peple", "{\"attribute\": \"age\", \"op\": \"gt\", \"value\": 30}"));
        assertThat(model.status()).isEqualTo(400);
        assertThat(model.fields()).containsExactly("model");
        assertThat(model.json().path("errors").get(0).path("message").asText()).contains("did you mean people?");
    }

    @Test
    void createGetListUpdateDeleteWithOneOwnerOnlyFileEach() throws Exception {
        start();
        ServerFixture.Response created = fx.post("/api/segments",
                "{\"name\": \"older_fr_se\", \"model\": \"people\", \"description\": \"older buyers\", \"filter\": " + FILTER + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/segments/older_fr_se");
        Path file = dir.resolve("segments/older_fr_se.yaml");
        assertThat(Files.readString(file)).startsWith("# Saved by the Sluice web UI");
        JsonNode saved = new YAMLMapper().readTree(file.toFile()).path("segments").path("older_fr_se");
        assertThat(saved.path("model").asText()).isEqualTo("people");
        assertThat(saved.path("description").asText()).isEqualTo("older buyers");
        assertThat(saved.path("filter")).isEqualTo(ServerFixture.JSON.readTree(FILTER));
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }

        JsonNode got = fx.get("/api/segments/older_fr_se").json();
        assertThat(got.path("editable").asBoolean()).isTrue();
        assertThat(got.path("description").asText()).isEqualTo("older buyers");
        assertThat(got.path("filter")).isEqualTo(ServerFixture.JSON.readTree(FILTER));
        JsonNode list = fx.get("/api/segments").json().path("segments");
        List<String> names = new ArrayList<>();
        list.forEach(s -> names.add(s.path("name").asText() + ":" + s.path("model").asText() + ":" + s.path("editable").asBoolean()));
        assertThat(names).containsExactly("french:customers:false", "older_fr_se:people:true");
        // The saved segment is what a preview of the saved filter counts.
        assertThat(fx.post("/api/segments/preview", preview("people", FILTER)).json().path("count").asLong())
                .isEqualTo(duckCount("country IN ('FR', 'SE') AND (age >= 60 OR vip) AND signed_up BETWEEN '2021-01-01' AND '2024-12-31'"));

        assertThat(fx.post("/api/segments", "{\"name\": \"older_fr_se\", \"model\": \"people\", \"filter\": " + FILTER + "}").status())
                .isEqualTo(409);
        assertThat(fx.post("/api/segments", "{\"name\": \"people\", \"model\": \"people\", \"filter\": " + FILTER + "}").status())
                .as("a model's name").isEqualTo(409);

        ServerFixture.Response updated = fx.put("/api/segments/older_fr_se",
                "{\"model\": \"people\", \"filter\": {\"attribute\": \"age\", \"op\": \"lt\", \"value\": 20}}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        JsonNode rewritten = new YAMLMapper().readTree(file.toFile()).path("segments").path("older_fr_se");
        assertThat(rewritten.path("filter").path("attribute").asText()).isEqualTo("age");
        assertThat(rewritten.has("description")).isFalse();

        ServerFixture.Response badUpdate = fx.put("/api/segments/older_fr_se",
                "{\"model\": \"people\", \"filter\": {\"all\": [{\"attribute\": \"age\", \"op\": \"lt\", \"value\": \"old\"}]}}");
        assertThat(badUpdate.status()).isEqualTo(400);
        assertThat(badUpdate.fields()).containsExactly("filter.all[0].value");
        assertThat(new YAMLMapper().readTree(file.toFile()).path("segments").path("older_fr_se")).isEqualTo(rewritten);

        assertThat(fx.delete("/api/segments/older_fr_se").status()).isEqualTo(204);
        assertThat(file).doesNotExist();
        assertThat(fx.get("/api/segments/older_fr_se").status()).isEqualTo(404);
    }

    @Test
    void anInvalidSegmentIsRefusedWithItsFieldPathsAndNothingIsWritten() {
        start();
        ServerFixture.Response bad = fx.post("/api/segments", "{\"name\": \"s1\", \"model\": \"people\", \"filter\": "
                + "{\"all\": [{\"attribute\": \"age\", \"op\": \"gt\", \"value\": 1}, {\"attribute\": \"cuntry\", \"op\": \"eq\", \"value\": \"FR\"}]}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.fields()).containsExactly("filter.all[1].attribute");
        ServerFixture.Response shape = fx.post("/api/segments", "{\"name\": \"s1\", \"model\": \"people\", \"filter\": {\"all\": []}}");
        assertThat(shape.status()).isEqualTo(400);
        assertThat(shape.fields()).containsExactly("filter.all");
        ServerFixture.Response model = fx.post("/api/segments", "{\"name\": \"s1\", \"model\": \"nope\", \"filter\": {\"attribute\": \"age\", \"op\": \"is_null\"}}");
        assertThat(model.status()).isEqualTo(400);
        assertThat(model.fields()).containsExactly("model");
        assertThat(fx.post("/api/segments", "{\"name\": \"../x\", \"model\": \"people\", \"filter\": {\"attribute\": \"age\", \"op\": \"is_null\"}}")
                .fields()).containsExactly("name");
        assertThat(dir.resolve("segments")).doesNotExist();
    }

    @Test
    void aSegmentUsedByAnActivationCannotBeDeleted() throws Exception {
        start();
        assertThat(fx.post("/api/segments", "{\"name\": \"young\", \"model\": \"people\", \"filter\": {\"attribute\": \"age\", \"op\": \"lt\", \"value\": 25}}")
                .status()).isEqualTo(201);
        ServerFixture.Response activation = fx.post("/api/activations", "{\"name\": \"young_daily\", \"segment\": \"young\", \"destination\": \"out\"}");
        assertThat(activation.status()).as(activation.body()).isEqualTo(201);
        ServerFixture.Response refused = fx.delete("/api/segments/young");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("detail").asText()).contains("young_daily");
        assertThat(dir.resolve("segments/young.yaml")).exists();
        assertThat(fx.delete("/api/activations/young_daily").status()).isEqualTo(204);
        assertThat(fx.delete("/api/segments/young").status()).isEqualTo(204);
    }

    @Test
    void aSegmentWrittenByHandIsReadOnlyAndNamesItsFile() throws Exception {
        start();
        String before = Files.readString(fx.yaml);
        JsonNode french = fx.get("/api/segments/french").json();
        assertThat(french.path("editable").asBoolean()).isFalse();
        assertThat(french.path("file").asText()).endsWith("sluice.yaml");
        assertThat(french.path("filter").path("all").get(0).path("value").asText()).isEqualTo("FR");
        ServerFixture.Response put = fx.put("/api/segments/french", "{\"model\": \"customers\", \"filter\": {\"attribute\": \"id\", \"op\": \"gt\", \"value\": 1}}");
        assertThat(put.status()).isEqualTo(409);
        assertThat(put.json().path("detail").asText()).contains("written by hand in").contains("sluice.yaml");
        ServerFixture.Response delete = fx.delete("/api/segments/french");
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.json().path("detail").asText()).contains("sluice.yaml");
        assertThat(Files.readString(fx.yaml)).isEqualTo(before);
        assertThat(dir.resolve("segments")).doesNotExist();
    }

    @Test
    void aWorkspaceThatDoesNotIncludeTheSegmentsFolderIsAnsweredWithTheLineToAdd() {
        fx = new ServerFixture(dir);
        fx.sql(PEOPLE);
        fx.write(ServerFixture.WORKSPACE.replace("models:\n", MODEL).replace(", segments/*.yaml]", "]"));
        fx.start(false, null);
        ServerFixture.Response refused = fx.post("/api/segments",
                "{\"name\": \"young\", \"model\": \"people\", \"filter\": {\"attribute\": \"age\", \"op\": \"lt\", \"value\": 25}}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.fields()).containsExactly("include");
        assertThat(refused.json().path("detail").asText()).contains("segments/*.yaml");
        assertThat(dir.resolve("segments")).doesNotExist();
    }
}
