package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named regressions for the ways "every change exactly once, in complete sets" broke before the run
 * protocol of docs/runs.md (issue 12), each replayed by the independent consumer of {@link Scenario}
 * where it applies. GCS leftovers are in {@link GcsFaultIT}, kills in {@link KillRecoveryIT}, the
 * signal exit codes of {@code serve} in {@code ServeSignalIT}, generated sequences in
 * {@link ExactlyOncePropertiesIT}.
 */
class ExactlyOnceRegressionsIT {
    @TempDir
    Path dir;

    private Scenario difference(Fixture fx) {
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV, "changes",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
        s.manifest = true;
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        return s;
    }

    /** Item 1: a snapshot pointer that cannot be written used to lose the run's changes for good. */
    @Test
    void aSnapshotPointerThatCannotBeWrittenLosesNoChange() throws IOException {
        Fixture fx = new Fixture(dir);
        Scenario s = difference(fx);
        s.sync();
        People.step(fx, 0);
        // Something in the way of current.json's replacement: a full resync writes a new snapshot file
        // and must switch the pointer to it.
        Path obstacle = fx.state.resolve("activations").resolve("changes").resolve("current.json.partial");
        Files.createDirectories(obstacle.resolve("in-the-way"));
        // The snapshot commit itself took effect (it is the decision point), so the run's changes stand:
        // the run fails, keeps its files staged, and the next run completes the publish.
        String id = s.decided(() -> {
            Fixture.Cli failed = fx.cli("run", "changes", "--full-resync");
            assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
            // One outcome, said once: a decided run is completed later; it is not exported again.
            assertThat(failed.err()).contains("its snapshot is committed, so its changes stand").doesNotContain("\tat ")
                    .doesNotContain("export the same changes again").doesNotContain("files are published;");
        });
        assertThat(fx.objects().keySet()).as("none of the decided run's files is withdrawn")
                .filteredOn(n -> n.contains(id)).isNotEmpty().allMatch(n -> n.contains(".sluice-staging/"));
        Files.delete(obstacle.resolve("in-the-way"));
        Files.delete(obstacle);
        // The next run completes it; the consumer applies its files, then this run's (no changes).
        JsonNode next = s.sync();
        assertThat(next.path("counts").path("added").asLong()).isZero();
        assertThat(fx.stagingLeftovers()).isEmpty();
    }

    /** Item 2: a full run in difference mode used to drop the deleted rows and not say it was full. */
    @Test
    void aFullResyncInDifferenceModeSendsWhatWentAwayAndSaysItIsFull() throws IOException {
        Fixture fx = new Fixture(dir);
        Scenario s = difference(fx);
        s.sync();
        People.step(fx, 0);
        JsonNode resync = s.sync("--full-resync"); // Scenario checks every file against the truth
        assertThat(resync.path("counts").path("removed").asLong()).isEqualTo(2);
        String id = resync.path("id").asText();
        JsonNode manifest = Fixture.JSON.readTree(fx.file("changes/changes_" + id + ".manifest.json").toFile());
        assertThat(manifest.path("kind").asText()).isEqualTo("full");
        assertThat(manifest.path("full_reason").asText()).isEqualTo("--full-resync was given");
        Map<String, Long> rows = new TreeMap<>();
        manifest.path("files").forEach(f -> rows.put(f.path("object").asText().replaceAll(".*_", ""), f.path("rows").asLong()));
        assertThat(rows).containsEntry("removed.csv", 2L).containsEntry("added.csv", 3L).containsEntry("updated.csv", 5L);
        People.step(fx, 2);
        JsonNode delta = s.sync();
        JsonNode deltaManifest = Fixture.JSON.readTree(fx.file("changes/changes_" + delta.path("id").asText() + ".manifest.json").toFile());
        assertThat(deltaManifest.path("kind").asText()).isEqualTo("delta");
    }

    /**
     * Found by ExactlyOncePropertiesIT ([Run, Reset, Resync]): a --full-resync right after a reset
     * said "--full-resync was given", so a consumer applied its rows to the state it held instead
     * of replacing it. Without a snapshot a run is a first run, whatever else asked for a full run.
     */
    @Test
    void aFullResyncAfterAResetIsAFirstRun() throws IOException {
        Fixture fx = new Fixture(dir);
        Scenario s = difference(fx);
        s.sync();
        assertThat(fx.cli("reset", "changes").exitCode()).isZero();
        s.forget();
        People.step(fx, 0);
        JsonNode full = s.sync("--full-resync"); // Scenario expects the first-run reason
        JsonNode manifest = Fixture.JSON.readTree(fx.file("changes/changes_" + full.path("id").asText() + ".manifest.json").toFile());
        assertThat(manifest.path("full_reason").asText()).isEqualTo("first run: no previous successful run");
    }

    /** Item 3: a delta file name that renders the same on two runs used to replace the earlier run's changes. */
    @Test
    void aDeltaRunRefusesToReplaceAnEarlierRunsFileUnlessOverwriteIsTrue() throws IOException {
        Fixture fx = new Fixture(dir);
        People.create(fx);
        String activation = """
                  daily:
                    model: eu_people
                    destination: out
                    folder: d
                    file_name: "d_{YYYY}{MM}{DD}"
                    sync_mode: insert
                    schedule: {every: 12h}
                """;
        fx.workspace(People.WORKSPACE + activation);
        Fixture.Cli validate = fx.cli("validate", "--offline");
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.err()).contains("warning: ", "activations.daily.file_name: 'd_{YYYY}{MM}{DD}' renders the same name");
        JsonNode first = fx.run("daily").json();
        String object = first.path("files").get(0).path("object").asText();
        long bytes = Files.size(fx.file(object));
        String snapshot = fx.snapshotState("daily");

        People.step(fx, 0);
        Fixture.Cli refused = fx.cli("run", "daily");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("activations.daily.file_name: this run would replace " + object + " in destination out, "
                + "published by run " + first.path("id").asText() + " of activation daily")
                .contains("this insert activation's earlier changes would be lost", "nothing was published", "{run}", "overwrite: true");
        assertThat(Files.size(fx.file(object))).as("the earlier run's file is untouched").isEqualTo(bytes);
        assertThat(fx.snapshotState("daily")).as("the refused run's changes are still to send").isEqualTo(snapshot);
        assertThat(fx.stagingLeftovers()).isEmpty();

        // Replacing on purpose: the refused changes go out, in the replacing file.
        fx.workspace(People.WORKSPACE + activation + "    overwrite: true\n");
        JsonNode replaced = fx.run("daily").json();
        assertThat(replaced.path("files").get(0).path("object").asText()).isEqualTo(object);
        assertThat(replaced.path("counts").path("added").asLong()).isEqualTo(2);
    }

    /** Item 3: two activations writing the same object used to be last-writer-wins. */
    @Test
    void twoActivationsThatCanWriteTheSameObjectAreRefusedBeforeAnyRun() {
        Fixture fx = new Fixture(dir);
        People.create(fx);
        fx.workspace(People.WORKSPACE + """
                  eu:
                    model: eu_people
                    destination: out
                    file_name: people
                    sync_mode: snapshot
                  everyone:
                    model: all_people
                    destination: out
                    file_name: people
                    sync_mode: snapshot
                """);
        Fixture.Cli run = fx.cli("run", "eu");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("activations.everyone.file_name: activations eu and everyone can write the same object, people.csv");
        assertThat(fx.objects()).isEmpty();
    }
}
