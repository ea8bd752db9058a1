package dev.sluice.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides when scheduled activations are due. Call {@link #update} with the workspace's schedules
 * whenever it may have changed and {@link #tick} regularly; each due activation is handed to the
 * {@link Trigger} once per due time.
 *
 * <p>The first due time of an activation comes from its history: the slot after the start of its
 * last scheduled run. After downtime that slot is in the past, so the activation runs once at
 * start-up, however many slots were missed, and then follows its schedule from now. An activation
 * never run by the scheduler runs at once with {@code every}, and at its next cron time with
 * {@code cron}.
 */
public final class Scheduler {

    /** Starts (or skips) a run; must not block. */
    @FunctionalInterface
    public interface Trigger {
        void fire(String activation, Instant due);
    }

    /** When the last run the scheduler started (or skipped) of an activation began. */
    @FunctionalInterface
    public interface History {
        Optional<Instant> lastScheduled(String activation);
    }

    private record Entry(Schedule schedule, Instant due) {}

    private final Clock clock;
    private final Trigger trigger;
    private final History history;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public Scheduler(Clock clock, Trigger trigger, History history) {
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.trigger = Objects.requireNonNull(trigger, "trigger is null");
        this.history = Objects.requireNonNull(history, "history is null");
    }

    /**
     * Takes the current schedules (activations without one left out). New and changed schedules get
     * their first due time; unchanged ones keep theirs; removed ones are forgotten.
     */
    public synchronized void update(Map<String, Schedule> schedules) {
        entries.keySet().retainAll(schedules.keySet());
        Instant now = clock.instant();
        for (Map.Entry<String, Schedule> e : schedules.entrySet()) {
            Entry known = entries.get(e.getKey());
            if (known == null || !known.schedule().equals(e.getValue())) {
                entries.put(e.getKey(), new Entry(e.getValue(), firstDue(e.getKey(), e.getValue(), now)));
            }
        }
    }

    private Instant firstDue(String activation, Schedule schedule, Instant now) {
        Optional<Instant> last = history.lastScheduled(activation);
        if (last.isPresent()) {
            return NextRun.after(schedule, last.get());
        }
        return schedule instanceof Schedule.Every ? now : NextRun.after(schedule, now);
    }

    /** Fires every activation whose due time has come, once, and moves it to its next time after now. */
    public List<String> tick() {
        List<Map.Entry<String, Instant>> due = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry entry = e.getValue();
                if (!entry.due().isAfter(now)) {
                    due.add(Map.entry(e.getKey(), entry.due()));
                    e.setValue(new Entry(entry.schedule(), NextRun.after(entry.schedule(), now)));
                }
            }
        }
        List<String> fired = new ArrayList<>();
        for (Map.Entry<String, Instant> e : due) {
            trigger.fire(e.getKey(), e.getValue());
            fired.add(e.getKey());
        }
        return fired;
    }

    /** When an activation is next due; empty when it has no schedule. */
    public synchronized Optional<Instant> next(String activation) {
        Entry entry = entries.get(activation);
        return entry == null ? Optional.empty() : Optional.of(entry.due());
    }
}
