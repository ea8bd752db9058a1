package dev.sluice.server;

import dev.sluice.history.NotificationLog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import dev.sluice.run.RunJson;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code /api/runs}: the run history, filtered and paged, and one run with its files and counts. */
final class RunApi {
    static final int MAX_LIMIT = 500;
    private static final List<String> TRIGGERS = List.of(RunDispatcher.MANUAL, RunDispatcher.SCHEDULE);

    private final Workspaces workspaces;
    private final RunDispatcher dispatcher;
    private final LiveRuns live;

    RunApi(Workspaces workspaces, RunDispatcher dispatcher, LiveRuns live) {
        this.workspaces = workspaces;
        this.dispatcher = dispatcher;
        this.live = live;
    }

    void list(Context ctx) {
        String activation = ctx.queryParam("activation");
        if (activation != null && ActivationFiles.checkName(activation) != null) {
            throw ApiError.badRequest("activation", ActivationFiles.checkName(activation));
        }
        RunStatus status = status(ctx.queryParam("status"));
        String trigger = ctx.queryParam("trigger");
        if (trigger != null && !TRIGGERS.contains(trigger)) {
            throw ApiError.badRequest("trigger", "must be one of " + String.join(", ", TRIGGERS) + ", got '" + trigger + "'");
        }
        Instant since = instant(ctx, "since", false);
        Instant until = instant(ctx, "until", true);
        if (since != null && until != null && !until.isAfter(since)) {
            throw ApiError.badRequest("until", "must be later than since (" + ctx.queryParam("since") + "), got '"
                    + ctx.queryParam("until") + "'");
        }
        int limit = (int) number(ctx, "limit", 50, 1, MAX_LIMIT);
        long offset = number(ctx, "offset", 0, 0, Long.MAX_VALUE);
        RunStore.Page page;
        com.fasterxml.jackson.databind.node.ArrayNode runs;
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            page = store.page(new RunStore.Filter(activation, status, trigger, since, until), limit, offset);
            runs = RunJson.of(page.runs(), store);
        }
        runs.forEach(run -> live.shown(shown((ObjectNode) run, dispatcher)));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("runs", runs);
        body.put("total", page.total());
        body.put("limit", limit);
        body.put("offset", offset);
        Json.send(ctx, body);
    }

    void get(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<ObjectNode> record;
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            // A run going has its phase and counts so far ({@code progress}) from its events.
            record = store.get(id).map(r -> live.shown(shown(RunJson.of(r, new NotificationLog(store.database()).notifications(r.id())), dispatcher)));
        }
        if (record.isPresent()) {
            Json.send(ctx, record.get());
            return;
        }
        Optional<RunDispatcher.Active> waiting = dispatcher.activeRunById(id);
        if (waiting.isPresent()) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("id", id);
            body.put("activation", waiting.get().activation());
            body.put("trigger", waiting.get().trigger());
            body.put("status", "queued");
            Json.send(ctx, body);
            return;
        }
        throw ApiError.notFound("no run with id '" + id + "'");
    }

    /**
     * {@code run} as clients see it: a run whose record is final but which the dispatcher still
     * holds (its thread is letting go of the activation) is shown as running, so that whoever sees a
     * run ended can start the next one of its activation at once. The record is read before the
     * dispatcher is asked, so a run is never shown ended too early.
     */
    static ObjectNode shown(ObjectNode run, RunDispatcher dispatcher) {
        if (!run.path("status").asText().equals(RunStatus.RUNNING.json()) && dispatcher.holds(run.path("id").asText())) {
            run.put("status", RunStatus.RUNNING.json());
            run.putNull("endedAt");
        }
        return run;
    }

    private static RunStatus status(String text) {
        if (text == null) {
            return null;
        }
        for (RunStatus status : RunStatus.values()) {
            if (status.json().equals(text)) {
                return status;
            }
        }
        throw ApiError.badRequest("status", "must be one of "
                + String.join(", ", Arrays.stream(RunStatus.values()).map(RunStatus::json).toList()) + ", got '" + text + "'");
    }

    /**
     * A time parameter: an ISO instant ({@code 2025-04-14T06:00:00Z}, or with an offset) or a date ({@code 2025-04-14}, a day in UTC).
     * {@code since} a date: from its start; {@code until} a date: through its end (runs started before the next day).
     */
    private static Instant instant(Context ctx, String name, boolean endOfDay) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.trim();
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notOffset) {
                // a date, then
            }
            try {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw ApiError.badRequest(name, "must be a time such as 2025-04-14T06:00:00Z or a date such as 2025-04-14 (UTC), got '"
                        + text + "'");
            }
        }
    }

    private static long number(Context ctx, String name, long defaultValue, long min, long max) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name, "must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw ApiError.badRequest(name, String.format(Locale.ROOT, "must be between %d and %d, got %d", min, max, value));
        }
        return value;
    }
}
