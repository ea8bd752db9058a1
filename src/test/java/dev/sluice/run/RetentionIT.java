package dev.sluice.run;

import dev.sluice.history.RunRecord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.workspace.WorkspaceLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention ({@code retention: {keep_runs, keep_days}}) on a local destination folder: after each
 * succeeded run, the files of earlier runs outside the window are deleted, and nothing else. The
 * destination is read back through the fixture's own view (a walk of the folder here; another
 * client for {@link GcsRetentionIT}), never through Sluice's code.
 */
class RetentionIT {
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

    /** Writes an object as something other than Sluice would. */
    void putForeign(String name, String content) throws IOException {
        Path file = fx.out.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    void workspace(String fileName, String retention) {
        fx.workspace(workspaceHeader() + """
                  daily:
                    model: eu_people
                    destination: out
                    folder: exports/people
                    file_name: "%s"
                    format: {type: csv}
                    manifest: true
                    retention: %s
                """.formatted(fileName, retention));
    }

    static List<String> objects(JsonNode record) {
        List<String> names = new ArrayList<>();
        record.path("files").forEach(f -> names.add(f.path("object").asText()));
        return names;
    }

    static List<String> list(JsonNode record, String field) {
        List<String> names = new ArrayList<>();
        record.path("retention").path(field).forEach(n -> names.add(n.asText()));
        return names;
    }

    @Test
    void keepRunsLeavesExactlyTheFilesOfTheLastRuns() throws Exception {
        workspace("people_{x}", "{keep_runs: 2}");
        putForeign("exports/people/people_0.csv", "not written by sluice\n");
        putForeign("exports/people/notes.txt", "a note\n");
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(fx.run("daily").json());
            Thread.sleep(5); // {x} is in milliseconds: every run gets its own names
        }
        Set<String> expected = new TreeSet<>(objects(runs.get(3)));
        expected.addAll(objects(runs.get(4)));
        expected.add("exports/people/people_0.csv");
        expected.add("exports/people/notes.txt");
        assertThat(fx.objects().keySet()).isEqualTo(expected);
        assertThat(objects(runs.get(0))).hasSize(2); // the csv and its manifest
        assertThat(list(runs.get(0), "deleted")).isEmpty();
        assertThat(list(runs.get(1), "deleted")).isEmpty();
        for (int i = 2; i < 5; i++) {
            assertThat(list(runs.get(i), "deleted")).as("run %d deletes the files of run %d", i + 1, i - 1)
                    .containsExactlyInAnyOrderElementsOf(objects(runs.get(i - 2)));
            assertThat(runs.get(i).path("warnings")).isEmpty();
        }
        // The history holds the same.
        JsonNode last = fx.runs("daily").get(0);
        assertThat(last.path("id").asText()).isEqualTo(runs.get(4).path("id").asText());
        assertThat(list(last, "deleted")).containsExactlyInAnyOrderElementsOf(objects(runs.get(2)));
        // Files still there are those the runs wrote: read back and compared with their records.
        for (JsonNode file : runs.get(4).path("files")) {
            assertThat(Fixture.crc32c(fx.file(file.path("object").asText()))).isEqualTo(file.path("crc32c").asText());
        }
    }

    @Test
    void aNameTheCurrentRunPublishedIsNeverDeleted() {
        workspace("people", "{keep_runs: 1}");
        JsonNode first = fx.run("daily").json();
        People.step(fx, 0);
        fx.run("daily");
        JsonNode third = fx.run("daily").json();
        assertThat(fx.objects().keySet()).containsExactly("exports/people/people.csv", "exports/people/people.manifest.json");
        assertThat(objects(first)).containsExactlyInAnyOrder("exports/people/people.csv", "exports/people/people.manifest.json");
        assertThat(third.path("retention").path("deleted")).isEmpty();
        assertThat(third.path("retention").path("changed")).isEmpty();
        assertThat(third.path("warnings")).isEmpty();
        assertThat(Fixture.crc32c(fx.file("exports/people/people.csv"))).isEqualTo(third.path("files").get(0).path("crc32c").asText());
    }

    @Test
    void anObjectReplacedBySomeoneElseIsLeftAndReportedOnce() throws Exception {
        workspace("people_{x}", "{keep_runs: 1}");
        JsonNode first = fx.run("daily").json();
        String csv = objects(first).stream().filter(n -> n.endsWith(".csv")).findFirst().orElseThrow();
        String manifest = objects(first).stream().filter(n -> n.endsWith(".manifest.json")).findFirst().orElseThrow();
        putForeign(csv, "replaced by another writer\n");
        Thread.sleep(5);
        JsonNode second = fx.run("daily").json();
        assertThat(second.path("status").asText()).isEqualTo("succeeded");
        assertThat(list(second, "changed")).containsExactly(csv);
        assertThat(list(second, "deleted")).containsExactly(manifest);
        assertThat(second.path("warnings").toString()).contains(csv).contains("replaced");
        assertThat(Files.readString(fx.file(csv), StandardCharsets.UTF_8)).isEqualTo("replaced by another writer\n");
        Thread.sleep(5);
        JsonNode third = fx.run("daily").json();
        assertThat(list(third, "changed")).as("reported once").isEmpty();
        assertThat(list(third, "deleted")).containsExactlyInAnyOrderElementsOf(objects(second));
        assertThat(fx.objects()).containsKey(csv);
    }

    @Test
    void dryRunListsWithoutDeleting() throws Exception {
        workspace("people_{x}", "{keep_runs: 1}");
        fx.run("daily");
        Thread.sleep(5);
        JsonNode second = fx.run("daily").json();
        Set<String> before = new TreeSet<>(fx.objects().keySet());
        Thread.sleep(5);
        JsonNode dry = fx.run("daily", "--dry-run").json();
        assertThat(list(dry, "wouldDelete")).containsExactlyInAnyOrderElementsOf(objects(second));
        assertThat(list(dry, "deleted")).isEmpty();
        assertThat(fx.objects().keySet()).isEqualTo(before);
        assertThat(fx.runs("daily")).hasSize(2);
        Fixture.Cli text = fx.cli("run", "daily", "--dry-run");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("retention would delete 2 objects of earlier runs");
        objects(second).forEach(name -> assertThat(text.out()).contains("    " + name));
        assertThat(fx.objects().keySet()).isEqualTo(before);
    }

    @Test
    void keepDaysCountsFromTheRunsStart() throws Exception {
        workspace("people_{run}", "{keep_days: 2}");
        dev.sluice.schedule.ManualClock clock = new dev.sluice.schedule.ManualClock(Instant.parse("2026-03-01T06:00:00Z"));
        List<RunRecord> runs = new ArrayList<>();
        for (Duration step : List.of(Duration.ZERO, Duration.ofDays(1), Duration.ofHours(36), Duration.ofHours(12))) {
            clock.advance(step);
            runs.add(runner(clock).run(new Runner.Request("daily", false, false, "manual")));
        }
        // Runs at day 0, 1, 2.5 and 3: the third is more than 2 days after the first, the fourth
        // exactly 2 days after the second (inside: the window includes its bound).
        assertThat(runs.get(1).retention().deleted()).isEmpty();
        assertThat(runs.get(2).retention().deleted()).containsExactlyInAnyOrderElementsOf(names(runs.get(0)));
        assertThat(runs.get(3).retention().deleted()).isEmpty();
        Set<String> expected = new TreeSet<>();
        for (RunRecord run : runs.subList(1, 4)) {
            expected.addAll(names(run));
        }
        assertThat(fx.objects().keySet()).isEqualTo(expected);
        // With keep_runs as well, a run inside either window stays.
        workspace("people_{run}", "{keep_runs: 3, keep_days: 1}");
        clock.advance(Duration.ofDays(10));
        RunRecord fifth = runner(clock).run(new Runner.Request("daily", false, false, "manual"));
        expected.removeAll(names(runs.get(1)));
        expected.addAll(names(fifth));
        assertThat(fx.objects().keySet()).isEqualTo(expected);
        assertThat(fifth.retention().deleted()).containsExactlyInAnyOrderElementsOf(names(runs.get(1)));
    }

    /**
     * Activation {@code old} (retention; without a file name, left out) and {@code other} (no
     * retention, overwrite: true; left out when {@code withOther} is false) publishing in folder
     * {@code ren} from the same model, so with byte for byte the same content; {@code other} writes
     * {@code ren/data.csv}. The workspace refuses two activations that write the same name at once:
     * they do so one after the other, as the workspace is edited.
     */
    void twoActivations(String oldFile, boolean manifest, boolean withOther) {
        String text = workspaceHeader();
        if (oldFile != null) {
            text += """
                  old:
                    model: eu_people
                    destination: out
                    folder: ren
                    file_name: "%s"
                    format: {type: csv}
                    manifest: %s
                    overwrite: true
                    retention: {keep_runs: 1}
                """.formatted(oldFile, manifest);
        }
        if (withOther) {
            text += """
                  other:
                    model: eu_people
                    destination: out
                    folder: ren
                    file_name: "data"
                    format: {type: csv}
                    manifest: false
                    overwrite: true
                """;
        }
        fx.workspace(text);
    }

    static String crcOf(JsonNode record, String object) {
        for (JsonNode file : record.path("files")) {
            if (file.path("object").asText().equals(object)) {
                return file.path("crc32c").asText();
            }
        }
        throw new AssertionError(object + " is not among the files of " + record);
    }

    @Test
    void aFileAnotherActivationPublishedSinceIsKeptEvenWithTheSameBytes() throws Exception {
        twoActivations("data", false, false);
        JsonNode old1 = fx.run("old").json();
        assertThat(objects(old1)).containsExactly("ren/data.csv");
        twoActivations("data2", false, true); // old's file name changes, and other comes
        Thread.sleep(20);
        JsonNode other = fx.run("other").json();
        assertThat(crcOf(other, "ren/data.csv")).as("the same bytes").isEqualTo(crcOf(old1, "ren/data.csv"));
        JsonNode old2 = fx.run("old").json();
        assertThat(old2.path("status").asText()).isEqualTo("succeeded");
        assertThat(list(old2, "deleted")).isEmpty();
        assertThat(list(old2, "changed")).containsExactly("ren/data.csv");
        assertThat(old2.path("warnings").toString()).contains("ren/data.csv").contains("activation other");
        assertThat(fx.objects().keySet()).containsExactlyInAnyOrder("ren/data.csv", "ren/data2.csv");
        assertThat(Fixture.crc32c(fx.file("ren/data.csv"))).isEqualTo(crcOf(other, "ren/data.csv"));
        Thread.sleep(5);
        JsonNode old3 = fx.run("old").json();
        assertThat(list(old3, "changed")).as("reported once").isEmpty();
        assertThat(fx.objects()).containsKey("ren/data.csv");
    }

    @Test
    void aFileThisActivationReplacedAfterAnotherOneHadPublishedItIsDeleted() throws Exception {
        twoActivations(null, true, true);
        fx.run("other");
        Thread.sleep(20);
        twoActivations("data", true, false);
        JsonNode old1 = fx.run("old").json();
        assertThat(old1.path("files")).allSatisfy(f -> assertThat(f.path("version").asText()).as("recorded version").isNotBlank());
        twoActivations("data2", true, true);
        Thread.sleep(5);
        JsonNode old2 = fx.run("old").json();
        assertThat(list(old2, "deleted")).containsExactlyInAnyOrder("ren/data.csv", "ren/data.manifest.json");
        assertThat(old2.path("warnings")).isEmpty();
        assertThat(fx.objects().keySet()).containsExactlyInAnyOrder("ren/data2.csv", "ren/data2.manifest.json");
    }

    @Test
    void recordsWithoutAVersionAreDeletedOnlyWhenNoOtherActivationPublishedTheName() throws Exception {
        twoActivations(null, true, true);
        fx.run("other");
        Thread.sleep(20);
        twoActivations("data", true, false);
        fx.run("old");
        // The history as an earlier version of Sluice wrote it: no versions, no destination.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + fx.state.resolve("runs.db"));
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE runs SET record = json_set(record, '$.files', json((SELECT "
                    + "json_group_array(json_remove(f.value, '$.version')) FROM json_each(record, '$.files') f)))");
            boolean kept;
            try (java.sql.ResultSet rs = st.executeQuery("SELECT 1 FROM pragma_table_info('runs') WHERE name = 'destination'")) {
                kept = rs.next();
            }
            if (kept) {
                st.execute("ALTER TABLE runs DROP COLUMN destination");
            }
            st.execute("PRAGMA user_version = 0"); // written before the history kept a schema version
        }
        JsonNode legacy = fx.runs("old").get(0);
        assertThat(objects(legacy)).containsExactlyInAnyOrder("ren/data.csv", "ren/data.manifest.json");
        assertThat(legacy.path("files").toString()).doesNotContain("version");
        twoActivations("data2", true, true);
        Thread.sleep(5);
        JsonNode old2 = fx.run("old").json();
        assertThat(list(old2, "deleted")).as("compared by size and CRC32C").containsExactly("ren/data.manifest.json");
        assertThat(list(old2, "changed")).containsExactly("ren/data.csv");
        assertThat(old2.path("warnings").toString()).contains("activation other");
        assertThat(fx.objects().keySet()).containsExactlyInAnyOrder("ren/data.csv", "ren/data2.csv", "ren/data2.manifest.json");
    }

    @Test
    void anObjectWrittenAgainWithTheSameBytesIsLeft() throws Exception {
        workspace("people_{x}", "{keep_runs: 1}");
        JsonNode first = fx.run("daily").json();
        String csv = objects(first).stream().filter(n -> n.endsWith(".csv")).findFirst().orElseThrow();
        String manifest = objects(first).stream().filter(n -> n.endsWith(".manifest.json")).findFirst().orElseThrow();
        String content = Files.readString(fx.file(csv), StandardCharsets.UTF_8);
        Thread.sleep(20); // later than the clock's tick: a file's modification time
        putForeign(csv, content);
        assertThat(Fixture.crc32c(fx.file(csv))).as("the same bytes").isEqualTo(crcOf(first, csv));
        JsonNode second = fx.run("daily").json();
        assertThat(second.path("status").asText()).isEqualTo("succeeded");
        assertThat(list(second, "changed")).containsExactly(csv);
        assertThat(list(second, "deleted")).containsExactly(manifest);
        assertThat(second.path("warnings").toString()).contains(csv).contains("written again");
        assertThat(fx.objects()).containsKey(csv);
        Thread.sleep(5);
        JsonNode third = fx.run("daily").json();
        assertThat(list(third, "deleted")).containsExactlyInAnyOrderElementsOf(objects(second));
        assertThat(fx.objects().keySet()).containsExactlyInAnyOrder(csv, objects(third).get(0), objects(third).get(1));
    }

    private Runner runner(Clock clock) {
        return new Runner(WorkspaceLoader.withSystemEnv().load(fx.yaml), fx.state, clock, line -> { }, null);
    }

    private static List<String> names(RunRecord run) {
        return run.files().stream().map(f -> f.object()).toList();
    }

}
