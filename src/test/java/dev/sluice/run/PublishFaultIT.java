package dev.sluice.run;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.JsonText;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import dev.sluice.run.FaultyDestination.Fault;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Uploads and publishes that fail, through a destination that breaks on purpose: each failed run
 * is recorded as failed with its error, leaves none of its files (staged or final) and no staging
 * leftovers, and does not touch the snapshot; the next successful run exports the same changes
 * plus newer ones, so a consumer applying every successful run's files ends up with the table.
 */
class PublishFaultIT {
    @TempDir
    Path dir;

    private Fault next = Fault.NONE;
    private IntConsumer nextHook;
    private FaultyDestination last;

    private Runner runner(Fixture fx, Workspace workspace) {
        return new Runner(workspace, fx.state, Clock.systemUTC(), log -> {}, null, config -> {
            last = new FaultyDestination(config.open(), next);
            if (nextHook != null) {
                last.onPublish = nextHook;
            }
            next = Fault.NONE;
            nextHook = null;
            return last;
        });
    }

    private Scenario staged(Fixture fx) {
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV, "changes",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
        s.manifest = true;
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        s.runner = flags -> JsonText.MAPPER.valueToTree(runner(fx, workspace)
                .run(new Runner.Request(s.activation, List.of(flags).contains("--full-resync"), false, "manual")));
        return s;
    }

    @Test
    void anOldSnapshotThatCannotBeRemovedDoesNotFailACommittedRun() throws IOException {
        Fixture fx = new Fixture(dir);
        Scenario s = staged(fx);
        s.sync();
        // Something named like a snapshot that cannot be deleted (here a folder that is not empty; on
        // Windows, a snapshot file another process has open): removing old snapshots fails after the
        // new one is in force.
        Files.createDirectories(fx.state.resolve("activations").resolve("changes").resolve("snapshot-stuck").resolve("inside"));
        People.step(fx, 0);
        s.sync();
        People.step(fx, 2);
        s.sync();
    }

    @Test
    void aRunWhoseRecordCannotBeSavedAfterItsDecisionSucceedsAndIsRecordedByTheNextRun() throws Exception {
        Fixture fx = new Fixture(dir);
        Scenario s = staged(fx);
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        s.sync();
        People.step(fx, 0);
        Scenario.State now = s.truth();
        // At the last publish, another connection takes the run history's write lock: after the
        // snapshot commit, saving the record fails (after SQLite's busy timeout).
        Connection[] holder = new Connection[1];
        nextHook = n -> {
            if (n == 4) {
                try {
                    holder[0] = DriverManager.getConnection("jdbc:sqlite:" + fx.state.resolve("runs.db"));
                    holder[0].createStatement().execute("BEGIN EXCLUSIVE");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        List<String> logged = new java.util.ArrayList<>();
        RunRecord done;
        try {
            done = new Runner(workspace, fx.state, Clock.systemUTC(), logged::add, null, config -> {
                last = new FaultyDestination(config.open(), Fault.NONE);
                last.onPublish = nextHook;
                nextHook = null;
                return last;
            }).run(new Runner.Request("changes", false, false, "manual"));
        } finally {
            holder[0].createStatement().execute("ROLLBACK");
            holder[0].close();
        }
        // Its changes stand and its files are published: the run succeeded, only its record is late.
        assertThat(done.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(logged).anyMatch(l -> l.contains("succeeded but could not be recorded") && l.contains("the next run of changes records it"));
        JsonNode stuck = fx.runs("changes").get(0);
        String id = stuck.path("id").asText();
        assertThat(id).isEqualTo(done.id());
        assertThat(stuck.path("status").asText()).isEqualTo("running");
        // The snapshot now assumes these files were delivered: they must stay, complete.
        assertThat(fx.objects().keySet().stream().filter(n -> n.contains(id)))
                .containsExactlyInAnyOrder("changes/changes_" + id + "_added.csv", "changes/changes_" + id + "_updated.csv",
                        "changes/changes_" + id + "_removed.csv", "changes/changes_" + id + ".manifest.json");
        s.adopt(id, now);

        People.step(fx, 2);
        s.sync();
        JsonNode recovered = fx.runs("changes").stream().filter(r -> r.path("id").asText().equals(id)).findFirst().orElseThrow();
        assertThat(recovered.path("status").asText()).isEqualTo("succeeded");
        assertThat(recovered.path("files")).hasSize(4);
    }

    /**
     * A reset while a decided run waits for its publish to be completed used to leave that run's
     * published half set for good (found by ExactlyOncePropertiesIT): the decision is recorded in the
     * history too, so the next run still completes the set before its first run.
     */
    @Test
    void aResetWhileADecidedRunIsPendingStillCompletesThatRunsSet() {
        Fixture fx = new Fixture(dir);
        Scenario s = staged(fx);
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        s.sync();
        People.step(fx, 0);
        next = Fault.publish(2);
        String id = s.decided(() -> assertThatThrownBy(() -> runner(fx, workspace).run(new Runner.Request("changes", false, false, "manual")))
                .hasMessageContaining("its snapshot is committed, so its changes stand"));
        Fixture.Cli reset = fx.cli("reset", "changes");
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        s.forget();
        People.step(fx, 2);
        s.sync(); // completes the pending set (the consumer applies it), then a first run
        assertThat(fx.objects().keySet()).filteredOn(n -> n.contains(id)).hasSize(4).anyMatch(n -> n.endsWith(".manifest.json"));
    }

    /**
     * The run that completes a decided run's publish records the version of each object it moves,
     * which retention checks; the object the failed run had already published keeps none (it is
     * treated as a record made before versions).
     */
    @Test
    void theRunCompletingAPublishRecordsTheVersionsOfTheObjectsItMoved() {
        Fixture fx = new Fixture(dir);
        Scenario s = staged(fx);
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        s.sync();
        People.step(fx, 0);
        next = Fault.publish(2);
        String id = s.decided(() -> assertThatThrownBy(() -> runner(fx, workspace).run(new Runner.Request("changes", false, false, "manual")))
                .hasMessageContaining("its snapshot is committed, so its changes stand"));
        People.step(fx, 2);
        s.sync();
        JsonNode recovered = fx.runs("changes").stream().filter(r -> r.path("id").asText().equals(id)).findFirst().orElseThrow();
        assertThat(recovered.path("status").asText()).isEqualTo("succeeded");
        List<String> versioned = new java.util.ArrayList<>();
        List<String> unversioned = new java.util.ArrayList<>();
        recovered.path("files").forEach(f -> (f.hasNonNull("version") ? versioned : unversioned).add(f.path("object").asText()));
        assertThat(unversioned).as("published before the failure").hasSize(1);
        assertThat(versioned).hasSize(3).anyMatch(n -> n.endsWith(".manifest.json"));
    }

    private JsonNode fail(Scenario s, Fixture fx, Workspace workspace, Fault fault, String message) {
        next = fault;
        return s.failed(() -> assertThatThrownBy(() -> runner(fx, workspace).run(new Runner.Request(s.activation, false, false, "manual")))
                .isInstanceOf(Runner.RunFailed.class)
                .hasMessageContaining(message), message);
    }

    @ParameterizedTest(name = "publish: {0}")
    @ValueSource(strings = {"staged", "direct"})
    void failedUploadsAndPublishesLoseNoChangeAndLeaveNothingBehind(String publish) {
        Fixture fx = new Fixture(dir);
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV, "changes",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
        s.manifest = true;
        s.direct = publish.equals("direct");
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        s.runner = flags -> JsonText.MAPPER.valueToTree(runner(fx, workspace)
                .run(new Runner.Request(s.activation, List.of(flags).contains("--full-resync"), false, "manual")));

        s.sync();
        People.step(fx, 0);
        // Four files a run: _added, _updated, _removed and the manifest.
        JsonNode failed = fail(s, fx, workspace, Fault.upload(2), "injected failure of upload #2");
        assertThat(failed.path("error").asText()).contains("injected failure of upload #2", "_updated.csv").doesNotContain("Exception");
        assertThat(failed.path("kind").asText()).isEqualTo("delta");
        assertThat(failed.path("counts").path("added").asLong()).isEqualTo(3);
        fail(s, fx, workspace, Fault.uploadAfterWriting(3), "injected failure after upload #3");
        fail(s, fx, workspace, Fault.uploadAfterWriting(4), "injected failure after upload #4");
        fail(s, fx, workspace, Fault.upload(1), "injected failure of upload #1");
        // The changes the failed runs could not deliver go out now.
        JsonNode recovered = s.sync();
        assertThat(recovered.path("counts").path("added").asLong()).isEqualTo(3);
        assertThat(recovered.path("counts").path("removed").asLong()).isEqualTo(2);

        People.step(fx, 2);
        fail(s, fx, workspace, Fault.uploadAfterWriting(1), "injected failure after upload #1");
        People.step(fx, 3);
        s.sync();
        People.step(fx, 4);
        fail(s, fx, workspace, Fault.upload(3), "injected failure of upload #3");
        s.sync();

        // Moving staged files to their final names comes after the decision point (the snapshot
        // commit): a failure there withdraws nothing; the run stays recorded as running and the next
        // run completes its publish before its own. In direct mode only the manifest is staged.
        int[] publishes = s.direct ? new int[] {1} : new int[] {1, 2, 4};
        for (int n : publishes) {
            fx.sql("UPDATE people SET city = 'City " + n + "' WHERE region = 'EU' AND id = 3");
            next = Fault.publish(n);
            s.decided(() -> assertThatThrownBy(() -> runner(fx, workspace).run(new Runner.Request(s.activation, false, false, "manual")))
                    .isInstanceOf(Runner.RunFailed.class)
                    .hasMessageContaining("injected failure of publish #" + n)
                    .hasMessageContaining("its snapshot is committed, so its changes stand"));
            assertThat(last.calls).as("nothing of a decided run is withdrawn").noneMatch(c -> c.startsWith("delete "));
            s.sync();
        }

        List<String> statuses = fx.runs("changes").stream().map(r -> r.path("status").asText()).collect(Collectors.toList());
        assertThat(statuses.stream().filter("succeeded"::equals)).hasSize(4 + 2 * publishes.length);
        assertThat(statuses.stream().filter("failed"::equals)).hasSize(6);
    }

    @ParameterizedTest(name = "publish: {0}")
    @ValueSource(strings = {"staged", "direct"})
    void overwriteFalseWithAnExistingTargetFailsBeforePublishingAnything(String publish) {
        Fixture fx = new Fixture(dir);
        People.create(fx);
        fx.workspace(People.WORKSPACE + """
                  fixed:
                    model: all_people
                    destination: out
                    folder: fixed
                    file_name: export
                    format: csv
                    run_type: full_then_delta
                    sync_mode: difference
                    overwrite: false
                    publish: %s
                """.formatted(publish));
        fx.run("fixed");
        TreeMap<String, Long> first = fx.objects();
        assertThat(first.keySet()).containsExactly("fixed/export_added.csv", "fixed/export_removed.csv", "fixed/export_updated.csv");
        Map<String, String> crcs = crcs(fx);
        String snapshot = fx.snapshotState("fixed");

        People.step(fx, 0);
        Fixture.Cli refused = fx.cli("run", "fixed", "--json");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
        assertThat(refused.err()).contains("this run would replace fixed/export_added.csv in destination out, published by run ")
                .contains("overwrite is false; nothing was published");
        assertThat(crcs(fx)).as("the files already there are untouched").isEqualTo(crcs);
        assertThat(fx.stagingLeftovers()).isEmpty();
        assertThat(fx.snapshotState("fixed")).isEqualTo(snapshot);
        assertThat(fx.runs("fixed").get(0).path("status").asText()).isEqualTo("failed");

        // The consumer took only one file away: the others still block the whole run.
        fx.out.resolve("fixed/export_added.csv").toFile().delete();
        Fixture.Cli again = fx.cli("run", "fixed", "--json");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("this run would replace fixed/export_updated.csv");
        assertThat(fx.objects().keySet()).containsExactly("fixed/export_removed.csv", "fixed/export_updated.csv");
        assertThat(fx.stagingLeftovers()).isEmpty();
        assertThat(fx.snapshotState("fixed")).isEqualTo(snapshot);

        // All taken away: the next run delivers the changes the refused runs held back.
        fx.out.resolve("fixed/export_removed.csv").toFile().delete();
        fx.out.resolve("fixed/export_updated.csv").toFile().delete();
        JsonNode ok = fx.run("fixed").json();
        assertThat(ok.path("kind").asText()).isEqualTo("delta");
        JsonNode counts = ok.path("counts");
        assertThat(List.of(counts.path("added").asLong(), counts.path("updated").asLong(), counts.path("removed").asLong()))
                .containsExactly(3L, 2L, 2L);
        assertThat(fx.objects().keySet()).containsExactly("fixed/export_added.csv", "fixed/export_removed.csv", "fixed/export_updated.csv");
    }

    private static Map<String, String> crcs(Fixture fx) {
        Map<String, String> result = new TreeMap<>();
        fx.objects().keySet().forEach(name -> result.put(name, Fixture.crc32c(fx.out.resolve(name))));
        return result;
    }
}
