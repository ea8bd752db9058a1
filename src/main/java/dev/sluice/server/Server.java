package dev.sluice.server;

import dev.sluice.config.WorkspaceException;
import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;
import dev.sluice.run.Runner;
import dev.sluice.run.RunNotifications;
import dev.sluice.run.Deliveries;
import dev.sluice.run.Outgoing;
import dev.sluice.config.DurationText;
import dev.sluice.schedule.Schedule;
import dev.sluice.schedule.Scheduler;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code sluice serve}: the scheduler, the REST API under {@code /api} and the web UI, in one
 * process, on the workspace the command line uses. Runs go through a {@link RunDispatcher}, so the
 * scheduler and users share one rule: never two runs of one activation at once.
 */
public final class Server implements AutoCloseable {
    /** Request bodies larger than this are refused with 413. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    /** The web UI's files, served from the jar's web/ folder: a plain name, never a path. */
    private static final java.util.regex.Pattern ASSET = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*\\.(js|css|svg)");

    /** How the server is started. {@code stateDir} null: {@code .sluice} beside the workspace. */
    public record Options(Path workspaceFile, Path stateDir, Path activationsFolder, String host, int port, String token,
            Duration gracePeriod, int threads, String memoryLimit, boolean schedule, Clock clock,
            Function<String, String> env, Function<DestinationConfig, Destination> opener, String publicUrl) {

        /** As the canonical constructor, without a public URL. */
        public Options(Path workspaceFile, Path stateDir, Path activationsFolder, String host, int port, String token,
                Duration gracePeriod, int threads, String memoryLimit, boolean schedule, Clock clock,
                Function<String, String> env, Function<DestinationConfig, Destination> opener) {
            this(workspaceFile, stateDir, activationsFolder, host, port, token, gracePeriod, threads, memoryLimit, schedule, clock, env,
                    opener, null);
        }

        /** These options with the address the web UI is reached at, for links in notifications. */
        public Options withPublicUrl(String url) {
            return new Options(workspaceFile, stateDir, activationsFolder, host, port, token, gracePeriod, threads, memoryLimit, schedule,
                    clock, env, opener, url);
        }

        /** The options of {@code sluice serve}: the system environment, destinations opened as configured. */
        public static Options of(Path workspaceFile, Path stateDir, Path activationsFolder, String host, int port, String token,
                Duration gracePeriod, int threads, String memoryLimit, boolean schedule) {
            return new Options(workspaceFile, stateDir, activationsFolder, host, port, token, gracePeriod, threads, memoryLimit,
                    schedule, Clock.systemUTC(), System::getenv, DestinationConfig::open);
        }
    }

    private final Options options;
    private final Consumer<String> log;
    private final Workspaces workspaces;
    private final RunDispatcher dispatcher;
    private final Deliveries deliveries;
    private final ScheduledChecks checks;
    private final UpstreamRuns chains;
    private final Scheduler scheduler;
    private final ScheduledExecutorService ticker;
    private final Javalin app;
    private final Metrics metrics = new Metrics();
    private final LiveRuns live = new LiveRuns();
    private volatile String lastScheduleProblem;
    private Routes allowed;

    private Server(Options options, Consumer<String> log) {
        this.options = options;
        this.log = line -> log.accept(Secrets.redact(line));
        Path workspaceFile = options.workspaceFile();
        WorkspaceLoader loader = new WorkspaceLoader(options.env());
        Workspace initial = loader.load(workspaceFile);
        Path stateDir = Runner.stateDir(initial, options.stateDir());
        this.workspaces = new Workspaces(workspaceFile, loader, stateDir);
        Clock clock = options.clock();
        this.deliveries = new Deliveries(stateDir, clock, this.log).countingUndelivered(metrics::notificationFailed);
        this.checks = new ScheduledChecks(stateDir, clock, this.log, options.opener(), deliveries, options.publicUrl());
        metrics.beforeScrape(() -> {
            try (dev.sluice.history.HistoryDatabase database = dev.sluice.history.HistoryDatabase.open(stateDir)) {
                metrics.verified(new dev.sluice.history.VerificationStore(database).latest());
            }
        });
        this.dispatcher = new RunDispatcher(this::execute, new StoreRecorder(stateDir, this::lineageOfRecorded), RunDispatcher.lockProbe(stateDir),
                clock, options.threads(), this.log);
        this.scheduler = new Scheduler(clock, (activation, due) -> {
            if (paused(activation) || waitsForUpstream(activation, due)) {
                return;
            }
            metrics.schedulerLag(Duration.between(due, clock.instant()));
            dispatcher.scheduled(activation, due);
        }, this::lastScheduled);
        metrics.readHistory(stateDir, () -> workspaces.load().activations().keySet());
        this.chains = new UpstreamRuns(workspaces, dispatcher, this::paused, metrics, clock, this.log);
        ActivationFiles files = new ActivationFiles(options.activationsFolder() != null ? options.activationsFolder()
                : initial.baseDir().resolve("activations"));
        ActivationApi activations = new ActivationApi(workspaces, files, dispatcher, scheduler, clock, this.log);
        RunApi runs = new RunApi(workspaces, dispatcher, live);
        CatalogApi catalog = new CatalogApi(workspaces, clock);
        // Health per activation; the predicate says which activations the scheduler leaves alone (paused).
        OverviewApi overview = new OverviewApi(workspaces, dispatcher, scheduler, clock,
                activation -> dev.sluice.run.Pausing.skipReason(workspaces.stateDir(), activation).isPresent());
        SegmentApi segments = new SegmentApi(workspaces, new SavedFiles(initial.baseDir().resolve("segments"), "segments"), clock,
                this.log);
        DryRuns dryRuns = new DryRuns(stateDir, clock, options.memoryLimit(), options.opener());
        HookApi hooks = new HookApi(workspaces, dispatcher, clock, this.log);
        TokenAuth auth = new TokenAuth(options.token());
        boolean loopback = isLoopback(options.host());
        CrossSiteGuard crossSite = new CrossSiteGuard(options.publicUrl());

        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.routes.before(ctx -> {
                securityHeaders(ctx);
                if (!auth.admit(ctx)) {
                    ctx.skipRemainingHandlers();
                    return;
                }
                guard(ctx, loopback, crossSite);
            });
            Routes routes = new Routes(config.routes);
            routes.get("/", ctx -> asset(ctx, "index.html"));
            routes.get("/assets/{file}", ctx -> asset(ctx, ctx.pathParam("file")));
            routes.get("/api/openapi.json", OpenApiDocument::serve);
            routes.get("/api/schema", SettingsSchema::serve);
            routes.get("/api/status", this::status);
            routes.get("/api/overview", overview::overview);
            routes.get("/metrics", metrics::serve);
            routes.get("/api/activations", activations::list);
            routes.post("/api/activations", activations::create);
            routes.post("/api/activations/validate", activations::check);
            routes.post("/api/activations/dry-run", ctx -> activations.dryRun(ctx, dryRuns));
            routes.post("/api/file-name-preview", activations::previewFileName);
            routes.post("/api/schedule-preview", activations::previewSchedule);
            routes.get("/api/activations/{name}", activations::get);
            routes.put("/api/activations/{name}", activations::update);
            routes.delete("/api/activations/{name}", activations::delete);
            routes.post("/api/activations/{name}/runs", activations::run);
            routes.post("/api/activations/{name}/pause", activations::pause);
            routes.post("/api/activations/{name}/resume", activations::resume);
            routes.post("/api/hooks/{name}", hooks::receive);
            routes.get("/api/runs", runs::list);
            routes.get("/api/runs/{id}", runs::get);
            routes.get("/api/models", catalog::models);
            routes.get("/api/segments", segments::list);
            routes.post("/api/segments", segments::create);
            routes.post("/api/segments/preview", segments::preview);
            routes.get("/api/segments/{name}", segments::get);
            routes.put("/api/segments/{name}", segments::update);
            routes.delete("/api/segments/{name}", segments::delete);
            routes.get("/api/columns/{name}", catalog::columns);
            routes.get("/api/destinations", catalog::destinations);
            routes.post("/api/destinations/{name}/check", catalog::check);
            routes.get("/api/models/{name}", catalog::model);
            this.allowed = routes;
            config.routes.exception(ApiError.class, (e, ctx) -> ProblemDetails.send(ctx, e));
            config.routes.exception(RunDispatcher.Busy.class,
                    (e, ctx) -> ProblemDetails.send(ctx, ApiError.conflict(null, e.getMessage())));
            config.routes.exception(SluiceException.class, (e, ctx) -> ProblemDetails.send(ctx, ProblemDetails.of(e)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> ProblemDetails.send(ctx, httpError(e, ctx, allowed)));
            config.routes.exception(Exception.class, (e, ctx) -> ProblemDetails.internal(ctx, e, this.log));
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ProblemDetails.WRITTEN) == null) {
                    ProblemDetails.send(ctx, ApiError.notFound("nothing at " + ctx.method() + " " + ctx.path()));
                }
            });
            config.routes.error(405, ctx -> {
                if (ctx.attribute(ProblemDetails.WRITTEN) == null) {
                    ProblemDetails.send(ctx, notAllowed(ctx, allowed));
                }
            });
        });
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    /** The OpenLineage events (lineage:) of a run the dispatcher recorded itself: skipped (ABORT), or failed before it started (FAIL). */
    private void lineageOfRecorded(RunRecord record) {
        try {
            deliveries.submit(dev.sluice.run.LineageEvents.of(workspaces.load(), record));
        } catch (RuntimeException e) {
            log.accept(record.activation() + ": warning: the lineage events of run " + record.id() + " could not be sent: " + e.getMessage());
        }
    }

    /** Where this server listens, as the notifications know it (see OwnEndpoints). */
    private volatile java.net.InetSocketAddress ownEndpoint;

    /** Loads the workspace (it must be valid), starts the web server and, unless told not to, the scheduler. */
    public static Server start(Options options, Consumer<String> log) {
        dev.sluice.error.Secrets.register(options.token()); // never in a log line, a record or an error
        dev.sluice.error.MaskedLogging.install(); // drivers' own log lines are masked too
        Server server = new Server(options, log);
        server.app.start();
        // Notifications must never call this server's API (it starts runs): tell them where it listens.
        server.ownEndpoint = dev.sluice.notify.OwnEndpoints.add(options.host(), server.port());
        if (options.schedule()) {
            server.ticker.scheduleWithFixedDelay(server::tick, 0, 1, TimeUnit.SECONDS);
        }
        return server;
    }

    public int port() {
        return app.port();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public RunDispatcher dispatcher() {
        return dispatcher;
    }

    /** Every route the server answers. */
    List<Routes.Route> routes() {
        return allowed.all();
    }

    /** The metrics served at {@code /metrics}. */
    public Metrics metrics() {
        return metrics;
    }

    /** One scheduler step: takes up schedule edits, then starts what is due. */
    void tick() {
        try {
            Workspace workspace;
            try {
                workspace = workspaces.load();
                lastScheduleProblem = null;
            } catch (WorkspaceException e) {
                if (!e.getMessage().equals(lastScheduleProblem)) {
                    log.accept("scheduler: the workspace has problems; schedules stay as they were until they are fixed:\n"
                            + e.getMessage());
                    lastScheduleProblem = e.getMessage();
                }
                scheduler.tick();
                return;
            }
            Map<String, Schedule> schedules = new LinkedHashMap<>();
            for (Activation activation : workspace.activations().values()) {
                if (activation.schedule() != null) {
                    schedules.put(activation.name(), activation.schedule());
                }
            }
            scheduler.update(schedules);
            scheduler.tick();
            checks.tick(workspace);
            chains.tick(workspace);
        } catch (RuntimeException e) {
            log.accept("scheduler: " + (e instanceof SluiceException ? e.getMessage() : "internal error: " + e));
        }
    }

    /**
     * Whether a scheduled run of an activation with {@code after} finds its upstream activations not
     * all succeeded since its last run: then the due run is recorded as skipped, saying why.
     */
    private boolean waitsForUpstream(String name, Instant due) {
        Optional<String> reason = chains.waitReason(name);
        reason.ifPresent(r -> {
            String id = dev.sluice.run.RunIds.next(options.clock().instant());
            String text = "skipped: the run due at " + due + " " + r;
            log.accept(name + ": " + text);
            try (RunStore store = new RunStore(workspaces.stateDir())) {
                RunRecord skipped = RunRecord.skipped(id, name, RunDispatcher.SCHEDULE, options.clock().instant(), text);
                store.insert(skipped);
                lineageOfRecorded(skipped);
            }
        });
        return reason.isPresent();
    }

    /** Activations the scheduler skips, paused or not enabled: each is said once in the log, until it runs again. */
    private final java.util.Set<String> skipping = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Whether the scheduler skips {@code name}'s due run: paused (sluice pause, the API) or enabled: false. */
    private boolean paused(String name) {
        Activation activation;
        try {
            activation = workspaces.load().activations().get(name);
        } catch (WorkspaceException e) {
            return false;
        }
        Optional<String> reason = activation == null ? Optional.empty() : dev.sluice.run.Pausing.skipReason(workspaces.stateDir(), activation);
        if (reason.isEmpty()) {
            if (skipping.remove(name)) {
                log.accept(name + ": resumed; the scheduler runs it again");
            }
            return false;
        }
        if (skipping.add(name)) {
            log.accept(name + ": paused (" + reason.get() + "); the scheduler skips it until it is resumed");
        }
        return true;
    }

    private Optional<Instant> lastScheduled(String activation) {
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            List<RunRecord> last = store.page(new RunStore.Filter(activation, null, RunDispatcher.SCHEDULE), 1, 0).runs();
            return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0).startedAt());
        }
    }

    /**
     * One run; its notifications are handed to {@link #deliveries} once the dispatcher has freed the
     * activation and the run slot, so that a slow receiver holds neither.
     */
    private void execute(String activation, String runId, String trigger, boolean acceptHeld, boolean fullResync,
            Consumer<Runnable> whenFree) {
        Workspace workspace = workspaces.load();
        log.accept(activation + ": run " + runId + " starting (" + trigger + (fullResync ? ", full resync" : "") + ")");
        Runner runner = new Runner(workspace, workspaces.stateDir(), options.clock(),
                line -> log.accept(activation + ": " + line), options.memoryLimit(), options.opener())
                .listening(live.and(metrics.counting(activation)));
        Consumer<List<Outgoing>> send = outgoing -> whenFree.accept(() -> deliveries.submit(outgoing));
        // Recorded in the run history, where the metrics read it (also when the run fails).
        RunRecord record = new RunNotifications(workspace, workspaces.stateDir(), options.clock(),
                line -> log.accept(activation + ": " + line), options.publicUrl())
                .run(runner, new Runner.Request(activation, fullResync, false, trigger, acceptHeld), runId, deliveries::submit, send);
        log.accept(String.format(Locale.ROOT, "%s: run %s %s: read %,d, added %,d, updated %,d, removed %,d", activation,
                record.id(), record.status().json(), record.counts().read(), record.counts().added(),
                record.counts().updated(), record.counts().removed())
                + (record.status() == dev.sluice.history.RunStatus.HELD ? " (" + record.error() + ")" : ""));
    }

    private void status(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workspace", workspaces.file().toString());
        body.put("state_dir", workspaces.stateDir().toString());
        body.put("scheduler", options.schedule());
        body.put("time", options.clock().instant().toString());
        body.put("version", Server.class.getPackage().getImplementationVersion());
        Json.send(ctx, body);
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        ctx.header("Cache-Control", "no-store");
    }

    /**
     * Refuses what a browser on another site could send: on loopback, requests for another host name
     * (DNS rebinding); changes asked by a page of another site ({@link CrossSiteGuard}); bodies that
     * are not JSON (a plain form post), bodies over the size limit.
     */
    private static void guard(Context ctx, boolean loopback, CrossSiteGuard crossSite) {
        String method = ctx.method().name();
        if (loopback) {
            String host = ctx.header("Host");
            String name = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
            if (!name.equals("localhost") && !name.equals("127.0.0.1") && !name.equals("[::1]")) {
                throw new ApiError(403, "Forbidden", "this server answers requests for localhost only, got Host '" + host + "'",
                        List.of());
            }
        }
        crossSite.check(ctx);
        QueryParameters.requireSingle(ctx);
        if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            String length = ctx.header("Content-Length");
            if (length != null) {
                try {
                    long declared = Long.parseLong(length.trim());
                    if (declared > MAX_BODY_BYTES) {
                        drain(ctx, declared);
                        throw new ApiError(413, "Request body too large", "the body has " + length.trim()
                                + " bytes; at most " + MAX_BODY_BYTES + " are accepted", List.of());
                    }
                } catch (NumberFormatException e) {
                    throw ApiError.badRequest("Content-Length", "must be a number, got '" + length + "'");
                }
            }
            String type = ctx.contentType();
            boolean bodiless = (length == null || length.trim().equals("0")) && ctx.header("Transfer-Encoding") == null;
            if (bodiless && type == null) {
                crossSite.checkBodiless(ctx); // run now, check: nothing to read, so no type to declare
                return;
            }
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                throw new ApiError(415, "Unsupported media type", "send JSON with the header 'Content-Type: application/json'"
                        + (type == null ? "" : ", got '" + type + "'"), List.of());
            }
        }
    }

    /**
     * Reads and drops a refused body of moderate size, so that a client that sends the whole body
     * before reading the answer gets the 413 instead of a broken connection. Larger ones are not read.
     */
    private static void drain(Context ctx, long declared) {
        if (declared > 16L * MAX_BODY_BYTES) {
            return;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the answer is 413 whether or not the rest of the body arrives
        }
    }

    private static ApiError httpError(HttpResponseException e, Context ctx, Routes routes) {
        if (e.getStatus() == 404) {
            return ApiError.notFound("nothing at " + ctx.method() + " " + ctx.path());
        }
        if (e.getStatus() == 405) {
            return notAllowed(ctx, routes);
        }
        if (e.getStatus() == 413) {
            return new ApiError(413, "Request body too large", "at most " + MAX_BODY_BYTES + " bytes are accepted", List.of());
        }
        return new ApiError(e.getStatus(), "Request failed", String.valueOf(e.getMessage()), List.of());
    }

    /** 405 with the {@code Allow} header listing the methods the path does answer. */
    private static ApiError notAllowed(Context ctx, Routes routes) {
        String allow = String.join(", ", routes.methods(ctx.path()));
        if (allow.isEmpty()) {
            return ApiError.notFound("nothing at " + ctx.method() + " " + ctx.path());
        }
        ctx.header("Allow", allow);
        return new ApiError(405, "Method not allowed", ctx.method() + " is not allowed on " + ctx.path() + "; allowed: " + allow,
                List.of());
    }

    private static void asset(Context ctx, String name) throws IOException {
        if (!name.equals("index.html") && !ASSET.matcher(name).matches()) {
            throw ApiError.notFound("no file " + name);
        }
        try (InputStream in = Server.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw ApiError.notFound("no file " + name);
            }
            ctx.contentType(contentType(name));
            ctx.result(in.readAllBytes());
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "application/json; charset=utf-8";
    }

    /** Whether {@code host} is a loopback address (127.0.0.1, ::1, localhost). */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Stops the scheduler and refuses new runs, gives runs going and notifications being delivered
     * up to the grace period to end, records the deliveries still going then as failed ("server
     * stopped"), then stops the web server. Whether every run ended in time.
     */
    public boolean stop() {
        ticker.shutdownNow();
        checks.stop();
        long start = System.nanoTime();
        Duration grace = options.gracePeriod();
        log.accept("stopping: no new runs; waiting up to " + grace.toSeconds() + " s for runs going and notifications being sent to end");
        boolean ended = dispatcher.shutdown(grace);
        if (!ended) {
            log.accept("stopping with runs still going: their snapshots are untouched, and the next run of each "
                    + "cleans up after it");
        }
        Duration left = grace.minusNanos(System.nanoTime() - start);
        int cut = deliveries.stop(left.isNegative() ? Duration.ZERO : left, "server stopped: the delivery had not ended when the grace "
                + "period of " + (grace.toMillis() % 1000 == 0 ? DurationText.format(grace) : grace.toMillis() + "ms") + " ran out");
        if (cut > 0) {
            log.accept("stopping: " + cut + (cut == 1 ? " notification was" : " notifications were")
                    + " still being delivered at the end of the grace period: recorded as not delivered (server stopped)");
        }
        app.stop();
        if (ownEndpoint != null) {
            dev.sluice.notify.OwnEndpoints.remove(ownEndpoint);
        }
        return ended;
    }

    @Override
    public void close() {
        stop();
    }

    /** Skipped runs and runs that failed before they could record themselves, into the run history. */
    private static final class StoreRecorder implements RunDispatcher.Recorder {
        private final Path stateDir;
        private final Consumer<RunRecord> then;

        StoreRecorder(Path stateDir, Consumer<RunRecord> then) {
            this.stateDir = stateDir;
            this.then = then;
        }

        @Override
        public void record(RunRecord record) {
            try (RunStore store = new RunStore(stateDir)) {
                store.insert(record);
            }
            then.accept(record);
        }

        @Override
        public boolean exists(String runId) {
            try (RunStore store = new RunStore(stateDir)) {
                return store.get(runId).isPresent();
            }
        }
    }
}
