package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.destination.ForwardingDestination;
import dev.sluice.run.Progress;
import dev.sluice.run.RunEvent;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.run.Runner;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress of {@code sluice run}, from the run's events: the bar on a terminal, log lines elsewhere (issues 16, 24, 25). */
class RunProgressTest {
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    @TempDir
    Path dir;

    private Workspace workspace(String sql) throws Exception {
        Files.writeString(dir.resolve("sluice.yaml"), """
                models:
                  people:
                    sql: %s
                    primary_key: id
                destinations:
                  out: {type: local, path: out}
                activations:
                  people_daily: {model: people, destination: out, format: csv, manifest: true}
                """.formatted(sql));
        return WorkspaceLoader.withSystemEnv().load(dir.resolve("sluice.yaml"));
    }

    @Test
    void theRealRunnerTellsItsPhasesRowsFilesAndBytesAsEvents() throws Exception {
        Workspace workspace = workspace("SELECT range AS id, 'name ' || range AS name FROM range(1500)");
        List<RunEvent> events = new ArrayList<>();
        RunRecord record = new Runner(workspace, dir.resolve(".sluice"), Clock.systemUTC(), line -> { }, null).listening(events::add)
                .run(new Runner.Request("people_daily", false, false, "manual"));

        assertThat(events).extracting(e -> e.getClass().getSimpleName()).startsWith("PhaseStarted").containsSubsequence(
                "Started", "RowsRead", "ChangesFound", "FileWritten", "FileWritten", "Publishing", "FileUploaded", "FileUploaded",
                "Finished").last().isEqualTo("Finished");
        assertThat(events).filteredOn(e -> e instanceof RunEvent.PhaseStarted).extracting(e -> ((RunEvent.PhaseStarted) e).phase())
                .containsExactly("recover", "engine", "read", "detect", "write", "stage", "commit", "publish");
        // Every event after the start carries the run's id; times come from the run's clock, in order, within the record's.
        List<RunEvent> started = events.subList(events.indexOf(events.stream().filter(e -> e instanceof RunEvent.Started).findFirst()
                .orElseThrow()), events.size());
        assertThat(started).extracting(RunEvent::run).containsOnly(record.id());
        assertThat(started.get(0).at()).isEqualTo(record.startedAt());
        assertThat(started.get(started.size() - 1)).isEqualTo(new RunEvent.Finished(record.id(), record.endedAt(), RunStatus.SUCCEEDED));
        for (int i = 1; i < started.size(); i++) {
            assertThat(started.get(i).at()).isAfterOrEqualTo(started.get(i - 1).at());
        }

        Progress progress = Progress.NONE;
        for (RunEvent event : events) {
            progress = progress.after(event);
        }
        long bytes = record.files().stream().mapToLong(f -> f.bytes()).sum();
        assertThat(bytes).isPositive();
        assertThat(progress).isEqualTo(new Progress(record.id(), "people_daily", record.startedAt(), "succeeded", 1500, 1500, 2, 2,
                bytes, 2, bytes, record.endedAt()));
        assertThat(RunProgress.figures(progress)).isEqualTo("succeeded · 2 of 2 files · " + RunProgress.bytes(bytes) + " of "
                + RunProgress.bytes(bytes));
    }

    /**
     * Issue 24: the log said "10.7s publishing" while the summary said "succeeded in 8.0 s". A run
     * whose recovery takes a while (the destination is slow to tell its rules): every log line's
     * elapsed time counts from the run's start, as the summary does; the last line, the run's end,
     * says the summary's time.
     */
    @Test
    void theLogAndTheSummaryCountFromTheRunsStartOnOneClock() throws Exception {
        Workspace workspace = workspace("SELECT range AS id FROM range(10)");
        StringWriter plain = new StringWriter();
        Clock clock = Clock.systemUTC();
        RunRecord record;
        try (RunProgress progress = new RunProgress("people_daily", new PrintWriter(plain, true), false, clock)) {
            record = new Runner(workspace, dir.resolve(".sluice"), clock, line -> { }, null,
                    config -> new ForwardingDestination(config.open()) {
                        @Override
                        public Lock lock() {
                            sleep(Duration.ofSeconds(3)); // recovery: before the run's start
                            return super.lock();
                        }
                    }).listening(progress).run(new Runner.Request("people_daily", false, false, "manual"));
        }
        String summary = RunProgress.seconds(Duration.between(record.startedAt(), record.endedAt()));
        Matcher line = Pattern.compile("\\[people_daily +(\\d+\\.\\d)s\\] (.*)").matcher(plain.toString());
        List<String> timed = new ArrayList<>();
        while (line.find()) {
            timed.add(line.group(1) + " " + line.group(2));
            assertThat(Double.parseDouble(line.group(1))).as(line.group()).isLessThanOrEqualTo(Double.parseDouble(summary));
        }
        assertThat(timed).hasSizeGreaterThan(3).last().isEqualTo(summary + " run " + record.id() + " succeeded");
    }

    @Test
    void offATerminalEachLogLineSaysTheSecondsSinceTheRunsStartAndLinesBeforeItSayRecover() {
        StringWriter plain = new StringWriter();
        try (RunProgress progress = new RunProgress("vip", new PrintWriter(plain, true), false, Clock.fixed(T0, java.time.ZoneOffset.UTC))) {
            progress.on(new RunEvent.Message(null, T0, "removed 2 staged objects left by run r0", false));
            progress.on(new RunEvent.Started("r1", T0.plusMillis(400), "vip", "manual"));
            progress.on(new RunEvent.Message("r1", T0.plusMillis(1400), "read 1,000 rows", true));
            progress.on(new RunEvent.RowsRead("r1", T0.plusMillis(1400), 1000, 0));
            progress.on(new RunEvent.Finished("r1", T0.plusMillis(12_449), RunStatus.HELD));
        }
        assertThat(plain.toString()).isEqualTo("""
                [vip recover] removed 2 staged objects left by run r0
                [vip   1.0s] read 1,000 rows
                [vip  12.0s] run r1 held
                """);
        assertThat(RunProgress.seconds(Duration.ofMillis(8049))).isEqualTo("8.0");
    }

    @Test
    void onATerminalTheLibrarysBarShowsPhaseAndCountsInPlaceWithLogLinesAboveAndIsClearedAtTheEnd() {
        StringWriter out = new StringWriter();
        Instant start = Instant.now();
        try (RunProgress progress = new RunProgress("vip", new PrintWriter(out, true), true, Clock.systemUTC())) {
            progress.on(new RunEvent.Started("r1", start, "vip", "manual"));
            progress.on(new RunEvent.PhaseStarted("r1", start, "read"));
            progress.on(new RunEvent.RowsRead("r1", start, 1000, 0));
            progress.on(new RunEvent.Message("r1", start, "read 1,000 rows", true));
            progress.on(new RunEvent.Message("r1", start, "this is a full run: first run: no previous successful run", false));
            progress.on(new RunEvent.PhaseStarted("r1", start, "write"));
            progress.on(new RunEvent.FileWritten("r1", start, "vip.csv", "all", 1000, 2048));
            progress.on(new RunEvent.Publishing("r1", start, 1, 1000, 2048, "out"));
            progress.on(new RunEvent.PhaseStarted("r1", start, "stage"));
            progress.on(new RunEvent.FileUploaded("r1", start, "vip.csv", 1024));
            progress.on(new RunEvent.Finished("r1", start, RunStatus.SUCCEEDED));
        }
        String shown = out.toString();
        // Each draw starts with a carriage return and keeps one width; the full run's reason is a line of its own.
        assertThat(shown).contains("\rvip ", "] reading · read 1,000 (0:00:00)", "] writing · read 1,000 · written 1,000 (0:00:00)",
                " 50% [", "] uploading · 1 of 1 file · 1.0 kB of 2.0 kB (0:00:00)");
        assertThat(shown).contains("this is a full run: first run: no previous successful run\n").doesNotContain("read 1,000 rows");
        for (String draw : shown.split("\r")) {
            assertThat(draw.isEmpty() || draw.endsWith("\n") || draw.length() == 79).as(draw).isTrue();
        }
        assertThat(shown).endsWith("\r" + " ".repeat(79) + "\r");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
