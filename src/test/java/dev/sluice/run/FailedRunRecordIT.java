package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fails while it compares with the last snapshot (after reading the model and planning)
 * keeps in its record what it got as far as: its kind and the rows it read, not 0 and no kind
 * (the web UI's failed-run page shows them, issue 26 item 6).
 */
class FailedRunRecordIT {
    @TempDir
    Path dir;

    @Test
    void aRunFailingWhileItComparesRecordsItsKindAndTheRowsItRead() throws Exception {
        Fixture fx = new Fixture(dir);
        People.create(fx);
        fx.workspace(People.WORKSPACE + """
                  daily:
                    model: all_people
                    destination: out
                    file_name: "people_{run}"
                    sync_mode: upsert
                """);
        JsonNode first = fx.run("daily").json();
        long rows = first.path("counts").path("read").asLong();
        assertThat(rows).isPositive();

        // The snapshot the next run compares with is damaged: a database of the same name whose table
        // has lost its columns, so it opens (the run reads and plans) and the comparison fails.
        Path folder = fx.state.resolve("activations").resolve("daily");
        Path snapshot = folder.resolve(Fixture.JSON.readTree(Files.readString(folder.resolve("current.json"))).path("snapshot").asText());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + snapshot);
                java.sql.Statement s = c.createStatement()) {
            s.execute("DROP TABLE snapshot");
            s.execute("CREATE TABLE snapshot (unrelated INTEGER)");
        }

        Fixture.Cli second = fx.cli("run", "daily", "--json");
        assertThat(second.exitCode()).as(second.err()).isEqualTo(1);
        JsonNode failed = fx.runs("daily").get(0);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("kind").asText()).as(failed.toString()).isEqualTo("delta");
        assertThat(failed.path("counts").path("read").asLong()).as(failed.toString()).isEqualTo(rows);
        assertThat(failed.path("phases").toString()).contains("detect");
    }

    /** A dry run says what the run would refuse: replacing a delta activation's earlier file, as the run itself does. */
    @Test
    void aDryRunRefusesWhatTheRunWouldRefuse() throws Exception {
        Fixture fx = new Fixture(dir);
        People.create(fx);
        fx.workspace(People.WORKSPACE + """
                  daily:
                    model: all_people
                    destination: out
                    file_name: people
                    sync_mode: upsert
                """);
        fx.run("daily");
        fx.sql("UPDATE people SET score = score + 1");
        int recorded = fx.runs("daily").size();
        Fixture.Cli dry = fx.cli("run", "daily", "--dry-run");
        Fixture.Cli real = fx.cli("run", "daily");
        assertThat(real.err()).contains("activations.daily.file_name: this run would replace people.csv");
        assertThat(dry.exitCode()).as(dry.err()).isNotZero();
        assertThat(dry.err()).contains("activations.daily.file_name: this run would replace people.csv", "overwrite: true")
                .doesNotContain("\tat ");
        assertThat(fx.runs("daily")).as("the dry run recorded nothing").hasSize(recorded + 1);
    }
}
