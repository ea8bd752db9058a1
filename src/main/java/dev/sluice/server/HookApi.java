package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.run.Pausing;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Hook;
import dev.sluice.workspace.Trigger;
import dev.sluice.workspace.Workspace;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@code POST /api/hooks/dbt-cloud} and {@code POST /api/hooks/NAME}: runs started from outside, the
 * request's signature being its authentication (no token, no cross-site check: see TokenAuth and
 * CrossSiteGuard). dbt Cloud's job-completed webhooks start the activations whose
 * {@code trigger: {dbt_cloud: {job_id}}} names the job, when the dbt Cloud run succeeded; a generic
 * hook of the workspace's {@code hooks:} starts its activations. A request older than
 * {@link #WINDOW} (or as far in the future) is refused, one received already is answered without
 * starting anything; each hook is rate-limited. Every request is logged, never a secret. See docs/server.md#hooks.
 */
final class HookApi {
    /** How far a request's timestamp may be from the server's clock. */
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** dbt Cloud's status code of a successful run. */
    private static final int DBT_SUCCESS = 10;

    private final Workspaces workspaces;
    private final RunDispatcher dispatcher;
    private final Clock clock;
    private final Consumer<String> log;
    private final HookLimiter limiter;
    /** What was received within the window (dbt Cloud event ids, generic signatures) → when; older ones are dropped. */
    private final Map<String, Instant> received = new ConcurrentHashMap<>();

    HookApi(Workspaces workspaces, RunDispatcher dispatcher, Clock clock, Consumer<String> log) {
        this.workspaces = workspaces;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.log = log;
        this.limiter = new HookLimiter(clock, 20, Duration.ofSeconds(3));
    }

    void receive(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        Workspace workspace = workspaces.load();
        boolean known = name.equals(Hook.DBT_CLOUD) || workspace.hooks().containsKey(name);
        Optional<Duration> wait = limiter.take(known ? name : "\u0000unknown");
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            log.accept("hook " + name + ": refused, too many requests (retry after " + seconds + " s)");
            throw new ApiError(429, "Too many requests", "hook " + name + " takes at most 20 requests at once, then one every 3 s; "
                    + "retry after " + seconds + " s", List.of());
        }
        byte[] body = ctx.bodyAsBytes();
        String from = ctx.ip();
        if (name.equals(Hook.DBT_CLOUD)) {
            dbtCloud(ctx, workspace, body, from);
        } else {
            generic(ctx, workspace, name, body, from);
        }
    }

    private void dbtCloud(Context ctx, Workspace workspace, byte[] body, String from) {
        List<Activation> candidates = new ArrayList<>();
        for (Activation activation : workspace.activations().values()) {
            if (activation.trigger() != null && activation.trigger().dbtCloud() != null) {
                candidates.add(activation);
            }
        }
        if (candidates.isEmpty()) {
            refuse(404, "No dbt Cloud trigger", "no activation has trigger: {dbt_cloud: {job_id, secret}}", from,
                    Hook.DBT_CLOUD);
        }
        String authorization = ctx.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            refuse(401, "Signature required", "dbt Cloud signs its webhooks in the Authorization header; this request has none", from,
                    Hook.DBT_CLOUD);
        }
        Set<String> matched = new LinkedHashSet<>();
        for (Activation activation : candidates) {
            String secret = activation.trigger().dbtCloud().secret();
            if (!matched.contains(secret) && HookSignatures.matches(HookSignatures.hmacHex(secret, body), authorization)) {
                matched.add(secret);
            }
        }
        if (matched.isEmpty()) {
            refuse(401, "Bad signature", "the Authorization header is not the HMAC-SHA256 of the body with the secret of any "
                    + "activation's trigger.dbt_cloud; check the secret against the webhook's in dbt Cloud", from, Hook.DBT_CLOUD);
        }
        JsonNode event = json(body, from, Hook.DBT_CLOUD);
        Instant at = timestamp(event.path("timestamp").asText(null), from);
        String eventId = event.path("eventId").asText("");
        if (!eventId.isEmpty() && seen("dbt-cloud " + eventId, at)) {
            ignored(ctx, "event " + eventId + " was received already: nothing started again", from, Hook.DBT_CLOUD);
            return;
        }
        String type = event.path("eventType").asText("");
        JsonNode data = event.path("data");
        String jobId = data.path("jobId").asText("");
        String runId = data.path("runId").asText("");
        if (!type.equals("job.run.completed")) {
            ignored(ctx, "only job.run.completed starts activations, this is " + (type.isEmpty() ? "no event type" : type), from,
                    Hook.DBT_CLOUD);
            return;
        }
        boolean success = data.path("runStatusCode").asInt(-1) == DBT_SUCCESS || "success".equalsIgnoreCase(data.path("runStatus").asText());
        if (!success) {
            ignored(ctx, "dbt Cloud run " + runId + " of job " + jobId + " ended '" + data.path("runStatus").asText("?")
                    + "', not successfully: nothing started", from, Hook.DBT_CLOUD);
            return;
        }
        List<String> targets = new ArrayList<>();
        for (Activation activation : candidates) {
            Trigger.DbtCloud dbt = activation.trigger().dbtCloud();
            if (Long.toString(dbt.jobId()).equals(jobId) && matched.contains(dbt.secret())) {
                targets.add(activation.name());
            }
        }
        if (targets.isEmpty()) {
            ignored(ctx, "no activation names dbt Cloud job " + jobId + " (with this webhook's secret): nothing started", from,
                    Hook.DBT_CLOUD);
            return;
        }
        start(ctx, workspace, targets, "dbt_cloud job " + jobId + " run " + runId, Hook.DBT_CLOUD, from);
    }

    private void generic(Context ctx, Workspace workspace, String name, byte[] body, String from) {
        Hook hook = workspace.hooks().get(name);
        if (hook == null) {
            refuse(404, "Not found", "no hook named '" + name + "'" + (workspace.hooks().isEmpty() ? "; the workspace defines none under hooks:"
                    : "; known: " + String.join(", ", workspace.hooks().keySet())) + " (and dbt-cloud)", from, name);
        }
        String timestamp = ctx.header(HookSignatures.TIMESTAMP_HEADER);
        String signature = ctx.header(HookSignatures.SIGNATURE_HEADER);
        if (timestamp == null || signature == null) {
            refuse(401, "Signature required", "send the headers " + HookSignatures.TIMESTAMP_HEADER + ": UNIX_SECONDS and "
                    + HookSignatures.SIGNATURE_HEADER + ": sha256=HEX, the HMAC-SHA256 of TIMESTAMP.BODY with the hook's secret "
                    + "(see docs/server.md#hooks)", from, name);
        }
        Instant at;
        try {
            at = Instant.ofEpochSecond(Long.parseLong(timestamp.strip()));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw refuse(401, "Bad timestamp", HookSignatures.TIMESTAMP_HEADER + " must be Unix seconds, got '" + timestamp + "'", from,
                    name);
        }
        String given = signature.strip();
        if (!given.regionMatches(true, 0, HookSignatures.PREFIX, 0, HookSignatures.PREFIX.length())
                || !HookSignatures.matches(HookSignatures.hmacHex(hook.secret(), HookSignatures.signed(timestamp.strip(), body)),
                        given.substring(HookSignatures.PREFIX.length()))) {
            refuse(401, "Bad signature", HookSignatures.SIGNATURE_HEADER + " is not sha256= and the HMAC-SHA256 of TIMESTAMP.BODY "
                    + "with the secret of hook " + name, from, name);
        }
        fresh(at, from, name);
        if (seen("hook " + name + " " + given.toLowerCase(java.util.Locale.ROOT), at)) {
            ignored(ctx, "this signed request was received already: nothing started again", from, name);
            return;
        }
        start(ctx, workspace, hook.activations(), "hook " + name, name, from);
    }

    /** Starts each activation (unless paused or disabled): 202 with what started and what did not. */
    private void start(Context ctx, Workspace workspace, List<String> names, String trigger, String hook, String from) {
        List<Map<String, String>> started = new ArrayList<>();
        List<Map<String, String>> skipped = new ArrayList<>();
        for (String name : names) {
            Activation activation = workspace.activations().get(name);
            Optional<String> paused = activation == null ? Optional.of("not in the workspace")
                    : Pausing.skipReason(workspaces.stateDir(), activation);
            if (paused.isPresent()) {
                skipped.add(Map.of("activation", name, "reason", "paused (" + paused.get() + ")"));
                continue;
            }
            RunDispatcher.Started run = dispatcher.triggered(name, trigger);
            if (run.started()) {
                started.add(Map.of("activation", name, "run", run.id()));
            } else {
                skipped.add(Map.of("activation", name, "run", run.id(), "reason", run.skipped()));
            }
        }
        log.accept("hook " + hook + " from " + from + ": " + trigger + ": started " + (started.isEmpty() ? "nothing"
                : String.join(", ", started.stream().map(s -> s.get("activation") + " (run " + s.get("run") + ")").toList()))
                + (skipped.isEmpty() ? "" : "; not started: " + String.join(", ", skipped.stream()
                        .map(s -> s.get("activation") + " (" + s.get("reason") + ")").toList())));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("trigger", trigger);
        answer.put("started", started);
        answer.put("skipped", skipped);
        ctx.status(202);
        Json.send(ctx, answer);
        ctx.status(202);
    }

    private void ignored(Context ctx, String why, String from, String hook) {
        log.accept("hook " + hook + " from " + from + ": ignored: " + why);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ignored", why);
        answer.put("started", List.of());
        Json.send(ctx, answer);
    }

    private ApiError refuse(int status, String title, String detail, String from, String hook) {
        log.accept("hook " + hook + " from " + from + ": refused (" + status + "): " + detail);
        throw new ApiError(status, title, detail, List.of());
    }

    private JsonNode json(byte[] body, String from, String hook) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw refuse(400, "Invalid request", "the body must be dbt Cloud's JSON event", from, hook);
            }
            return node;
        } catch (IOException e) {
            throw refuse(400, "Invalid request", "the body is not JSON", from, hook);
        }
    }

    /** dbt Cloud's {@code timestamp} (ISO-8601), within the window. */
    private Instant timestamp(String text, String from) {
        Instant at;
        try {
            at = text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            at = null;
        }
        if (at == null) {
            throw refuse(400, "Invalid request", "the event has no ISO-8601 timestamp, got '" + text + "'", from, Hook.DBT_CLOUD);
        }
        fresh(at, from, Hook.DBT_CLOUD);
        return at;
    }

    private void fresh(Instant at, String from, String hook) {
        Duration off = Duration.between(at, clock.instant()).abs();
        if (off.compareTo(WINDOW) > 0) {
            refuse(401, "Stale request", "the request's timestamp " + at + " is " + off.toSeconds() + " s from the server's time "
                    + clock.instant() + "; requests more than " + WINDOW.toMinutes() + " min away are refused (a replay of an old "
                    + "request, or a clock that is off)", from, hook);
        }
    }

    /** Whether {@code key} was received within the window; remembers it, and forgets what left the window. */
    private boolean seen(String key, Instant at) {
        Instant horizon = clock.instant().minus(WINDOW.multipliedBy(2));
        received.values().removeIf(when -> when.isBefore(horizon));
        return received.putIfAbsent(key, at) != null;
    }
}
