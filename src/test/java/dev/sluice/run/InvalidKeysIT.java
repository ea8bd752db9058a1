package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows whose primary key is null or repeated: by default they fail the run, naming up to ten keys,
 * with nothing published and the snapshot untouched; with {@code invalid_rows: skip} they are left
 * out and counted.
 */
class InvalidKeysIT {
    @TempDir
    Path dir;

    /** Twelve repeated ids (100 three times, 101..111 twice): 25 rows. */
    private static final String DUPLICATES = "INSERT INTO people SELECT 'EU', 100 + (i // 3), 'dup ' || i, NULL, i, NULL, NULL, NULL, 'dup'"
            + " FROM range(0, 3) t(i) UNION ALL SELECT 'EU', 101 + (i % 11), 'dup ' || i, NULL, i, NULL, NULL, NULL, 'dup' FROM range(0, 22) t(i)";

    private static Fixture.Cli failingRun(Fixture fx, String activation) {
        Fixture.Cli run = fx.cli("run", activation, "--json");
        assertThat(run.exitCode()).as("exit code of a run with invalid keys; stderr: %s", run.err()).isEqualTo(1);
        // --json prints the failed run's record too: failed, with the same error as stderr.
        com.fasterxml.jackson.databind.JsonNode record;
        try {
            record = Fixture.JSON.readTree(run.out());
        } catch (java.io.IOException e) {
            throw new AssertionError("run --json did not print one JSON record: " + run.out(), e);
        }
        assertThat(record.path("status").asText()).isEqualTo("failed");
        assertThat(run.err()).contains(record.path("error").asText());
        return run;
    }

    /** Also for a full_only run, which checks the keys on its keys and hashes only. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"FULL_THEN_DELTA, UPSERT", "FULL_ONLY, SNAPSHOT"})
    void repeatedKeysFailTheRunNamingTenOfThem(RunType runType, SyncMode mode) {
        Fixture fx = new Fixture(dir);
        Scenario s = new Scenario(fx, "people_upsert", runType, mode, Format.CSV, "upserts",
                People.EU_SQL, List.of("id"), People.COLUMNS, null);
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("eu_people", "out"));
        s.sync();
        People.step(fx, 0);
        fx.sql(DUPLICATES);

        Fixture.Cli[] run = new Fixture.Cli[1];
        JsonNode failed = s.failed(() -> run[0] = failingRun(fx, "people_upsert"), "invalid primary key");
        String message = run[0].err();
        assertThat(message).contains("the model eu_people has rows with an invalid primary key (id)")
                .contains("25 rows share a key with another row")
                .contains("id=100 (3 rows)")
                .contains("invalid_rows: skip")
                .doesNotContain("null key");
        List<String> named = named(message, "id=(\\d+) \\((\\d+) rows\\)");
        assertThat(named).as("the keys named").containsExactly("100", "101", "102", "103", "104", "105", "106", "107", "108", "109");
        assertThat(failed.path("error").asText()).contains("id=109 (2 rows)").doesNotContain("id=110");
        assertThat(failed.path("kind").isNull()).as("a run that failed before its plan has no kind").isTrue();

        // Repaired, the next run exports what changed since the last successful run.
        fx.sql("DELETE FROM people WHERE note = 'dup'");
        s.sync();
    }

    @Test
    void nullKeysFailTheRunAndAreCountedWithRepeatedOnes() {
        Fixture fx = new Fixture(dir);
        Scenario s = new Scenario(fx, "changes", RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE, Format.PARQUET, "changes",
                People.ALL_SQL, List.of("region", "id"), People.COLUMNS, null);
        People.create(fx);
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        s.sync();

        fx.sql("INSERT INTO people VALUES (NULL, 9, 'no region', NULL, NULL, NULL, NULL, NULL, 'bad'), "
                + "('EU', NULL, 'no id', NULL, NULL, NULL, NULL, NULL, 'bad'), (NULL, NULL, 'no key', NULL, NULL, NULL, NULL, NULL, 'bad')");
        Fixture.Cli[] run = new Fixture.Cli[1];
        s.failed(() -> run[0] = failingRun(fx, "changes"), "3 rows have a null key");
        assertThat(run[0].err()).contains("invalid primary key (region, id)").doesNotContain("share a key");

        fx.sql("INSERT INTO people VALUES ('US', 1, 'Abe again', NULL, NULL, NULL, NULL, NULL, 'bad')");
        s.failed(() -> run[0] = failingRun(fx, "changes"), "3 rows have a null key; 2 rows share a key with another row, e.g. region=US, id=1 (2 rows)");

        fx.sql("DELETE FROM people WHERE note = 'bad'");
        People.step(fx, 0);
        s.sync();
    }

    @Test
    void skippedRowsAreLeftOutAndCounted() {
        skippedRows(RunType.FULL_THEN_DELTA, SyncMode.DIFFERENCE);
    }

    /** A full_only run reads only keys and hashes; with rows to leave out it reads every value, so that its files lack them. */
    @Test
    void skippedRowsAreLeftOutOfAFullOnlyRunWrittenFromTheModel() {
        skippedRows(RunType.FULL_ONLY, SyncMode.SNAPSHOT);
    }

    private void skippedRows(RunType runType, SyncMode mode) {
        Fixture fx = new Fixture(dir);
        // The oracle leaves out what Sluice must leave out: every row whose key is null or shared.
        String valid = "SELECT * FROM people WHERE region IS NOT NULL AND id IS NOT NULL"
                + " QUALIFY count(*) OVER (PARTITION BY region, id) = 1";
        Scenario s = new Scenario(fx, "changes", runType, mode, Format.JSON_LINES, "changes",
                valid, List.of("region", "id"), People.COLUMNS, null);
        s.skipInvalid = true;
        s.jsonNumbers = java.util.Set.of("id", "score", "amount");
        People.create(fx);
        fx.sql("INSERT INTO people VALUES (NULL, 9, 'no region', NULL, NULL, NULL, NULL, NULL, 'bad'), "
                        + "('EU', NULL, 'no id', NULL, NULL, NULL, NULL, NULL, 'bad')",
                "INSERT INTO people VALUES ('EU', 100, 'x1', NULL, 1, NULL, NULL, NULL, 'x1'), ('EU', 100, 'x2', NULL, 2, NULL, NULL, NULL, 'x2'), "
                        + "('EU', 100, 'x3', NULL, 3, NULL, NULL, NULL, 'x3'), ('US', 1, 'Abe twin', NULL, NULL, NULL, NULL, NULL, 'x4')");
        fx.workspace(People.WORKSPACE + s.yaml("all_people", "out"));
        s.skipped = 2 + 3 + 2;
        JsonNode first = s.sync();
        assertThat(first.path("counts").path("read").asLong()).isEqualTo(13);
        assertThat(s.lastCli.err()).contains("(7 left out: invalid primary key)");

        // US 1 becomes valid again (its twin goes), EU 100 still has two rows.
        People.step(fx, 0);
        fx.sql("DELETE FROM people WHERE note IN ('x4', 'x3')");
        s.skipped = 2 + 2;
        JsonNode second = s.sync();
        assertThat(second.path("counts").path("added").asLong()).as("US 1 and the rows step 0 adds").isEqualTo(4);

        // EU 100 becomes valid: added.
        fx.sql("DELETE FROM people WHERE note = 'x2'");
        s.skipped = 2;
        s.sync();
        fx.sql("DELETE FROM people WHERE note = 'bad'");
        s.skipped = 0;
        People.step(fx, 2);
        s.sync();
    }

    private static List<String> named(String message, String pattern) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile(pattern).matcher(message);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }
}
