package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.history.RunStore;
import dev.sluice.schedule.Scheduler;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code GET /api/overview}: every activation with its health, read from the run history: the last
 * run, the last success, the failures in a row, the held runs not yet published, the run going, the
 * next scheduled time and the statuses of its recent runs. Failing activations come first.
 */
final class OverviewApi {
    /** How many of an activation's latest runs the overview lists (its strip of statuses). */
    static final int RECENT = 20;

    /** An activation's health, in the order the overview lists them. */
    enum Health {
        /** Its latest run that ended (skipped runs aside) failed. */
        FAILING,
        /** Its latest run that ended was held by a guard: changes wait to be accepted. */
        HELD,
        /** No run of it has ended yet (succeeded, failed or held). */
        NEVER_RUN,
        /** Its latest run that ended succeeded. */
        HEALTHY,
        /** The scheduler does not start it. */
        PAUSED;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Workspaces workspaces;
    private final RunDispatcher dispatcher;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Predicate<Activation> paused;

    OverviewApi(Workspaces workspaces, RunDispatcher dispatcher, Scheduler scheduler, Clock clock, Predicate<Activation> paused) {
        this.workspaces = workspaces;
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.paused = paused;
    }

    void overview(Context ctx) {
        Workspace workspace = workspaces.load();
        Instant now = clock.instant();
        List<Entry> entries = new ArrayList<>();
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            for (Activation activation : workspace.activations().values()) {
                entries.add(entry(activation, store, now));
            }
        }
        entries.sort(Comparator.comparing(Entry::health).thenComparing(Comparator.comparingLong(Entry::failures).reversed())
                .thenComparing(Entry::name));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("time", now.toString());
        ObjectNode totals = body.putObject("health");
        for (Health health : Health.values()) {
            totals.put(health.json(), entries.stream().filter(e -> e.health() == health).count());
        }
        ArrayNode list = body.putArray("activations");
        entries.forEach(e -> list.add(e.json()));
        Json.send(ctx, body);
    }

    private record Entry(String name, Health health, long failures, ObjectNode json) {}

    private Entry entry(Activation activation, RunStore store, Instant now) {
        String name = activation.name();
        List<RunRecord> recent = store.list(name, RECENT);
        Optional<RunRecord> lastSuccess = store.page(new RunStore.Filter(name, RunStatus.SUCCEEDED, null), 1, 0).runs().stream().findFirst();
        long failures = store.countSinceLatest(name, RunStatus.FAILED, RunStatus.SUCCEEDED, RunStatus.HELD);
        long held = store.countSinceLatest(name, RunStatus.HELD, RunStatus.SUCCEEDED);
        // Without a success, every failed or held run counts in one of the two: none of them means none ended.
        boolean ended = lastSuccess.isPresent() || failures > 0 || held > 0;
        boolean isPaused = paused.test(activation);
        Health health = health(isPaused, failures, held, ended);

        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("name", name);
        json.put("health", health.json());
        json.put("paused", isPaused);
        ObjectNode last = recent.isEmpty() ? null : brief(recent.get(0));
        json.set("last_run", last);
        json.put("last_status", last == null ? null : last.path("status").asText());
        Instant successAt = lastSuccess.map(r -> r.endedAt() != null ? r.endedAt() : r.startedAt()).orElse(null);
        json.put("last_success_at", successAt == null ? null : successAt.toString());
        if (successAt == null) {
            json.putNull("seconds_since_last_success");
        } else {
            json.put("seconds_since_last_success", Math.max(0, Duration.between(successAt, now).toSeconds()));
        }
        json.put("failures_in_a_row", failures);
        json.put("held_runs", held);
        json.put("next_run", scheduler.next(name).map(Instant::toString).orElse(null));
        json.put("running", dispatcher.activeRun(name).map(RunDispatcher.Active::id).orElse(null));
        ArrayNode strip = json.putArray("recent");
        for (int i = recent.size() - 1; i >= 0; i--) {
            strip.add(brief(recent.get(i)));
        }
        return new Entry(name, health, failures, json);
    }

    /**
     * The verdict: paused whatever its runs; else failing when runs failed since its last success or
     * hold; held when runs were held since its last success; never run when no run ended; healthy.
     */
    static Health health(boolean paused, long failuresInARow, long heldRuns, boolean anyEnded) {
        if (paused) {
            return Health.PAUSED;
        }
        if (failuresInARow > 0) {
            return Health.FAILING;
        }
        if (heldRuns > 0) {
            return Health.HELD;
        }
        return anyEnded ? Health.HEALTHY : Health.NEVER_RUN;
    }

    /** A run as the overview lists it: id, status (running while the dispatcher still holds it), start and end. */
    private ObjectNode brief(RunRecord run) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("id", run.id());
        json.put("status", run.status().json());
        json.put("startedAt", run.startedAt() == null ? null : run.startedAt().toString());
        json.put("endedAt", run.endedAt() == null ? null : run.endedAt().toString());
        return RunApi.shown(json, dispatcher);
    }
}
