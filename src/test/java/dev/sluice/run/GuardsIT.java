package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards (SPEC §9): a run that breaks one is held — nothing published, the snapshot kept, status
 * {@code held}, exit 1 — and the next run compares with the same previous rows, so a consumer that
 * applies every published set still ends with the model's rows; {@code --accept-held} publishes
 * past the guards once, recorded as such.
 */
class GuardsIT {
    @TempDir
    Path dir;

    /** A run that must be held: returns its record, after checking that nothing changed anywhere. */
    private static JsonNode held(Fixture fx, String activation, String... flags) {
        String snapshot = fx.snapshotState(activation);
        TreeMap<String, Long> before = fx.objects();
        String[] args = new String[flags.length + 3];
        args[0] = "run";
        args[1] = activation;
        args[2] = "--json";
        System.arraycopy(flags, 0, args, 3, flags.length);
        Fixture.Cli run = fx.cli(args);
        assertThat(run.exitCode()).as("exit code of a held run; stderr: %s", run.err()).isEqualTo(3);
        JsonNode record = run.json();
        assertThat(record.path("status").asText()).isEqualTo("held");
        assertThat(record.path("files")).isEmpty();
        assertThat(fx.runs(activation).get(0).path("status").asText()).as("the history").isEqualTo("held");
        assertThat(fx.objects()).as("the destination after a held run").isEqualTo(before);
        assertThat(fx.stagingLeftovers()).isEmpty();
        assertThat(fx.snapshotState(activation)).as("the snapshot after a held run").isEqualTo(snapshot);
        assertThat(fx.workLeftovers()).isEmpty();
        return record;
    }

    @Test
    void aRunThatRemovesTooManyRowsIsHeldUntilAccepted() {
        Fixture fx = new Fixture(dir);
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.CSV, "changes",
                People.EU_SQL, List.of("id"), People.COLUMNS, null);
        s.extraYaml = "    guards: {max_removed: 20%, max_updated: 50%}\n";
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("eu_people", "out"));
        JsonNode first = s.sync();
        assertThat(first.path("guards")).extracting(g -> g.path("outcome").asText()).containsExactly("not_checked", "not_checked");

        // A broken join: three of the five rows disappear (60% > 20%).
        fx.sql("DELETE FROM people WHERE region = 'EU' AND id IN (1, 2, 3)");
        JsonNode held = held(fx, "changes");
        assertThat(held.path("error").asText()).contains("max_removed 20% (1 rows): 3 removed")
                .contains("nothing was published").contains("sluice run changes --accept-held");
        assertThat(held.path("counts").path("removed").asLong()).isEqualTo(3);
        JsonNode removed = held.path("guards").get(1);
        assertThat(removed.path("guard").asText()).isEqualTo("max_removed");
        assertThat(removed.path("outcome").asText()).isEqualTo("broken");
        assertThat(removed.path("limitRows").asLong()).isEqualTo(1);
        assertThat(removed.path("value").asLong()).isEqualTo(3);
        assertThat(held.path("guards").get(0).path("outcome").asText()).isEqualTo("passed");

        // Held again: the next run compares with the same snapshot; a row changes meanwhile.
        fx.sql("UPDATE people SET name = 'Eve II' WHERE region = 'EU' AND id = 5");
        JsonNode again = held(fx, "changes");
        assertThat(again.path("counts").path("removed").asLong()).isEqualTo(3);
        assertThat(again.path("counts").path("updated").asLong()).isEqualTo(1);

        // The dry run says which guard would hold the run.
        Fixture.Cli dry = fx.cli("run", "changes", "--dry-run");
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.out()).contains("guard max_removed 20% (1 rows): 3 removed — broken: the run would be held");

        // Accepted: one run past the guards publishes every change since the last published set.
        JsonNode accepted = s.sync("--accept-held");
        assertThat(accepted.path("guardsLifted").asBoolean()).isTrue();
        assertThat(accepted.path("guards").get(1).path("outcome").asText()).isEqualTo("lifted");
        assertThat(accepted.path("trigger").asText()).isEqualTo("manual");

        // Guards are back for the runs after.
        fx.sql("INSERT INTO people VALUES ('EU', 9, 'Ida', 'Oslo', 9, NULL, 9.90, true, 'i')",
                "UPDATE people SET city = 'Bern' WHERE region = 'EU' AND id = 5");
        JsonNode next = s.sync();
        assertThat(next.path("guardsLifted").asBoolean()).isFalse();
        fx.sql("DELETE FROM people WHERE region = 'EU'");
        held(fx, "changes");
    }

    @Test
    void rowLimitsHoldAFirstRunToo() {
        Fixture fx = new Fixture(dir);
        Scenario s = new Scenario(fx, "snap", RunType.FULL_ONLY, SyncMode.SNAPSHOT, Format.JSON_LINES, "snap",
                People.EU_SQL, List.of("id"), People.COLUMNS, null);
        s.extraYaml = "    guards: {min_rows: 6, max_added: 1}\n";
        s.jsonNumbers = java.util.Set.of("id", "score", "amount");
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("eu_people", "out"));
        JsonNode held = held(fx, "snap");
        assertThat(held.path("error").asText()).contains("min_rows 6: 5 rows read");
        assertThat(held.path("guards").get(1).path("outcome").asText()).isEqualTo("not_checked");
        assertThat(fx.objects()).isEmpty();
        Fixture.Cli plain = fx.cli("run", "snap");
        assertThat(plain.exitCode()).isEqualTo(3);
        assertThat(plain.err()).containsPattern("run \\S+ of snap held by a guard: min_rows 6: 5 rows read; nothing was published");
        assertThat(plain.out()).isEmpty();
        Fixture.Cli runs = fx.cli("runs", "snap");
        assertThat(runs.out()).contains("held");

        fx.sql("INSERT INTO people VALUES ('EU', 9, 'Ida', 'Oslo', 9, NULL, 9.90, true, 'i')");
        s.sync();
        // One row added since: max_added 1 passes; two more break it.
        fx.sql("INSERT INTO people VALUES ('EU', 10, 'Jo', 'Oslo', 9, NULL, 9.90, true, 'j'), ('EU', 11, 'Kim', NULL, 1, NULL, 1.00, true, 'k')");
        assertThat(held(fx, "snap").path("error").asText()).contains("max_added 1: 2 added");
    }

    @Test
    void eachGuardHoldsAndPasses() {
        Fixture fx = new Fixture(dir);
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.PARQUET, "changes",
                People.EU_SQL, List.of("id"), People.COLUMNS, null);
        s.extraYaml = "    guards: {max_rows: 6, max_updated: 1, max_changed_rows: 2}\n";
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("eu_people", "out"));
        assertThat(s.sync().path("guards").get(0).path("outcome").asText()).as("max_rows on a first run").isEqualTo("passed");

        fx.sql("UPDATE people SET score = score + 1 WHERE region = 'EU' AND id IN (1, 2)");
        JsonNode updated = held(fx, "changes");
        assertThat(updated.path("guards")).extracting(g -> g.path("guard").asText() + " " + g.path("outcome").asText())
                .containsExactly("max_rows passed", "max_updated broken", "max_changed_rows passed");
        s.sync("--accept-held");

        fx.sql("INSERT INTO people VALUES ('EU', 20, 'T', NULL, 1, NULL, 1.00, true, 't'), ('EU', 21, 'U', NULL, 2, NULL, 2.00, true, 'u')");
        JsonNode tooMany = held(fx, "changes");
        assertThat(tooMany.path("error").asText()).contains("max_rows 6: 7 rows read").doesNotContain("max_changed_rows");

        fx.sql("DELETE FROM people WHERE region = 'EU' AND id IN (1, 2, 3)");
        JsonNode changed = held(fx, "changes");
        assertThat(changed.path("guards")).extracting(g -> g.path("guard").asText() + " " + g.path("outcome").asText())
                .containsExactly("max_rows passed", "max_updated passed", "max_changed_rows broken");
        assertThat(changed.path("error").asText()).contains("max_changed_rows 2: 5 changed (added + updated + removed)");
        s.sync("--accept-held");
        s.sync();
    }
}
