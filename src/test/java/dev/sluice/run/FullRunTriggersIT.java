package dev.sluice.run;


import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What makes a run of a full_then_delta activation full (a changed mapping, a changed primary
 * key, {@code reset}, {@code --full-resync}), what the output says about it, and that
 * {@code --dry-run} leaves no trace.
 */
class FullRunTriggersIT {
    private static final String STALE = "the mapping, primary key or attribute types changed since the last successful run";

    @TempDir
    Path dir;

    private static Map<String, String> mapping(String... fromTo) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < fromTo.length; i += 2) {
            m.put(fromTo[i], fromTo[i + 1]);
        }
        return m;
    }

    private Scenario difference(Fixture fx) {
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV, "changes",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS,
                mapping("id", "Id", "region", "Region", "name", "Name", "score", "Score"));
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        return s;
    }

    @Test
    void changingTheMappingThePrimaryKeyOrATypeMakesTheNextRunFullAndSaysWhy() {
        Fixture fx = new Fixture(dir);
        Scenario s = difference(fx);
        s.sync();
        People.step(fx, 0);
        s.sync();

        // Rename one attribute and add another: the snapshot holds other columns, so the run is full.
        s.remap(List.of("region", "id"), mapping("id", "Id", "region", "Region", "name", "FullName", "score", "Score", "city", "City"));
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        s.syncExpecting(STALE);
        assertThat(s.lastCli.err()).contains("this is a full run: " + STALE);
        People.step(fx, 1);
        People.step(fx, 2);
        JsonNode delta = s.sync();
        assertThat(delta.path("counts").path("added").asLong()).isEqualTo(2);
        assertThat(s.lastCli.err()).doesNotContain("this is a full run");

        // Only the order of the mapping changes: the exported files change shape, so again a full run.
        s.remap(List.of("region", "id"), mapping("region", "Region", "id", "Id", "name", "FullName", "score", "Score", "city", "City"));
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        s.syncExpecting(STALE);

        // The primary key changes (same exported attributes).
        s.remap(List.of("region", "id", "name"), mapping("region", "Region", "id", "Id", "name", "FullName", "score", "Score", "city", "City"));
        fx.workspace(People.WORKSPACE.replace("primary_key: [region, id]", "primary_key: [region, id, name]")
                + s.yaml("all_people", "out"));
        s.syncExpecting(STALE);
        assertThat(s.lastCli.err()).contains("this is a full run: " + STALE);
        People.step(fx, 3);
        s.sync();

        // An exported attribute's type changes in the source.
        fx.sql("ALTER TABLE people ALTER score TYPE BIGINT");
        s.previous = null;
        s.syncExpecting(STALE);

        // The history shows why each full run was full.
        List<String> reasons = fx.runs("changes").stream().map(r -> r.path("kind").asText() + ": " + r.path("fullReason").asText()).toList();
        assertThat(reasons).containsExactly("full: " + STALE, "delta: null", "full: " + STALE, "full: " + STALE, "delta: null", "full: " + STALE,
                "delta: null", "full: first run: no previous successful run");
    }

    @Test
    void aSnapshotHashedByAnotherEngineVersionIsComparedByRecomputingItsHashesAndThenRewritten() throws Exception {
        Fixture fx = new Fixture(dir);
        Scenario s = difference(fx);
        s.sync();
        People.step(fx, 0);
        s.sync();
        // As if an older Sluice with another engine had committed it: its stored hashes cannot be trusted.
        Path current = fx.state.resolve("activations").resolve("changes").resolve("current.json");
        String before = java.nio.file.Files.readString(current);
        String snapshotFile = Fixture.JSON.readTree(before).path("snapshot").asText();
        java.nio.file.Files.writeString(current, before.replaceFirst("\"engine\" : \"[^\"]*\"", "\"engine\" : \"v0.0.1\""));
        People.step(fx, 1);
        JsonNode delta = s.sync(); // Scenario checks every exported row against the truth
        assertThat(delta.path("kind").asText()).isEqualTo("delta");
        String after = java.nio.file.Files.readString(current);
        assertThat(Fixture.JSON.readTree(after).path("snapshot").asText()).as("a new snapshot file").isNotEqualTo(snapshotFile);
        assertThat(after).doesNotContain("v0.0.1");
        People.step(fx, 2);
        s.sync();
    }

    @Test
    void resetMakesTheNextRunAFirstRun() {
        Fixture fx = new Fixture(dir);
        Scenario s = difference(fx);
        s.sync();
        People.step(fx, 0);
        s.sync();

        Fixture.Cli reset = fx.cli("reset", "changes");
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("reset changes");
        assertThat(fx.snapshotState("changes")).doesNotContain("current.json");
        s.forget();
        People.step(fx, 2);
        JsonNode full = s.sync();
        assertThat(full.path("counts").path("added").asLong()).isEqualTo(full.path("counts").path("read").asLong());
        assertThat(s.lastCli.err()).contains("this is a full run: first run: no previous successful run");
        People.step(fx, 3);
        s.sync();

        // A reset without a snapshot says so and changes nothing.
        assertThat(fx.cli("reset", "changes").exitCode()).isZero();
        Fixture.Cli again = fx.cli("reset", "changes");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("had no snapshot");
    }

    @Test
    void fullResyncExportsEverythingThenDeltasResume() {
        Fixture fx = new Fixture(dir);
        Scenario s = difference(fx);
        s.sync();
        People.step(fx, 0);
        JsonNode resync = s.sync("--full-resync");
        // Counts still compare with the previous run; the files hold every row, and the removed ones.
        assertThat(resync.path("counts").path("updated").asLong()).isEqualTo(1);
        assertThat(resync.path("counts").path("written").asLong())
                .isEqualTo(resync.path("counts").path("read").asLong() + resync.path("counts").path("removed").asLong());
        assertThat(s.lastCli.err()).contains("this is a full run: --full-resync was given");
        People.step(fx, 2);
        s.sync();
        s.sync("--full-resync");
        People.step(fx, 3);
        s.sync();
    }

    @Test
    void dryRunWritesPublishesRecordsAndCommitsNothing() {
        Fixture fx = new Fixture(dir);
        Scenario s = difference(fx);

        // On a first run: no snapshot appears, nothing is recorded or written.
        Fixture.Cli first = fx.cli("run", "changes", "--dry-run", "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode dry = first.json();
        assertThat(dry.path("kind").asText()).isEqualTo("full");
        assertThat(dry.path("counts").path("read").asLong()).isEqualTo(7);
        assertThat(dry.path("counts").path("added").asLong()).isEqualTo(7);
        assertThat(dry.path("status").asText()).isEqualTo("dry_run");
        // files: the objects it would write, with the rows each would hold; nothing of them exists
        assertThat(dry.path("files")).isNotEmpty().allSatisfy(f -> assertThat(f.path("bytes").asLong()).isZero());
        assertThat(dry.path("files")).filteredOn(f -> !f.path("output").asText().equals("manifest"))
                .extracting(f -> f.path("rows").asLong()).contains(7L);
        assertThat(fx.snapshotState("changes")).isEqualTo("<none>");
        assertThat(fx.runs("changes")).isEmpty();
        assertThat(fx.objects()).isEmpty();
        assertThat(fx.workLeftovers()).isEmpty();

        s.sync();
        People.step(fx, 0);
        String snapshot = fx.snapshotState("changes");
        TreeMap<String, Long> objects = fx.objects();

        Fixture.Cli second = fx.cli("run", "changes", "--dry-run", "--json");
        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode counts = second.json().path("counts");
        assertThat(second.json().path("kind").asText()).isEqualTo("delta");
        Scenario.Diff diff = Scenario.Diff.of(s.previous, s.truth());
        assertThat(List.of(counts.path("read").asLong(), counts.path("added").asLong(), counts.path("updated").asLong(),
                counts.path("removed").asLong(), counts.path("unchanged").asLong()))
                .containsExactly(8L, (long) diff.added().size(), (long) diff.updated().size(), (long) diff.removed().size(), diff.unchanged());
        Fixture.Cli text = fx.cli("run", "changes", "--dry-run");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("dry run of changes: a delta run would export").contains("  would write ");
        JsonNode planned = second.json();

        assertThat(fx.snapshotState("changes")).isEqualTo(snapshot);
        assertThat(fx.objects()).isEqualTo(objects);
        assertThat(fx.runs("changes")).hasSize(1);
        assertThat(fx.stagingLeftovers()).isEmpty();
        assertThat(fx.workLeftovers()).isEmpty();

        // The next real run exports the changes the dry runs saw, to the objects the dry run named
        // (its own run id in place of the dry run's), each with the rows the dry run said.
        JsonNode real = s.sync();
        String dryId = planned.path("id").asText();
        String realId = real.path("id").asText();
        java.util.Map<String, Long> said = new java.util.TreeMap<>();
        planned.path("files").forEach(f -> said.put(f.path("object").asText().replace(dryId, realId), f.path("rows").asLong()));
        java.util.Map<String, Long> written = new java.util.TreeMap<>();
        real.path("files").forEach(f -> written.put(f.path("object").asText(), f.path("rows").asLong()));
        assertThat(said).isEqualTo(written);
    }
}
