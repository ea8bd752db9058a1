package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes start the same activation at once: exactly one runs, the other exits 1 saying the
 * activation is busy. The model reads a named pipe, so the run that wins the lock blocks while
 * reading its source until the test writes the rows: the overlap does not depend on timing.
 */
class ConcurrentRunIT {
    private static final String BUSY = new RunLock.Busy("fed").getMessage();

    @TempDir
    Path dir;

    @Test
    void twoProcessesStartingTogetherRunOnceAndTheOtherSaysItIsBusy() throws Exception {
        Fixture fx = new Fixture(dir);
        Path fifo = dir.resolve("feed.csv");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo").isZero();
        fx.workspace("""
                models:
                  feed:
                    sql: "SELECT * FROM read_csv('feed.csv', columns = {'id': 'INTEGER', 'v': 'VARCHAR'}, header = false, auto_detect = false)"
                    primary_key: [id]
                destinations:
                  out: {type: local, path: out}
                activations:
                  fed:
                    model: feed
                    destination: out
                    file_name: "fed_{run}"
                    format: csv
                    run_type: full_then_delta
                    sync_mode: upsert
                """);

        JsonNode first = race(fx, fifo, "1,a\n2,b\n3,c\n");
        assertThat(first.path("kind").asText()).isEqualTo("full");
        assertThat(first.path("counts").path("read").asLong()).isEqualTo(3);
        // The lock is free again once the winner is done: a second race behaves the same.
        JsonNode second = race(fx, fifo, "1,a\n2,B\n4,d\n");
        assertThat(second.path("kind").asText()).isEqualTo("delta");
        JsonNode counts = second.path("counts");
        assertThat(List.of(counts.path("added").asLong(), counts.path("updated").asLong(), counts.path("removed").asLong()))
                .containsExactly(1L, 1L, 1L);
        assertThat(Files.readAllLines(fx.out.resolve("fed_" + second.path("id").asText() + ".csv")))
                .containsExactlyInAnyOrder("id,v", "2,B", "4,d");

        // Only the winners were recorded.
        assertThat(fx.runs("fed")).extracting(r -> r.path("id").asText())
                .containsExactly(second.path("id").asText(), first.path("id").asText());
        assertThat(fx.runs("fed")).allSatisfy(r -> assertThat(r.path("status").asText()).isEqualTo("succeeded"));
    }

    /** Starts two runs at once; checks that one says busy while the other holds the lock; feeds the winner. */
    private static JsonNode race(Fixture fx, Path fifo, String rows) throws InterruptedException, ExecutionException, IOException {
        ChildRun a = new ChildRun(fx, "run", "fed", "--json");
        ChildRun b = new ChildRun(fx, "run", "fed", "--json");
        try {
            CompletableFuture.anyOf(a.process.onExit(), b.process.onExit()).get();
            ChildRun loser = a.process.isAlive() ? b : a;
            ChildRun winner = loser == a ? b : a;
            assertThat(loser.waitFor()).as("exit code of the run that lost; its log:%n%s", loser.err()).isEqualTo(1);
            assertThat(loser.err()).contains(BUSY);
            assertThat(loser.out()).isEmpty();
            winner.await("reading feed");
            assertThat(winner.process.isAlive()).isTrue();

            // While it runs: the history shows it, and neither another run nor a reset gets in.
            List<JsonNode> runs = fx.runs("fed");
            assertThat(runs.get(0).path("status").asText()).isEqualTo("running");
            Fixture.Cli third = fx.cli("run", "fed");
            assertThat(third.exitCode()).isEqualTo(1);
            assertThat(third.err()).contains(BUSY);
            Fixture.Cli reset = fx.cli("reset", "fed");
            assertThat(reset.exitCode()).isEqualTo(1);
            assertThat(reset.err()).contains(BUSY);
            assertThat(fx.runs("fed")).hasSize(runs.size());

            ChildRun.writeFifo(fifo, rows);
            assertThat(winner.waitFor()).as("exit code of the run that won; its log:%n%s", winner.err()).isZero();
            JsonNode record = Fixture.JSON.readTree(winner.out());
            assertThat(record.path("status").asText()).isEqualTo("succeeded");
            return record;
        } finally {
            a.process.destroyForcibly();
            b.process.destroyForcibly();
        }
    }
}
