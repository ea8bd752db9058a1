package dev.sluice.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a schedule is next due after an instant. Intervals count real time. Cron expressions are
 * matched against the wall clock of their time zone, as cron does across daylight-saving changes:
 * a wall-clock time that happens twice (clocks go back) runs once, at its first occurrence; a
 * wall-clock time that does not exist (clocks go forward) runs once, at the moment of the jump.
 */
public final class NextRun {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, ExecutionTime> PARSED = new ConcurrentHashMap<>();

    private NextRun() {}

    /** The first instant strictly after {@code after} at which {@code schedule} is due. */
    public static Instant after(Schedule schedule, Instant after) {
        if (schedule instanceof Schedule.Every every) {
            return after.plus(every.interval());
        }
        Schedule.Cron cron = (Schedule.Cron) schedule;
        ExecutionTime execution = PARSED.computeIfAbsent(cron.expression(), e -> ExecutionTime.forCron(PARSER.parse(e)));
        ZoneId zone = cron.zone();
        // The expression is evaluated on local date-times (as if UTC, which has no transitions), then placed in the zone.
        LocalDateTime local = after.atZone(zone).toLocalDateTime();
        for (int i = 0; i < 10_000; i++) {
            LocalDateTime next = execution.nextExecution(local.atZone(ZoneOffset.UTC))
                    .orElseThrow(() -> new IllegalStateException("cron '" + cron.expression() + "' has no next time"))
                    .toLocalDateTime();
            Instant instant = place(next, zone);
            if (instant.isAfter(after)) {
                return instant;
            }
            local = next;
        }
        throw new IllegalStateException("cron '" + cron.expression() + "' has no next time after " + after);
    }

    /** A wall-clock time in a zone: its first occurrence, or the end of the gap it falls in. */
    static Instant place(LocalDateTime local, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            return gap.getInstant();
        }
        Instant first = local.toInstant(offsets.get(0));
        for (ZoneOffset offset : offsets) {
            Instant candidate = local.toInstant(offset);
            if (candidate.isBefore(first)) {
                first = candidate;
            }
        }
        return first;
    }
}
