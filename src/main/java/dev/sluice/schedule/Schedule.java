package dev.sluice.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.sluice.config.DurationText;
import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/** When an activation runs by itself: {@code {every: 15m}} or {@code {cron: "0 6 * * *", timezone: Europe/Paris}}. */
public sealed interface Schedule permits Schedule.Every, Schedule.Cron {

    record Every(Duration interval) implements Schedule {
        @Override
        public String describe() {
            return "every " + DurationText.format(interval);
        }
    }

    record Cron(String expression, ZoneId zone) implements Schedule {
        @Override
        public String describe() {
            return "cron " + expression + " (" + zone + ")";
        }
    }

    /** One line for people: {@code every 15m}, {@code cron 0 6 * * * (Europe/Paris)}. */
    String describe();

    /** The keys of {@code schedule:}: {@code every}, or {@code cron} with its {@code timezone}. */
    List<SettingSpec> SETTINGS = List.of(
            SettingSpec.of("every", SettingSpec.Kind.DURATION).in("schedule", 1).help("an interval: 15m, 1h, 1d (at least 1m)"),
            SettingSpec.text("cron").in("schedule", 2).help("five fields: minute hour day-of-month month day-of-week"),
            SettingSpec.text("timezone").withDefault("UTC").in("schedule", 3).help("the IANA zone of cron (not of every)"));

    /** The shortest interval accepted by {@code every}. */
    Duration MIN_INTERVAL = Duration.ofMinutes(1);

    /** Parses a schedule; null when absent (manual runs only) or invalid (problems recorded). */
    static Schedule parse(Node node) {
        if (node.isUnset("none: manual runs only") || !node.expectObject()) {
            return null;
        }
        node.allowKeys(SettingSpec.keys(SETTINGS));
        boolean every = !node.get("every").isUnset(null);
        boolean cron = !node.get("cron").isUnset(null);
        if (every == cron) {
            node.problem(every ? "give either every or cron, not both" : "needs every (e.g. {every: 15m}) or cron (e.g. {cron: \"0 6 * * *\"})");
            return null;
        }
        if (every) {
            if (node.has("timezone")) {
                node.problem("timezone", "applies only to cron schedules");
            }
            Duration interval = node.parse("every", DurationText::parse).orElse(null);
            if (interval != null && interval.compareTo(MIN_INTERVAL) < 0) {
                node.problem("every", "must be at least 1m, got '" + node.text("every", "") + "'");
                return null;
            }
            return interval == null ? null : new Every(interval);
        }
        ZoneId zone = node.parse("timezone", Schedule::zone, "UTC").orElse(ZoneOffset.UTC);
        String expression = node.parse("cron", Schedule::checkCron).orElse(null);
        return expression == null ? null : new Cron(expression, zone);
    }

    /** An IANA time zone such as Europe/Paris; IllegalArgumentException otherwise. */
    static ZoneId zone(String text) {
        try {
            return ZoneId.of(text);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a known IANA time zone (e.g. UTC, Europe/Paris, America/New_York)");
        }
    }

    private static String checkCron(String expression) {
        String trimmed = expression.trim();
        if (trimmed.split("\\s+").length != 5) {
            throw new IllegalArgumentException("must have five fields (minute hour day-of-month month day-of-week), got '" + expression + "'");
        }
        com.cronutils.model.Cron cron;
        try {
            cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX)).parse(trimmed).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid cron expression: " + e.getMessage());
        }
        // A valid expression may still name a date that never comes (31 February): check that it
        // fires within a leap-year cycle.
        ZonedDateTime from = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        Optional<ZonedDateTime> next;
        try {
            next = ExecutionTime.forCron(cron).nextExecution(from);
        } catch (RuntimeException e) {
            next = Optional.empty();
        }
        if (next.isEmpty() || next.get().isAfter(from.plusYears(8))) {
            throw new IllegalArgumentException("'" + expression + "' never fires (no such date, e.g. 31 February): "
                    + "check the day-of-month and month fields");
        }
        return trimmed;
    }
}
