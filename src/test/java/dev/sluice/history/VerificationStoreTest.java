package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Published now" as docs/runs.md defines it, on a real history database: the latest succeeded run
 * of any activation on the destination owns a name; a retired run's names and names a later
 * retention deleted or left as changed are not published; other destinations and other outcomes
 * do not count. And the verifications table: kept apart from the runs, the latest per activation.
 */
class VerificationStoreTest {
    @TempDir
    Path dir;

    HistoryDatabase database;
    RunStore runs;
    VerificationStore store;
    int minute;

    @BeforeEach
    void open() {
        database = HistoryDatabase.open(dir);
        runs = new RunStore(database);
        store = new VerificationStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    static FileRecord file(String name, String version) {
        return new FileRecord(name, "all", 1, 10, "AAAAAA==", version);
    }

    /** A run of {@code activation} on {@code destination}, a minute after the previous one, ended with {@code status}. */
    RunRecord run(String activation, String destination, RunStatus status, RetentionReport retention, FileRecord... files) {
        Instant start = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * minute++);
        RunRecord record = RunRecord.started("r" + minute, activation, "manual", start);
        runs.insert(record);
        RunRecord ended = switch (status) {
            case SUCCEEDED -> record.succeeded(start.plusSeconds(1), Counts.ZERO, List.of(files), List.of());
            case FAILED -> record.failed(start.plusSeconds(1), Counts.ZERO, List.of(), "broken");
            case RUNNING -> record.withFiles(List.of(files), List.of());
            case DRY_RUN -> record.dryRun(start.plusSeconds(1), List.of(files));
            default -> throw new IllegalArgumentException(status.toString());
        };
        runs.save(ended.withRetention(retention));
        database.update("UPDATE runs SET destination = ? WHERE id = ?", destination, record.id());
        return ended;
    }

    @Test
    void theLatestSucceededRunOnTheDestinationOwnsEachName() {
        run("a", "out", RunStatus.SUCCEEDED, null, file("f/x.csv", "1"), file("f/shared.csv", "1"));
        RunRecord second = run("a", "out", RunStatus.SUCCEEDED, null, file("f/x.csv", "2"));
        run("b", "out", RunStatus.SUCCEEDED, null, file("f/shared.csv", "3"));
        run("a", "out", RunStatus.FAILED, null);
        run("a", "elsewhere", RunStatus.SUCCEEDED, null, file("f/other-bucket.csv", "4"));
        run("a", "out", RunStatus.DRY_RUN, null, file("f/dry.csv", null));

        Map<String, VerificationStore.Expected> a = store.publishedNow("a", "out");
        assertThat(a.keySet()).as("shared.csv is b's now; other destinations and dry runs do not count").containsExactly("f/x.csv");
        assertThat(a.get("f/x.csv").run()).isEqualTo(second.id());
        assertThat(a.get("f/x.csv").file().version()).isEqualTo("2");
        assertThat(store.publishedNow("b", "out").keySet()).containsExactly("f/shared.csv");
        assertThat(store.publishedNow("a", "elsewhere").keySet()).containsExactly("f/other-bucket.csv");
    }

    @Test
    void retiredRunsAndNamesALaterRetentionDeletedOrLeftAreNotPublished() {
        RunRecord first = run("a", "out", RunStatus.SUCCEEDED, null, file("f/1.csv", "1"), file("f/kept.csv", "1"));
        RunRecord second = run("a", "out", RunStatus.SUCCEEDED, null, file("f/2.csv", "1"), file("f/2b.csv", "1"), file("f/refused.csv", "1"));
        run("a", "out", RunStatus.SUCCEEDED, new RetentionReport(List.of("f/2.csv"), List.of(), List.of("f/2b.csv"), List.of("f/refused.csv")),
                file("f/3.csv", "1"), file("f/kept.csv", "2"));
        runs.retire(List.of(first.id()), Instant.parse("2026-01-02T00:00:00Z"));

        Map<String, VerificationStore.Expected> a = store.publishedNow("a", "out");
        assertThat(a.keySet()).as("1.csv retired, 2.csv deleted, 2b.csv left as changed; refused.csv still there")
                .containsExactly("f/3.csv", "f/kept.csv", "f/refused.csv");
        assertThat(a.get("f/kept.csv").file().version()).as("republished by the latest run").isEqualTo("2");
        assertThat(a.get("f/refused.csv").run()).isEqualTo(second.id());
    }

    @Test
    void runsOfAnyOutcomeButDryRunsRecordNames() {
        run("a", "out", RunStatus.SUCCEEDED, null, file("f/ok.csv", "1"));
        run("b", "out", RunStatus.RUNNING, null, file("f/going.csv", null));
        run("c", "out", RunStatus.DRY_RUN, null, file("f/dry.csv", null));
        run("d", "elsewhere", RunStatus.SUCCEEDED, null, file("f/elsewhere.csv", "1"));
        assertThat(store.recorded("out", List.of("f/ok.csv", "f/going.csv", "f/dry.csv", "f/elsewhere.csv", "f/never.csv")))
                .containsExactlyInAnyOrder("f/ok.csv", "f/going.csv");
    }

    @Test
    void verificationsAreKeptApartFromRunsAndTheLatestOfEachActivationIsRead() {
        Verification.Finding missing = new Verification.Finding(Verification.Finding.MISSING, "f/x.csv", "r1", "gone", file("f/x.csv", "1"), null);
        store.insert(new Verification("v1", "a", "out", "f", "manual", Instant.parse("2026-01-01T00:00:00Z"), false, 1, List.of(missing)));
        store.insert(new Verification("v2", "a", "out", "f", "schedule", Instant.parse("2026-01-01T01:00:00Z"), true, 1, List.of()));
        store.insert(new Verification("v3", "b", "out", "g", "manual", Instant.parse("2026-01-01T00:30:00Z"), false, 0, List.of(missing)));

        Map<String, Verification> latest = store.latest();
        assertThat(latest.keySet()).containsExactly("a", "b");
        assertThat(latest.get("a").id()).isEqualTo("v2");
        assertThat(latest.get("b").count(Verification.Finding.MISSING)).isEqualTo(1);
        assertThat(latest.get("b").findings().get(0).expected().version()).isEqualTo("1");
        assertThat(runs.list(null, 100)).as("not among the runs").isEmpty();
    }
}
