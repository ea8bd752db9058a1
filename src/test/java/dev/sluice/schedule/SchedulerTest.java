package dev.sluice.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.server.RunDispatcher;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    /** What the scheduler fired: activation and due time, in order. */
    private final List<String> fired = new ArrayList<>();
    private final Map<String, Instant> lastScheduled = new HashMap<>();

    private Scheduler scheduler(ManualClock clock) {
        return new Scheduler(clock, (activation, due) -> fired.add(activation + "@" + due),
                activation -> Optional.ofNullable(lastScheduled.get(activation)));
    }

    private static Schedule every(Duration d) {
        return new Schedule.Every(d);
    }

    private static Schedule cron(String expression, ZoneId zone) {
        return new Schedule.Cron(expression, zone);
    }

    @Test
    void anIntervalRunsAtStartThenEveryIntervalAndNotBeforeIt() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-10T10:00:00Z"));
        Scheduler s = scheduler(clock);
        s.update(Map.of("orders", every(Duration.ofMinutes(15))));

        assertThat(s.tick()).containsExactly("orders");
        assertThat(s.next("orders")).contains(Instant.parse("2026-01-10T10:15:00Z"));
        clock.advance(Duration.ofMinutes(14).plusSeconds(59));
        assertThat(s.tick()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(s.tick()).containsExactly("orders");
        clock.advance(Duration.ofMinutes(15));
        assertThat(s.tick()).containsExactly("orders");
        assertThat(fired).containsExactly("orders@2026-01-10T10:00:00Z", "orders@2026-01-10T10:15:00Z",
                "orders@2026-01-10T10:30:00Z");
    }

    @Test
    void aCronScheduleRunsAtItsWallClockTimeInItsZone() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-10T10:00:00Z"));
        Scheduler s = scheduler(clock);
        s.update(Map.of("daily", cron("0 6 * * *", PARIS)));

        assertThat(s.tick()).isEmpty();
        // 06:00 in Paris in winter is 05:00 UTC.
        assertThat(s.next("daily")).contains(Instant.parse("2026-01-11T05:00:00Z"));
        clock.set(Instant.parse("2026-01-11T05:00:00Z"));
        assertThat(s.tick()).containsExactly("daily");
        assertThat(s.next("daily")).contains(Instant.parse("2026-01-12T05:00:00Z"));
    }

    @Test
    void aDailyCronKeepsItsWallClockTimeAcrossBothDaylightSavingChanges() {
        Schedule daily = cron("0 6 * * *", PARIS);
        // Clocks go forward on 2026-03-29 and back on 2026-10-25 in Paris.
        assertThat(NextRun.after(daily, Instant.parse("2026-03-28T05:00:00Z"))).isEqualTo(Instant.parse("2026-03-29T04:00:00Z"));
        assertThat(NextRun.after(daily, Instant.parse("2026-10-24T04:00:00Z"))).isEqualTo(Instant.parse("2026-10-25T05:00:00Z"));
    }

    @Test
    void aTimeSkippedWhenClocksGoForwardRunsOnceAtTheJump() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-28T12:00:00Z"));
        Scheduler s = scheduler(clock);
        s.update(Map.of("night", cron("30 2 * * *", PARIS)));
        // 02:30 does not exist in Paris on 2026-03-29: clocks jump from 02:00 to 03:00 (01:00 UTC).
        assertThat(s.next("night")).contains(Instant.parse("2026-03-29T01:00:00Z"));
        clock.set(Instant.parse("2026-03-29T01:00:00Z"));
        assertThat(s.tick()).containsExactly("night");
        assertThat(s.next("night")).contains(Instant.parse("2026-03-30T00:30:00Z"));
    }

    @Test
    void aTimeRepeatedWhenClocksGoBackRunsOnce() {
        ManualClock clock = new ManualClock(Instant.parse("2026-10-24T12:00:00Z"));
        Scheduler s = scheduler(clock);
        s.update(Map.of("night", cron("30 2 * * *", PARIS)));
        // 02:30 happens twice in Paris on 2026-10-25: at 00:30 UTC (summer time) and 01:30 UTC (winter time).
        assertThat(s.next("night")).contains(Instant.parse("2026-10-25T00:30:00Z"));
        for (Instant t = Instant.parse("2026-10-25T00:00:00Z"); t.isBefore(Instant.parse("2026-10-26T00:00:00Z"));
                t = t.plus(Duration.ofMinutes(5))) {
            clock.set(t);
            s.tick();
        }
        assertThat(fired).containsExactly("night@2026-10-25T00:30:00Z");
        assertThat(s.next("night")).contains(Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void anHourlyCronAcrossTheSpringChangeRunsOncePerWallClockHour() {
        Schedule hourly = cron("0 * * * *", PARIS);
        List<Instant> times = new ArrayList<>();
        Instant t = Instant.parse("2026-03-28T22:30:00Z");
        for (int i = 0; i < 4; i++) {
            t = NextRun.after(hourly, t);
            times.add(t);
        }
        // Local 00:00, 01:00, then 02:00 does not exist: one run at the jump (03:00 local), then 04:00.
        assertThat(times).containsExactly(Instant.parse("2026-03-28T23:00:00Z"), Instant.parse("2026-03-29T00:00:00Z"),
                Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-29T02:00:00Z"));
    }

    @Test
    void afterDowntimeAMissedScheduleRunsOnceAtStartUpNotOncePerMissedSlot() {
        // The last scheduled run was three days and a bit ago; the server was down since.
        lastScheduled.put("daily", Instant.parse("2026-01-07T05:00:02Z"));
        lastScheduled.put("often", Instant.parse("2026-01-07T05:00:02Z"));
        ManualClock clock = new ManualClock(Instant.parse("2026-01-10T10:00:00Z"));
        Scheduler s = scheduler(clock);
        s.update(Map.of("daily", cron("0 6 * * *", PARIS), "often", every(Duration.ofMinutes(15))));

        assertThat(s.tick()).containsExactlyInAnyOrder("daily", "often");
        assertThat(s.tick()).isEmpty();
        assertThat(s.next("daily")).contains(Instant.parse("2026-01-11T05:00:00Z"));
        assertThat(s.next("often")).contains(Instant.parse("2026-01-10T10:15:00Z"));
        assertThat(fired).hasSize(2);
    }

    @Test
    void withoutDowntimeNothingRunsAtStartUp() {
        lastScheduled.put("daily", Instant.parse("2026-01-10T05:00:01Z"));
        lastScheduled.put("often", Instant.parse("2026-01-10T09:50:00Z"));
        ManualClock clock = new ManualClock(Instant.parse("2026-01-10T10:00:00Z"));
        Scheduler s = scheduler(clock);
        s.update(Map.of("daily", cron("0 6 * * *", PARIS), "often", every(Duration.ofMinutes(15))));

        assertThat(s.tick()).isEmpty();
        assertThat(s.next("often")).contains(Instant.parse("2026-01-10T10:05:00Z"));
    }

    @Test
    void aChangedScheduleIsTakenUpAndARemovedOneForgotten() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-10T10:00:00Z"));
        Scheduler s = scheduler(clock);
        s.update(Map.of("a", cron("0 6 * * *", ZoneOffset.UTC), "b", cron("0 7 * * *", ZoneOffset.UTC)));
        s.update(Map.of("a", cron("0 12 * * *", ZoneOffset.UTC)));
        assertThat(s.next("a")).contains(Instant.parse("2026-01-10T12:00:00Z"));
        assertThat(s.next("b")).isEmpty();
    }

    @Test
    void aDueRunThatFindsThePreviousOneGoingIsRecordedAsSkipped() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-10T10:00:00Z"));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        List<RunRecord> recorded = new CopyOnWriteArrayList<>();
        RunDispatcher.Execution slowRun = (activation, id, trigger, acceptHeld, fullResync, whenFree) -> {
            ran.add(activation + " " + trigger);
            started.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        RunDispatcher.Recorder recorder = new RunDispatcher.Recorder() {
            @Override
            public void record(RunRecord record) {
                recorded.add(record);
            }

            @Override
            public boolean exists(String runId) {
                return recorded.stream().anyMatch(r -> r.id().equals(runId));
            }
        };
        try (RunDispatcher dispatcher = new RunDispatcher(slowRun, recorder, activation -> false, clock, 2, line -> {})) {
            Scheduler s = new Scheduler(clock, dispatcher::scheduled, activation -> Optional.empty());
            s.update(Map.of("orders", every(Duration.ofMinutes(15))));
            s.tick();
            assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
            String first = dispatcher.activeRun("orders").orElseThrow().id();

            clock.advance(Duration.ofMinutes(15));
            assertThat(s.tick()).containsExactly("orders");
            assertThat(recorded).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RunStatus.SKIPPED);
                assertThat(r.trigger()).isEqualTo("schedule");
                assertThat(r.activation()).isEqualTo("orders");
                assertThat(r.error()).contains("found run " + first + " still going");
            });
            assertThat(dispatcher.activeRun("orders")).map(RunDispatcher.Active::id).contains(first);
            // A user's run now is refused too.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dispatcher.start("orders"))
                    .isInstanceOf(RunDispatcher.Busy.class).hasMessageContaining("orders is already running");

            release.countDown();
            assertThat(dispatcher.shutdown(Duration.ofSeconds(60))).isTrue();
            assertThat(ran).containsExactly("orders schedule");
        }
    }
}
