package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.run.RunLock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API over real HTTP, on a real workspace with a DuckDB source and a local destination. */
class ServerApiIT {
    private static final String VALID = """
            {"name": "french_daily", "segment": "french", "destination": "out", "folder": "exports/fr",
             "file_name": "{activation}_{YYYY}_{run}", "format": {"type": "csv", "delimiter": ";", "header": true},
             "mapping": [{"from": "id", "to": "Id"}, {"from": "email", "to": "Email"}],
             "run_type": "full_then_delta", "sync_mode": "upsert",
             "schedule": {"cron": "0 6 * * *", "timezone": "Europe/Paris"}}
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
        fx = new ServerFixture(dir).start(false, null);
        return fx;
    }

    private List<Path> savedFiles() throws Exception {
        if (!Files.isDirectory(fx.activations)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fx.activations)) {
            return files.toList();
        }
    }

    @Test
    void anActivationCreatedThroughTheApiIsSavedInItsOwnFileRunAndFoundInTheHistory() throws Exception {
        start();
        String handWritten = Files.readString(fx.yaml);

        ServerFixture.Response created = fx.post("/api/activations", VALID);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/activations/french_daily");
        assertThat(fx.log).anyMatch(l -> l.startsWith("french_daily: created through the API"));
        assertThat(Files.readString(fx.yaml)).isEqualTo(handWritten);
        Path saved = fx.activations.resolve("french_daily.yaml");
        assertThat(saved).exists();
        assertThat(Files.readString(saved)).contains("activations:", "french_daily:", "segment: french", "Europe/Paris");
        if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
                    .as("a saved activation is owner-only").isEqualTo("rw-------");
        }

        // The saved file is part of the workspace: the command line sees it too.
        JsonNode list = fx.get("/api/activations").json();
        assertThat(list.path("activations").findValuesAsText("name")).containsExactly("by_hand", "french_daily");
        JsonNode one = fx.get("/api/activations/french_daily").json();
        assertThat(one.path("editable").asBoolean()).isTrue();
        assertThat(one.path("schedule").asText()).isEqualTo("cron 0 6 * * * (Europe/Paris)");
        assertThat(one.path("settings").path("mapping").get(1).path("to").asText()).isEqualTo("Email");
        assertThat(fx.get("/api/activations/by_hand").json().path("editable").asBoolean()).isFalse();

        ServerFixture.Response started = fx.post("/api/activations/french_daily/runs", "");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().path("id").asText();
        JsonNode run = fx.awaitRun(id);
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.path("trigger").asText()).isEqualTo("manual");
        assertThat(run.path("counts").path("read").asLong()).isEqualTo(2);
        assertThat(run.path("counts").path("added").asLong()).isEqualTo(2);
        assertThat(run.path("files").get(0).path("object").asText()).startsWith("exports/fr/french_daily_20").endsWith(".csv");
        Path written = fx.out.resolve(run.path("files").get(0).path("object").asText());
        assertThat(Files.readString(written)).startsWith("Id;Email\n");

        // A change in the source: the next run exports only it.
        fx.sql("UPDATE customers SET email = 'ana@example.org' WHERE id = 1");
        JsonNode second = fx.awaitRun(fx.post("/api/activations/french_daily/runs", "").json().path("id").asText());
        assertThat(second.path("counts").path("updated").asLong()).isEqualTo(1);
        assertThat(second.path("counts").path("added").asLong()).isZero();

        JsonNode page = fx.get("/api/runs?activation=french_daily&limit=1").json();
        assertThat(page.path("total").asLong()).isEqualTo(2);
        assertThat(page.path("runs")).hasSize(1);
        assertThat(page.path("runs").get(0).path("id").asText()).isEqualTo(second.path("id").asText());
        JsonNode older = fx.get("/api/runs?activation=french_daily&limit=1&offset=1").json();
        assertThat(older.path("runs").get(0).path("id").asText()).isEqualTo(id);
        assertThat(fx.get("/api/runs?status=failed").json().path("total").asLong()).isZero();
        assertThat(fx.get("/api/activations").json().path("activations").get(1).path("last_run").path("id").asText())
                .isEqualTo(second.path("id").asText());
    }

    @Test
    void badBodiesAreRefusedWith400NamingTheFieldAndNothingIsSaved() throws Exception {
        start();
        String handWritten = Files.readString(fx.yaml);
        record Case(String body, String field, String message) {}
        List<Case> cases = List.of(
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"colour\": \"red\"}",
                        "colour", "unknown key"),
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"manifest\": \"maybe\"}",
                        "manifest", "must be true or false, got 'maybe'"),
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"mapping\": \"id\"}",
                        "mapping", "must be a list"),
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"max_rows_per_file\": [1]}",
                        "max_rows_per_file", "must be a whole number"),
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"format\": {\"type\": \"csv\", \"delimiter\": \";;\"}}",
                        "format.delimiter", "must be one character, got ';;'"),
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"sync_mode\": \"snapshot\", \"run_type\": \"full_then_delta\"}",
                        "sync_mode", "snapshot always exports everything"),
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"mapping\": [{\"from\": \"nope\", \"to\": \"N\"}]}",
                        "mapping[0].from", "unknown attribute 'nope'"),
                new Case("{\"name\": \"x\", \"model\": \"custmers\", \"destination\": \"out\"}",
                        "model", "unknown model 'custmers'"),
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"schedule\": {\"cron\": \"0 6 * *\"}}",
                        "schedule.cron", "must have five fields"),
                new Case("{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\", \"file_name\": \"{YYYY\"}",
                        "file_name", "unclosed '{'"),
                new Case("{\"name\": \"../evil\", \"model\": \"customers\", \"destination\": \"out\"}", "name", "'../evil' is not a valid name"),
                new Case("{\"name\": \"a/b\", \"model\": \"customers\", \"destination\": \"out\"}", "name", "is not a valid name"),
                new Case("{\"name\": \".hidden\", \"model\": \"customers\", \"destination\": \"out\"}", "name", "is not a valid name"),
                new Case("{\"name\": 42, \"model\": \"customers\", \"destination\": \"out\"}", "name", "must be a text, got '42'"),
                new Case("{\"model\": \"customers\", \"destination\": \"out\"}", "name", "required"),
                new Case("{\"name\": \"x\", \"name\": \"y\"}", "body", "Duplicate field 'name'"),
                new Case("{\"name\": \"x\",", "body", "not valid JSON"),
                new Case("[1, 2]", "body", "must be a JSON object, got array"),
                new Case("", "body", "required"));
        for (Case c : cases) {
            ServerFixture.Response r = fx.post("/api/activations", c.body());
            assertThat(r.status()).as(c.body() + " -> " + r.body()).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.fields()).as(c.body() + " -> " + r.body()).contains(c.field());
            assertThat(r.json().path("errors").toString()).as(c.body()).contains(c.message());
            assertThat(r.json().path("status").asInt()).isEqualTo(400);
            assertThat(r.json().path("type").asText()).startsWith("tag:sluice.dev,2026:invalid-");
            assertThat(r.body()).doesNotContain("Exception", "\tat ");
        }
        // Several problems at once, each naming its field.
        ServerFixture.Response several = fx.post("/api/activations/validate",
                "{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"nowhere\", \"manifest\": 3, \"colour\": 1}");
        assertThat(several.fields()).contains("destination", "manifest", "colour");

        // Issue 16: an invalid name no longer hides the other problems; an empty body names every required field;
        // a missing model or segment is on the field 'model'.
        ServerFixture.Response badName = fx.post("/api/activations/validate",
                "{\"name\": \"../bad\", \"model\": \"customers\", \"destination\": \"out\", \"format\": {\"type\": \"csv\", \"delimiter\": \";;\"}}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.fields()).containsExactly("name", "format.delimiter");
        assertThat(badName.json().path("detail").asText()).startsWith("the activation has 2 problems: name: '../bad' is not a valid name");
        ServerFixture.Response empty = fx.post("/api/activations", "{}");
        assertThat(empty.fields()).containsExactly("name", "model", "destination");
        assertThat(fx.post("/api/activations/validate", "{\"name\": \"x\", \"destination\": \"out\"}").fields()).containsExactly("model");

        ServerFixture.Response huge = fx.post("/api/activations",
                "{\"name\": \"x\", \"description\": \"" + "a".repeat(Server.MAX_BODY_BYTES + 10) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().path("detail").asText()).contains("at most " + Server.MAX_BODY_BYTES);

        ServerFixture.Response form = fx.send(HttpRequest.newBuilder(URI.create(fx.base() + "/api/activations"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("name=x")));
        assertThat(form.status()).isEqualTo(415);

        assertThat(savedFiles()).isEmpty();
        assertThat(Files.readString(fx.yaml)).isEqualTo(handWritten);
        assertThat(fx.get("/api/activations").json().path("activations")).hasSize(1);
    }

    @Test
    void validationWithoutSavingAndTheFileNamePreview() throws Exception {
        start();
        ServerFixture.Response ok = fx.post("/api/activations/validate", VALID);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("file_name").asText()).matches("french_daily_20\\d\\d_.+\\.csv");
        assertThat(savedFiles()).isEmpty();
        // Issue 16: the folder and every output's name, and the schedule's next three times.
        assertThat(ok.json().path("files").get(0).asText()).matches("exports/fr/french_daily_20\\d\\d_.+\\.csv");
        assertThat(ok.json().path("next_runs")).hasSize(3);
        assertThat(ok.json().path("next_runs").get(0).path("local").asText()).contains(" 06:00 ").endsWith("(Europe/Paris)");
        JsonNode difference = fx.post("/api/activations/validate", VALID.replace("\"upsert\"", "\"difference\"")
                .replace("\"mapping\"", "\"manifest\": true, \"max_rows_per_file\": 10, \"mapping\"")).json();
        assertThat(difference.path("files").toString()).as(difference.toString()).matches(
                "\\[\"exports/fr/french_daily_20\\d\\d_[^\"]+_added-00001\\.csv\",\"[^\"]+_updated-00001\\.csv\","
                        + "\"[^\"]+_removed-00001\\.csv\",\"exports/fr/french_daily_20\\d\\d_[^\"_]+\\.manifest\\.json\"\\]");
        JsonNode suffixed = fx.post("/api/file-name-preview", "{\"name\": \"vip\", \"file_name\": \"{activation}\", "
                + "\"sync_mode\": \"difference\", \"format\": {\"type\": \"xml\", \"compression\": \"gzip\"}}").json();
        assertThat(suffixed.path("file_names").toString()).isEqualTo("[\"vip_added.xml.gz\",\"vip_updated.xml.gz\",\"vip_removed.xml.gz\"]");
        JsonNode cron = fx.post("/api/schedule-preview", "{\"cron\": \"30 6 * * 1\", \"timezone\": \"America/New_York\"}").json();
        assertThat(cron.path("next_runs")).hasSize(3);
        java.time.Instant first = java.time.Instant.parse(cron.path("next_runs").get(0).path("at").asText());
        java.time.Instant second = java.time.Instant.parse(cron.path("next_runs").get(1).path("at").asText());
        assertThat(java.time.Duration.between(first, second).toDays()).isEqualTo(7);
        assertThat(cron.path("next_runs").get(0).path("local").asText()).startsWith("Mon ").contains(" 06:30 ");
        assertThat(fx.post("/api/schedule-preview", "{\"cron\": \"0 6 * *\"}").fields()).containsExactly("cron");
        assertThat(fx.post("/api/schedule-preview", "{\"every\": \"2h\"}").json().path("next_runs")).hasSize(3);

        JsonNode preview = fx.post("/api/file-name-preview",
                "{\"name\": \"vip\", \"segment\": \"french\", \"file_name\": \"{model}-{activation}\", \"format\": {\"type\": \"json\", \"layout\": \"lines\", \"compression\": \"gzip\"}}").json();
        assertThat(preview.path("file_name").asText()).isEqualTo("french-vip.jsonl.gz");
        ServerFixture.Response bad = fx.post("/api/file-name-preview", "{\"file_name\": \"{YYY}\", \"timezone\": \"Mars/Olympus\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.fields()).containsExactlyInAnyOrder("file_name", "timezone");
        assertThat(bad.body()).contains("did you mean {YYYY}?", "'Mars/Olympus' is not a known IANA time zone");
    }

    @Test
    void updateAndDeleteWorkOnSavedActivationsOnlyAndNamesCannotEscapeTheFolder() throws Exception {
        start();
        assertThat(fx.post("/api/activations", VALID).status()).isEqualTo(201);
        assertThat(fx.post("/api/activations", VALID).status()).isEqualTo(409);
        assertThat(fx.post("/api/activations", VALID.replace("french_daily", "by_hand")).status()).isEqualTo(409);

        ServerFixture.Response updated = fx.put("/api/activations/french_daily",
                "{\"model\": \"customers\", \"destination\": \"out\", \"format\": \"parquet\", \"schedule\": {\"every\": \"2h\"}}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        JsonNode one = fx.get("/api/activations/french_daily").json();
        assertThat(one.path("format").asText()).isEqualTo("parquet");
        assertThat(one.path("schedule").asText()).isEqualTo("every 2h");
        assertThat(one.path("model").asText()).isEqualTo("customers");

        ServerFixture.Response invalid = fx.put("/api/activations/french_daily", "{\"model\": \"customers\", \"destination\": \"out\", \"format\": \"xls\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.fields()).containsExactly("format");
        assertThat(fx.get("/api/activations/french_daily").json().path("format").asText()).isEqualTo("parquet");

        assertThat(fx.put("/api/activations/french_daily", "{\"name\": \"other\", \"model\": \"customers\", \"destination\": \"out\"}")
                .fields()).containsExactly("name");
        ServerFixture.Response byHand = fx.put("/api/activations/by_hand", "{\"model\": \"customers\", \"destination\": \"out\"}");
        assertThat(byHand.status()).isEqualTo(409);
        assertThat(byHand.json().path("detail").asText()).contains("written by hand in");
        assertThat(fx.delete("/api/activations/by_hand").status()).isEqualTo(409);
        assertThat(fx.delete("/api/activations/..%2Fsluice").status()).isIn(400, 404);
        assertThat(fx.yaml).exists();

        assertThat(fx.delete("/api/activations/french_daily").status()).isEqualTo(204);
        assertThat(fx.log).anyMatch(l -> l.startsWith("french_daily: deleted through the API"));
        assertThat(savedFiles()).isEmpty();
        assertThat(fx.get("/api/activations/french_daily").status()).isEqualTo(404);
        assertThat(fx.get("/api/activations/nope").json().path("detail").asText()).isEqualTo("no activation named 'nope'");
    }

    @Test
    void runNowAnswers409WhileARunOfTheActivationIsGoing() throws Exception {
        start();
        Path state = dir.resolve(".sluice");
        // A run in another process holds the activation's lock.
        try (RunLock held = RunLock.acquire(state, "by_hand")) {
            ServerFixture.Response busy = fx.post("/api/activations/by_hand/runs", "");
            assertThat(busy.status()).isEqualTo(409);
            assertThat(busy.json().path("detail").asText()).contains("by_hand is already running");
        }
        ServerFixture.Response started = fx.post("/api/activations/by_hand/runs", "");
        assertThat(started.status()).isEqualTo(202);
        var run = fx.awaitRun(started.json().path("id").asText());
        assertThat(run.path("status").asText()).as("the run after the lock was let go: %s", run).isEqualTo("succeeded");
        assertThat(fx.post("/api/activations/nope/runs", "").status()).isEqualTo(404);
    }

    /**
     * Issue 16: a bodiless POST needs no Content-Type (issue 23: it carries X-Sluice-Request instead, see
     * CrossSiteRequestsIT); unsupported methods on known paths get 405 with Allow.
     */
    @Test
    void bodilessPostsNeedNoContentTypeAndUnsupportedMethodsGet405WithAllow() throws Exception {
        start();
        ServerFixture.Response started = fx.send(HttpRequest.newBuilder(URI.create(fx.base() + "/api/activations/by_hand/runs"))
                .header("X-Sluice-Request", "1").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        fx.awaitRun(started.json().path("id").asText());
        ServerFixture.Response check = fx.send(HttpRequest.newBuilder(URI.create(fx.base() + "/api/destinations/out/check"))
                .header("X-Sluice-Request", "1").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(check.status()).as(check.body()).isEqualTo(200);
        // A body of another type is still refused.
        ServerFixture.Response text = fx.send(HttpRequest.newBuilder(URI.create(fx.base() + "/api/activations/by_hand/runs"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("go")));
        assertThat(text.status()).isEqualTo(415);

        ServerFixture.Response patch = fx.send(HttpRequest.newBuilder(URI.create(fx.base() + "/api/activations/by_hand"))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(patch.status()).as(patch.body()).isEqualTo(405);
        assertThat(patch.header("Content-Type")).startsWith("application/problem+json");
        assertThat(patch.header("Allow")).isEqualTo("GET, PUT, DELETE");
        assertThat(patch.json().path("detail").asText()).isEqualTo("PATCH is not allowed on /api/activations/by_hand; allowed: GET, PUT, DELETE");
        ServerFixture.Response deleteRuns = fx.delete("/api/runs");
        assertThat(deleteRuns.status()).isEqualTo(405);
        assertThat(deleteRuns.header("Allow")).isEqualTo("GET");
        assertThat(fx.get("/api/activations/by_hand/runs").header("Allow")).isEqualTo("POST");
        assertThat(fx.delete("/api/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void aRunHeldByAGuardIsShownAsHeldAndCanBeAcceptedOnce() throws Exception {
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE.replace("    folder: hand\n",
                "    folder: hand\n    file_name: \"{activation}_{run}\"\n    sync_mode: upsert\n    guards: {max_removed: 10%}\n"));
        fx.start(false, null);
        assertThat(fx.awaitRun(fx.startRun("/api/activations/by_hand/runs")).path("status").asText())
                .isEqualTo("succeeded");
        fx.sql("DELETE FROM customers WHERE id IN (1, 2)");

        JsonNode held = fx.awaitRun(fx.startRun("/api/activations/by_hand/runs"));
        assertThat(held.path("status").asText()).isEqualTo("held");
        assertThat(held.path("error").asText()).contains("max_removed 10% (0 rows): 2 removed");
        assertThat(held.path("guards").get(0).path("outcome").asText()).isEqualTo("broken");
        assertThat(fx.get("/api/runs?activation=by_hand&status=held").json().path("total").asInt()).isEqualTo(1);
        assertThat(fx.log).anyMatch(l -> l.contains("by_hand: run " + held.path("id").asText() + " held"));

        ServerFixture.Response bad = fx.post("/api/activations/by_hand/runs?accept_held=yes", "");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("accept_held: must be true or false, got 'yes'");

        JsonNode accepted = fx.awaitRun(fx.startRun("/api/activations/by_hand/runs?accept_held=true"));
        assertThat(accepted.path("status").asText()).isEqualTo("succeeded");
        assertThat(accepted.path("guardsLifted").asBoolean()).isTrue();
        assertThat(accepted.path("counts").path("removed").asLong()).isEqualTo(2);
        assertThat(accepted.path("guards").get(0).path("outcome").asText()).isEqualTo("lifted");

        JsonNode after = fx.awaitRun(fx.startRun("/api/activations/by_hand/runs"));
        assertThat(after.path("status").asText()).isEqualTo("succeeded");
        assertThat(after.path("guards").get(0).path("outcome").asText()).isEqualTo("passed");
    }

    @Test
    void catalogueAndDestinationCheck() throws Exception {
        start();
        assertThat(fx.get("/api/models").json().path("models").findValuesAsText("name")).containsExactly("customers", "pg_orders");
        assertThat(fx.get("/api/segments").json().path("segments").get(0).path("model").asText()).isEqualTo("customers");
        JsonNode columns = fx.get("/api/columns/french").json();
        assertThat(columns.path("model").asText()).isEqualTo("customers");
        assertThat(columns.path("columns").findValuesAsText("name")).containsExactly("id", "email", "country", "score");
        JsonNode destinations = fx.get("/api/destinations").json();
        assertThat(destinations.path("destinations").findValuesAsText("type")).containsExactly("local", "gcs");

        ServerFixture.Response check = fx.post("/api/destinations/out/check?folder=probe", "");
        assertThat(check.status()).as(check.body()).isEqualTo(200);
        assertThat(check.json().path("ok").asBoolean()).isTrue();
        assertThat(fx.post("/api/destinations/out/check?folder=a/../b", "").fields()).containsExactly("folder");
        assertThat(fx.post("/api/destinations/nope/check", "").status()).isEqualTo(404);
    }

    @Test
    void runFiltersAreCheckedAndTheOpenApiDescriptionIsServed() {
        start();
        assertThat(fx.get("/api/runs?status=great").fields()).containsExactly("status");
        assertThat(fx.get("/api/runs?limit=0").fields()).containsExactly("limit");
        assertThat(fx.get("/api/runs?limit=ten").json().path("detail").asText()).isEqualTo("limit: must be a whole number, got 'ten'");
        assertThat(fx.get("/api/runs?trigger=cron").fields()).containsExactly("trigger");
        assertThat(fx.get("/api/runs/nope").status()).isEqualTo(404);
        ServerFixture.Response nothing = fx.get("/api/nothing-here");
        assertThat(nothing.status()).isEqualTo(404);
        assertThat(nothing.header("Content-Type")).startsWith("application/problem+json");
        assertThat(nothing.json().path("detail").asText()).isEqualTo("nothing at GET /api/nothing-here");
        JsonNode openapi = fx.get("/api/openapi.json").json();
        assertThat(openapi.path("openapi").asText()).startsWith("3.");
        assertThat(openapi.path("paths").has("/api/activations/{name}/runs")).isTrue();
        // Valid for an OpenAPI validator (issue 16: descriptions that were lists, path parameters never declared).
        io.swagger.v3.parser.core.models.ParseOptions options = new io.swagger.v3.parser.core.models.ParseOptions();
        options.setResolve(true);
        io.swagger.v3.parser.core.models.SwaggerParseResult parsed = new io.swagger.v3.parser.OpenAPIV3Parser()
                .readContents(fx.get("/api/openapi.json").body(), null, options);
        assertThat(parsed.getMessages()).as("OpenAPI validation messages").isEmpty();
        assertThat(parsed.getOpenAPI().getPaths()).containsKey("/api/runs/{id}");
        assertThat(fx.get("/").body()).contains("<title>Sluice</title>");
        assertThat(fx.get("/assets/core.js").status()).isEqualTo(200);
        assertThat(fx.get("/assets/..%2F..%2Fsluice.yaml").status()).isEqualTo(404);
    }

    @Test
    void noSecretAppearsInAnyResponse() throws Exception {
        start();
        assertThat(fx.post("/api/activations", VALID).status()).isEqualTo(201);
        fx.get("/api/activations");
        fx.get("/api/activations/french_daily");
        fx.get("/api/activations/by_hand");
        fx.get("/api/models");
        fx.get("/api/segments");
        fx.get("/api/destinations");
        fx.get("/api/status");
        ServerFixture.Response pgColumns = fx.get("/api/columns/pg_orders");
        assertThat(pgColumns.status()).isIn(400, 502);
        fx.post("/api/destinations/bucket/check", "");
        fx.post("/api/activations/validate", VALID.replace("\"segment\": \"french\"", "\"model\": \"pg_orders\""));
        fx.post("/api/activations", VALID.replace("french_daily", "to_bucket").replace("\"out\"", "\"bucket\""));
        JsonNode run = fx.awaitRun(fx.post("/api/activations/by_hand/runs", "").json().path("id").asText());
        assertThat(run.path("status").asText()).isEqualTo("succeeded");
        fx.get("/api/runs");

        assertThat(fx.bodies).hasSizeGreaterThan(20);
        for (String body : fx.bodies) {
            assertThat(body).doesNotContain(ServerFixture.PG_PASSWORD, "MIIEvgIBADAN", "BEGIN PRIVATE KEY");
        }
        assertThat(String.join("\n", fx.log)).doesNotContain(ServerFixture.PG_PASSWORD, "MIIEvgIBADAN");
    }

    /**
     * Issue 13: ${VAR} in a body used to be expanded from the server's environment, so any client
     * could read it (through the file-name preview, object names, run records). Bodies are kept as
     * typed now.
     */
    @Test
    void theServersEnvironmentNeverComesOutThroughTheApi() throws Exception {
        start();
        ServerFixture.Response preview = fx.post("/api/activations/validate",
                VALID.replace("{activation}_{YYYY}_{run}", "${PLANTED_SECRET}"));
        assertThat(preview.status()).as(preview.body()).isEqualTo(400);
        assertThat(preview.body()).contains("unknown variable {PLANTED_SECRET}");

        String literal = VALID.replace("\"folder\": \"exports/fr\"", "\"folder\": \"fr_${PLANTED_SECRET}\"")
                .replace("french_daily", "literal").replace("\"schedule\": {\"cron\": \"0 6 * * *\", \"timezone\": \"Europe/Paris\"}",
                        "\"manifest\": true");
        ServerFixture.Response checked = fx.post("/api/activations/validate", literal);
        assertThat(checked.status()).as(checked.body()).isEqualTo(200);
        assertThat(checked.json().path("warnings").toString()).contains("\"field\":\"folder\"", "is not expanded");
        ServerFixture.Response created = fx.post("/api/activations", literal);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("settings").path("folder").asText()).isEqualTo("fr_${PLANTED_SECRET}");
        assertThat(Files.readString(fx.activations.resolve("literal.yaml"))).contains("fr_$${PLANTED_SECRET}");
        assertThat(fx.get("/api/activations/literal").json().path("settings").path("folder").asText()).isEqualTo("fr_${PLANTED_SECRET}");
        JsonNode run = fx.awaitRun(fx.post("/api/activations/literal/runs", "").json().path("id").asText());
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.path("files").get(0).path("object").asText()).startsWith("fr_${PLANTED_SECRET}/");
        fx.get("/api/runs");
        fx.get("/api/activations");

        for (String body : fx.bodies) {
            assertThat(body).doesNotContain(ServerFixture.PLANTED);
        }
        assertThat(String.join("\n", fx.log)).doesNotContain(ServerFixture.PLANTED);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(file.toString()).doesNotContain(ServerFixture.PLANTED);
                assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("the bytes of %s", file).doesNotContain(ServerFixture.PLANTED);
            }
        }
    }

    @Test
    void aTokenIsCheckedOnEveryApiCallAndPage() {
        fx = new ServerFixture(dir).start(false, "a-long-random-token-0123456789");
        String token = fx.token;
        fx.token = null;
        ServerFixture.Response api = fx.get("/api/activations");
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.header("Content-Type")).startsWith("application/problem+json");
        assertThat(fx.get("/").status()).isEqualTo(401);
        assertThat(fx.get("/assets/core.js").status()).isEqualTo(401);
        assertThat(fx.send(HttpRequest.newBuilder(URI.create(fx.base() + "/api/activations"))
                .header("Authorization", "Bearer wrong-token")).status()).isEqualTo(401);

        ServerFixture.Response login = fx.get("/?token=" + token);
        assertThat(login.status()).isEqualTo(302);
        String cookie = login.header("Set-Cookie");
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict");
        assertThat(fx.send(HttpRequest.newBuilder(URI.create(fx.base() + "/")).header("Cookie", cookie.split(";")[0]))
                .status()).isEqualTo(200);

        fx.token = token;
        assertThat(fx.get("/api/activations").status()).isEqualTo(200);
    }

    @Test
    void requestsForAnotherHostNameAreRefusedOnLoopback() throws Exception {
        start();
        // A page of another site whose name was made to resolve to 127.0.0.1 sends its own Host.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fx.server.port())) {
            socket.getOutputStream().write(("GET /api/activations HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 403").contains("answers requests for localhost only");
        }
    }

    @Test
    void theSchedulerRunsScheduledActivationsByItself() throws Exception {
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE.replace("    folder: hand\n", "    folder: hand\n    schedule: {every: 1h}\n"));
        fx.start(true, null);
        JsonNode runs;
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
        do {
            Thread.sleep(200);
            runs = fx.get("/api/runs?trigger=schedule&status=succeeded").json();
        } while (runs.path("total").asLong() == 0 && System.nanoTime() < deadline);
        assertThat(runs.path("total").asLong()).isEqualTo(1);
        assertThat(runs.path("runs").get(0).path("activation").asText()).isEqualTo("by_hand");
        JsonNode listed = fx.get("/api/activations").json().path("activations").get(0);
        assertThat(listed.path("next_run").asText()).isNotEmpty();
    }

    @Test
    void aScheduledRunThatFindsARunGoingIsRecordedAsSkipped() throws Exception {
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE.replace("    folder: hand\n", "    folder: hand\n    schedule: {every: 1h}\n"));
        JsonNode runs;
        // A run of by_hand is going in another process when the scheduler finds it due.
        try (RunLock held = RunLock.acquire(dir.resolve(".sluice"), "by_hand")) {
            fx.start(true, null);
            long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
            do {
                Thread.sleep(100);
                runs = fx.get("/api/runs?activation=by_hand").json();
            } while (runs.path("total").asLong() == 0 && System.nanoTime() < deadline);
        }
        assertThat(runs.path("total").asLong()).isEqualTo(1);
        JsonNode skipped = runs.path("runs").get(0);
        assertThat(skipped.path("status").asText()).isEqualTo("skipped");
        assertThat(skipped.path("trigger").asText()).isEqualTo("schedule");
        assertThat(skipped.path("error").asText()).contains("found a run in another process (sluice run) still going");
        assertThat(fx.get("/api/runs/" + skipped.path("id").asText()).json().path("status").asText()).isEqualTo("skipped");
        // The skipped run took the slot: the next is an hour after it, not at once.
        java.time.Instant next = java.time.Instant.parse(fx.get("/api/activations/by_hand").json().path("next_run").asText());
        java.time.Instant skippedAt = java.time.Instant.parse(skipped.path("startedAt").asText());
        assertThat(next).isAfterOrEqualTo(skippedAt.plus(java.time.Duration.ofMinutes(59)));
    }

    @Test
    void aWorkspaceThatDoesNotIncludeTheActivationsFolderIsNeverWrittenTo() throws Exception {
        fx = new ServerFixture(dir);
        String withoutInclude = ServerFixture.WORKSPACE.replace("include: [activations/*.yaml, segments/*.yaml]\n", "");
        fx.write(withoutInclude);
        fx.start(false, null);
        ServerFixture.Response refused = fx.post("/api/activations", VALID);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.fields()).containsExactly("include");
        assertThat(refused.json().path("detail").asText()).contains("add activations/*.yaml to its include list, e.g. include: [activations/*.yaml, segments/*.yaml]");
        assertThat(savedFiles()).isEmpty();
        assertThat(Files.readString(fx.yaml)).isEqualTo(withoutInclude);
    }

    @Test
    void aWorkspaceBrokenByHandIsReportedWithItsKeyPaths() throws Exception {
        start();
        fx.write(ServerFixture.WORKSPACE.replace("    model: customers\n    destination: out\n    folder: hand",
                "    model: customer\n    destination: out\n    folder: hand"));
        ServerFixture.Response broken = fx.get("/api/activations");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().path("title").asText()).isEqualTo("The workspace has problems");
        assertThat(broken.fields()).containsExactly("activations.by_hand.model");
        assertThat(broken.json().path("errors").get(0).path("message").asText()).contains("unknown model 'customer'");
        // Saving another activation is refused until it is fixed, naming the problem.
        ServerFixture.Response refused = fx.post("/api/activations", VALID);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.fields()).containsExactly("activations.by_hand.model");
        assertThat(savedFiles()).isEmpty();
    }

    @Test
    void afterDowntimeTheServerCatchesUpOnceAtStartUp() throws Exception {
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE.replace("    folder: hand\n", "    folder: hand\n    schedule: {cron: \"0 6 * * *\", timezone: Europe/Paris}\n"));
        // The last scheduled run was three days ago: three daily slots were missed while the server was down.
        java.time.Instant threeDaysAgo = java.time.Instant.now().minus(java.time.Duration.ofDays(3));
        try (dev.sluice.history.RunStore store = new dev.sluice.history.RunStore(dir.resolve(".sluice"))) {
            store.insert(dev.sluice.history.RunRecord.skipped("20200101T000000Z-0000", "by_hand", "schedule", threeDaysAgo,
                    "skipped: seeded by the test"));
        }
        fx.start(true, null);
        JsonNode runs;
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
        do {
            Thread.sleep(100);
            runs = fx.get("/api/runs?activation=by_hand&trigger=schedule&status=succeeded").json();
        } while (runs.path("total").asLong() == 0 && System.nanoTime() < deadline);
        assertThat(runs.path("total").asLong()).isEqualTo(1);
        java.time.Instant ran = java.time.Instant.parse(runs.path("runs").get(0).path("startedAt").asText());
        java.time.Instant next = java.time.Instant.parse(fx.get("/api/activations/by_hand").json().path("next_run").asText());
        // Once, then on schedule: the next time is the coming 06:00 in Paris, after the catch-up run.
        assertThat(next).isAfter(ran);
        assertThat(next.atZone(java.time.ZoneId.of("Europe/Paris")).toLocalTime()).isEqualTo(java.time.LocalTime.of(6, 0));
        assertThat(fx.get("/api/runs?activation=by_hand&trigger=schedule").json().path("total").asLong()).isEqualTo(2);
    }
}
