package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice verify} after real runs on a local destination folder (and, in {@link GcsVerifyIT},
 * a {@code gcs} destination on the fake): clean after the runs; then exactly the objects deleted,
 * written again and added behind Sluice's back, with nothing deleted or changed by the check; files
 * that retention deleted are not missing. Objects are changed and read through the test's own
 * access to the destination, never through Sluice's code.
 */
class VerifyIT {
    @TempDir
    Path dir;

    Fixture fx;

    @BeforeEach
    void source() {
        fx = fixture();
        People.create(fx);
    }

    Fixture fixture() {
        return new Fixture(dir);
    }

    String workspaceHeader() {
        return People.WORKSPACE;
    }

    /** Writes an object as something other than Sluice would (for an existing name: the same name written again). */
    void putForeign(String name, byte[] content) throws Exception {
        Path file = fx.out.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    /** Deletes an object behind Sluice's back. */
    void deleteForeign(String name) throws Exception {
        Files.delete(fx.out.resolve(name));
    }

    /** The bytes of an object, read without Sluice. */
    byte[] read(String name) throws IOException {
        return Files.readAllBytes(fx.file(name));
    }

    /** Every object with its size and CRC32C, read without Sluice. */
    Map<String, String> listing() {
        Map<String, String> all = new TreeMap<>();
        fx.objects().forEach((name, size) -> all.put(name, size + " " + Fixture.crc32c(fx.file(name))));
        return all;
    }

    void workspace(String retention) {
        fx.workspace(workspaceHeader() + """
                  daily:
                    model: eu_people
                    destination: out
                    folder: exports/people
                    file_name: "people_{x}"
                    format: {type: csv}
                    manifest: true
                %s
                  other:
                    model: eu_people
                    destination: out
                    folder: exports/people/other
                    file_name: other
                """.formatted(retention == null ? "" : "    retention: " + retention));
    }

    static List<String> objects(JsonNode record) {
        List<String> names = new ArrayList<>();
        record.path("files").forEach(f -> names.add(f.path("object").asText()));
        return names;
    }

    /** kind object, for every finding of the only verification. */
    static List<String> findings(JsonNode result) {
        List<String> found = new ArrayList<>();
        result.path("verifications").forEach(v -> v.path("findings").forEach(f -> found.add(f.path("kind").asText() + " "
                + f.path("object").asText())));
        return found;
    }

    @Test
    void cleanAfterRunsThenExactlyTheDeletedReplacedAndForeignObjectsAndNothingTouched() throws Exception {
        workspace(null);
        JsonNode first = fx.run("daily").json();
        Thread.sleep(5); // {x} is in milliseconds: every run gets its own names
        JsonNode second = fx.run("daily").json();
        fx.run("other"); // another activation's objects inside the folder were published by a run: not foreign

        Fixture.Cli clean = fx.cli("verify", "daily", "--json");
        assertThat(clean.exitCode()).as(clean.err()).isZero();
        JsonNode ok = clean.json();
        assertThat(ok.path("ok").asBoolean()).isTrue();
        assertThat(ok.path("verifications")).hasSize(1);
        assertThat(ok.path("verifications").get(0).path("checked").asInt()).isEqualTo(4);
        assertThat(findings(ok)).isEmpty();
        assertThat(fx.cli("verify").exitCode()).as("every activation").isZero();

        String deleted = objects(first).stream().filter(n -> n.endsWith(".csv")).findFirst().orElseThrow();
        String replaced = objects(second).stream().filter(n -> n.endsWith(".csv")).findFirst().orElseThrow();
        byte[] same = read(replaced);
        deleteForeign(deleted);
        Thread.sleep(20); // later than the clock's tick: a file's modification time
        putForeign(replaced, same);
        putForeign("exports/people/notes.txt", "a note\n".getBytes(StandardCharsets.UTF_8));
        // A run's staging folder is not the activation's business here.
        putForeign("exports/people/.sluice-staging/20250101T000000Z-0000/people_1.csv", "x\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = listing();

        Fixture.Cli differs = fx.cli("verify", "daily", "--json");
        assertThat(differs.exitCode()).as(differs.err()).isEqualTo(1);
        JsonNode result = differs.json();
        assertThat(result.path("ok").asBoolean()).isFalse();
        assertThat(findings(result)).containsExactlyInAnyOrder("missing " + deleted, "changed " + replaced,
                "unpublished exports/people/notes.txt");
        JsonNode verification = result.path("verifications").get(0);
        assertThat(verification.path("ok").asBoolean()).isFalse();
        assertThat(verification.path("activation").asText()).isEqualTo("daily");
        for (JsonNode finding : verification.path("findings")) {
            if (finding.path("kind").asText().equals("changed")) {
                assertThat(finding.path("run").asText()).isEqualTo(second.path("id").asText());
                assertThat(finding.path("found").path("crc32c").asText()).as("the same bytes, written again")
                        .isEqualTo(finding.path("expected").path("crc32c").asText());
            }
            if (finding.path("kind").asText().equals("missing")) {
                assertThat(finding.path("run").asText()).isEqualTo(first.path("id").asText());
            }
        }
        assertThat(listing()).as("verify deletes and changes nothing").isEqualTo(before);

        Fixture.Cli text = fx.cli("verify", "daily");
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.out()).contains("3 differences").contains("missing").contains(deleted).contains("unpublished")
                .contains("exports/people/notes.txt");
        assertThat(fx.cli("verify", "other").exitCode()).as("the other activation is as published").isZero();
        assertThat(listing()).isEqualTo(before);

        // Each verification is kept in the history, apart from the runs.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + fx.state.resolve("runs.db")); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT activation, ok, json_array_length(findings) FROM verifications ORDER BY seq")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getInt(2) + " " + rs.getInt(3));
            }
            assertThat(rows).containsExactly("daily 1 0", "daily 1 0", "other 1 0", "daily 0 3", "daily 0 3", "other 1 0");
        }
        assertThat(fx.runs("daily")).as("verifications are not runs").hasSize(2);
    }

    @Test
    void filesRetentionDeletedAreNotMissing() throws Exception {
        workspace("{keep_runs: 1}");
        for (int i = 0; i < 3; i++) {
            fx.run("daily");
            Thread.sleep(5);
        }
        JsonNode last = fx.run("daily").json();
        Fixture.Cli result = fx.cli("verify", "daily", "--json");
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        JsonNode verification = result.json().path("verifications").get(0);
        assertThat(verification.path("checked").asInt()).isEqualTo(objects(last).size());
        assertThat(findings(result.json())).isEmpty();
    }

    @Test
    void aVerificationThatFindsSomethingNotifiesTheWebhookListeningForVerifyFailed() throws Exception {
        try (dev.sluice.notify.HookServer hooks = new dev.sluice.notify.HookServer()) {
            fx.workspace(workspaceHeader() + """
                      daily:
                        model: eu_people
                        destination: out
                        folder: exports/people
                        manifest: true
                    notifications:
                      audit:
                        type: webhook
                        url: %s
                        events: [verify_failed]
                      runs_only:
                        type: webhook
                        url: %s
                        events: [failed, succeeded]
                    """.formatted(hooks.url("/audit"), hooks.url("/runs")));
            fx.run("daily");
            assertThat(fx.cli("verify", "daily").exitCode()).isZero();
            assertThat(hooks.received("/audit")).as("a clean verification notifies nobody").isEmpty();

            putForeign("exports/people/extra.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
            Fixture.Cli result = fx.cli("verify", "daily", "--json");
            assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
            assertThat(hooks.received("/audit")).hasSize(1);
            JsonNode body = Fixture.JSON.readTree(hooks.received("/audit").get(0).body());
            assertThat(body.path("event").asText()).isEqualTo("verify_failed");
            assertThat(body.path("activation").asText()).isEqualTo("daily");
            assertThat(body.path("verification").path("id").asText())
                    .isEqualTo(result.json().path("verifications").get(0).path("id").asText());
            assertThat(body.path("verification").path("findings").get(0).path("object").asText()).isEqualTo("exports/people/extra.csv");
            assertThat(hooks.received("/runs").stream().map(r -> r.text()).filter(t -> t.contains("verify_failed")))
                    .as("an entry that does not list verify_failed").isEmpty();
            // What became of it is recorded under the verification's id, as a run's notifications are.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + fx.state.resolve("runs.db")); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT run_id, name, event, status FROM notifications WHERE event = 'verify_failed'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(body.path("verification").path("id").asText());
                assertThat(rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4)).isEqualTo("audit verify_failed delivered");
            }
        }
    }

    @Test
    void aRunDuringAVerificationIsNeverSkippedAndTheVerificationReadsAgain() throws Exception {
        workspace(null);
        fx.run("daily");
        Thread.sleep(5);
        dev.sluice.workspace.Workspace workspace = dev.sluice.workspace.WorkspaceLoader.withSystemEnv().load(fx.yaml);
        java.util.concurrent.atomic.AtomicInteger listings = new java.util.concurrent.atomic.AtomicInteger();
        List<Fixture.Cli> during = new ArrayList<>();
        // While the verification lists the folder the first time, a whole run of the activation goes.
        java.util.function.Function<dev.sluice.destination.DestinationConfig, dev.sluice.destination.Destination> opener =
                config -> new dev.sluice.destination.ForwardingDestination(config.open()) {
                    @Override
                    public List<String> list(String prefix) {
                        List<String> names = super.list(prefix);
                        if (listings.incrementAndGet() == 1) {
                            during.add(fx.cli("run", "daily", "--json"));
                        }
                        return names;
                    }
                };
        dev.sluice.history.Verification verification = new Verifier(workspace, fx.state, java.time.Clock.systemUTC(), opener)
                .verify("daily", "manual");
        assertThat(during).hasSize(1);
        assertThat(during.get(0).exitCode()).as("the run during the check; stderr: %s", during.get(0).err()).isZero();
        assertThat(during.get(0).json().path("status").asText()).isEqualTo("succeeded");
        assertThat(listings.get()).as("read again after the run").isEqualTo(2);
        assertThat(verification.ok()).as("%s", verification.findings()).isTrue();
        assertThat(verification.checked()).as("both runs' files").isEqualTo(4);
    }

    @Test
    void anUnknownActivationIsAUserError() {
        workspace(null);
        Fixture.Cli result = fx.cli("verify", "dayly");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no activation named 'dayly'").contains("daily").doesNotContain("Exception");
    }
}
