package dev.sluice.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.sluice.config.Node;
import dev.sluice.config.Problem;
import dev.sluice.config.Problems;
import dev.sluice.config.WorkspaceException;
import dev.sluice.format.FileFormat;
import dev.sluice.format.FileFormats;
import dev.sluice.plan.FileNameTemplate;
import dev.sluice.plan.PlannedOutput;
import dev.sluice.plan.Planner;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.RunIds;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;
import dev.sluice.schedule.Schedule;
import dev.sluice.schedule.Scheduler;
import dev.sluice.source.Model;
import dev.sluice.source.filter.Segment;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.RunObjects;
import dev.sluice.workspace.Catalog;
import dev.sluice.workspace.ObjectNames;
import dev.sluice.workspace.SchemaCheck;
import dev.sluice.workspace.Workspace;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/activations}: list, get, create, update, delete and validate activations, start a
 * run, and preview a file name. Activations created here are saved by {@link ActivationFiles};
 * those written by hand in the workspace file can be read and run, not changed. Every edit is
 * checked by the loader and schema check of {@code sluice validate} before anything is saved.
 */
final class ActivationApi {
    private static final YAMLMapper RAW_YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();

    private final Workspaces workspaces;
    private final ActivationFiles files;
    private final RunDispatcher dispatcher;
    private final Scheduler scheduler;
    private final Clock clock;
    private final java.util.function.Consumer<String> log;

    ActivationApi(Workspaces workspaces, ActivationFiles files, RunDispatcher dispatcher, Scheduler scheduler, Clock clock,
            java.util.function.Consumer<String> log) {
        this.workspaces = workspaces;
        this.files = files;
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.log = log;
    }

    void list(Context ctx) {
        Workspace workspace = workspaces.load();
        ArrayNode list = Json.MAPPER.createArrayNode();
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            for (Activation activation : workspace.activations().values()) {
                list.add(summary(activation, store));
            }
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("activations", list);
        body.put("activations_folder", files.folder().toString());
        Json.send(ctx, body);
    }

    void get(Context ctx) {
        Activation activation = existing(ctx.pathParam("name"));
        ObjectNode body;
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            body = summary(activation, store);
        }
        body.set("settings", rawSettings(activation));
        body.set("chain", chain(activation));
        Json.send(ctx, body);
    }

    /** The activations {@code activation} runs after and those that run after it, each with its latest run. */
    private ObjectNode chain(Activation activation) {
        Workspace workspace = workspaces.load();
        dev.sluice.workspace.Chains chains = dev.sluice.workspace.Chains.of(workspace);
        ObjectNode chain = Json.MAPPER.createObjectNode();
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            ArrayNode upstream = chain.putArray("upstream");
            chains.upstream(activation.name()).forEach(name -> upstream.add(link(workspace, name, store)));
            ArrayNode downstream = chain.putArray("downstream");
            chains.downstream(activation.name()).forEach(name -> downstream.add(link(workspace, name, store)));
        }
        return chain;
    }

    private static ObjectNode link(Workspace workspace, String name, RunStore store) {
        ObjectNode link = Json.MAPPER.createObjectNode();
        link.put("name", name);
        List<RunRecord> last = store.list(name, 1);
        link.put("status", last.isEmpty() ? null : last.get(0).status().json());
        link.put("run", last.isEmpty() ? null : last.get(0).id());
        Activation other = workspace.activations().get(name);
        link.put("waiting", other == null ? null : dev.sluice.run.Upstreams.of(store, other).reason());
        return link;
    }

    /** Create, update and delete go one at a time, so two saves of one name cannot both pass the checks. */
    synchronized void create(Context ctx) {
        JsonNode request = Json.objectBody(ctx);
        JsonNode settings = settings(request);
        String name = checkedName(request, settings);
        if (definedNames().contains(name) || java.nio.file.Files.exists(files.file(name))) {
            throw ApiError.conflict("name", "an activation named '" + name + "' already exists; choose another name");
        }
        Activation activation = validate(name, settings);
        files.save(name, settings);
        log.accept(name + ": created through the API (" + files.file(name) + ")");
        ctx.status(201).header("Location", "/api/activations/" + name);
        Json.send(ctx, saved(activation, settings));
    }

    synchronized void update(Context ctx) {
        String name = ctx.pathParam("name");
        Activation current = editable(name);
        JsonNode request = Json.objectBody(ctx);
        if (request.has("name") && !name.equals(request.get("name").asText())) {
            throw ApiError.badRequest("name", "renaming is not supported: got '" + request.get("name").asText()
                    + "' for activation '" + name + "'; create a new activation and delete this one");
        }
        JsonNode settings = keepSecrets(settings(request), LiteralText.escape(rawSettings(current)),
                dev.sluice.workspace.ActivationSettings.SETTINGS);
        Activation activation = validate(current.name(), settings);
        files.save(name, settings);
        log.accept(name + ": updated through the API (" + files.file(name) + ")");
        Json.send(ctx, saved(activation, settings));
    }

    synchronized void delete(Context ctx) {
        String name = ctx.pathParam("name");
        editable(name);
        files.delete(name);
        log.accept(name + ": deleted through the API (its run history and state are kept)");
        ctx.status(204);
    }

    /** Checks an activation as create or update would, saving nothing. */
    void check(Context ctx) {
        JsonNode request = Json.objectBody(ctx);
        JsonNode settings = settings(request);
        String name = checkedName(request, settings);
        Activation activation = validate(name, settings);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("valid", true);
        String fileName = preview(activation.fileName(), activation.timezone(), activation.format(), name, activation.target());
        body.put("file_name", fileName);
        body.set("files", Json.MAPPER.valueToTree(objectNames(activation.folder(), fileName, activation.format().extension(),
                suffixes(activation.runType(), activation.syncMode()),
                new dev.sluice.format.SplitLimits(activation.maxFileSize(), activation.maxRowsPerFile()).splits(), activation.manifest())));
        body.set("warnings", warnings(activation, LiteralText.unescape(settings)));
        if (activation.schedule() != null) {
            body.set("next_runs", nextRuns(activation.schedule()));
        }
        billing(body, name, settings, activation);
        Json.send(ctx, body);
    }

    /**
     * On a source that bills by bytes (BigQuery): {@code billing}, what a run would bill as the
     * source's dry runs estimate it (nothing is billed), or {@code billing_error} when the dry run
     * fails (a missing permission, a table that does not exist); nothing on other sources.
     */
    private void billing(ObjectNode body, String name, JsonNode settings, Activation activation) {
        Workspace workspace = workspaces.loadWith(Map.of(files.file(name), ActivationFiles.tree(name, settings)));
        if (!workspace.sourceOf(workspace.modelOf(activation.target())).billsBytes()) {
            return;
        }
        try {
            body.set("billing", Json.MAPPER.valueToTree(dev.sluice.run.BilledBytes.estimate(workspace, workspace.activation(name))));
        } catch (dev.sluice.error.SluiceException e) {
            body.put("billing_error", dev.sluice.error.Secrets.redact(e.getMessage()));
        }
    }

    /**
     * What the next run of the request's (unsaved) settings would write: the workspace is loaded
     * with them as the activation's file, as {@link #check} does, and dry-run as {@code sluice run
     * --dry-run} does. Nothing is saved, written or recorded. The answer is the run's JSON (that of
     * {@code sluice run --dry-run --json}).
     */
    void dryRun(Context ctx, DryRuns dryRuns) {
        JsonNode request = Json.objectBody(ctx);
        JsonNode settings = settings(request);
        String name = checkedName(request, settings);
        validate(name, settings);
        Workspace workspace = workspaces.loadWith(Map.of(files.file(name), ActivationFiles.tree(name, settings)));
        RunRecord record = dryRuns.run(workspace, name);
        ObjectNode body = dev.sluice.run.RunJson.of(record, List.of());
        body.put("dry_run", true);
        Json.send(ctx, body);
    }

    /** The object name a run starting now would write, from the form's file name, time zone and format. */
    void previewFileName(Context ctx) {
        JsonNode request = Json.objectBody(ctx);
        Problems problems = new Problems();
        Node node = Node.root(request, null, problems);
        FileNameTemplate template = node.has("file_name")
                ? node.parse("file_name", FileNameTemplate::parse).orElse(null)
                : FileNameTemplate.parse("{activation}");
        ZoneId zone = node.parse("timezone", Schedule::zone).orElse(ZoneOffset.UTC);
        FileFormat format = FileFormats.parse(node.get("format"));
        SyncMode syncMode = node.choice("sync_mode", SyncMode.class, SyncMode.SNAPSHOT);
        RunType runType = node.choice("run_type", RunType.class, syncMode.defaultRunType());
        boolean split = node.has("max_file_size") || node.has("max_rows_per_file");
        boolean manifest = node.has("manifest") && node.bool("manifest", false);
        if (!problems.isEmpty() || template == null || format == null) {
            throw new ApiError(400, "Invalid request", problems.list().get(0).toString(),
                    ProblemDetails.fields(problems.list(), ""));
        }
        String name = node.text("name", "");
        String target = node.text("segment", node.text("model", ""));
        ObjectNode body = Json.MAPPER.createObjectNode();
        String fileName = preview(template, zone, format, name.isEmpty() ? "activation" : name, target.isEmpty() ? "model" : target);
        body.put("file_name", fileName);
        body.set("file_names", Json.MAPPER.valueToTree(
                objectNames("", fileName, format.extension(), suffixes(runType, syncMode), split, manifest)));
        body.put("at", clock.instant().toString());
        Json.send(ctx, body);
    }

    /**
     * The next three times a schedule would start a run, from {@code {cron, timezone}} or
     * {@code {every}}: each as an instant and as wall-clock time in the schedule's zone.
     */
    void previewSchedule(Context ctx) {
        JsonNode request = Json.objectBody(ctx);
        Problems problems = new Problems();
        Schedule schedule = Schedule.parse(Node.root(request, null, problems));
        if (!problems.isEmpty() || schedule == null) {
            throw new ApiError(400, "Invalid request", problems.isEmpty() ? "a schedule is required" : problems.list().get(0).toString(),
                    ProblemDetails.fields(problems.list(), ""));
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("schedule", schedule.describe());
        body.set("next_runs", nextRuns(schedule));
        Json.send(ctx, body);
    }

    /** The next three start times of {@code schedule} from now: {@code [{at, local}]}, local in the schedule's zone. */
    private ArrayNode nextRuns(Schedule schedule) {
        ZoneId zone = schedule instanceof Schedule.Cron cron ? cron.zone() : ZoneOffset.UTC;
        java.time.format.DateTimeFormatter local = java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm zzz", Locale.ROOT);
        ArrayNode list = Json.MAPPER.createArrayNode();
        Instant at = clock.instant();
        for (int i = 0; i < 3; i++) {
            at = dev.sluice.schedule.NextRun.after(schedule, at);
            list.addObject().put("at", at.toString()).put("local", local.format(at.atZone(zone)) + " (" + zone.getId() + ")");
        }
        return list;
    }

    void run(Context ctx) {
        Activation activation = existing(ctx.pathParam("name"));
        String id = dispatcher.start(activation.name(), acceptHeld(ctx), fullResync(ctx));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("id", id);
        body.put("activation", activation.name());
        body.put("status", "queued");
        body.put("href", "/api/runs/" + id);
        ctx.status(202).header("Location", "/api/runs/" + id);
        Json.send(ctx, body);
    }

    /** The output suffixes of a run type × sync mode ({@code _added} …, or one without); one empty suffix for a pair that is not valid. */
    private static List<String> suffixes(RunType runType, SyncMode syncMode) {
        if (syncMode.incompatibility(runType) != null) {
            return List.of("");
        }
        return Planner.plan(runType, syncMode, false, false, null).outputs().stream().map(PlannedOutput::suffix).toList();
    }

    /**
     * The object names a run writes: {@code fileName} (extension included) in {@code folder}, one per
     * output suffix, the first part's number when split, and the manifest.
     */
    static List<String> objectNames(String folder, String fileName, String extension, List<String> suffixes, boolean split,
            boolean manifest) {
        String base = fileName.substring(0, fileName.length() - extension.length());
        return new RunObjects(folder, base, extension, split, manifest).objects(suffixes);
    }

    /** {@code ?full_resync=true} makes the run a full one, as {@code sluice run --full-resync} does. */
    private static boolean fullResync(Context ctx) {
        String value = ctx.queryParam("full_resync");
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiError.badRequest("full_resync", "must be true or false, got '" + value + "'");
    }

    /** Pauses an activation (written by hand or saved here), as {@code sluice pause}: the scheduler skips it. */
    void pause(Context ctx) {
        Activation activation = existing(ctx.pathParam("name"));
        String message = dev.sluice.run.Pausing.pause(workspaces.stateDir(), activation, clock.instant(), "the API");
        log.accept(activation.name() + ": " + message);
        sendSummary(ctx, activation, message);
    }

    /** Resumes an activation, as {@code sluice resume}; 400 naming the setting when its file says enabled: false. */
    void resume(Context ctx) {
        Activation activation = existing(ctx.pathParam("name"));
        String message;
        try {
            message = dev.sluice.run.Pausing.resume(workspaces.stateDir(), activation);
        } catch (dev.sluice.error.SluiceException e) {
            throw ApiError.badRequest("enabled", e.getMessage());
        }
        log.accept(activation.name() + ": " + message);
        sendSummary(ctx, activation, message);
    }

    private void sendSummary(Context ctx, Activation activation, String message) {
        ObjectNode body;
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            body = summary(activation, store);
        }
        body.put("message", message);
        Json.send(ctx, body);
    }

    /** {@code ?accept_held=true} lifts the guards for this run, as {@code sluice run --accept-held} does. */
    private static boolean acceptHeld(Context ctx) {
        String value = ctx.queryParam("accept_held");
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiError.badRequest("accept_held", "must be true or false, got '" + value + "'");
    }

    private String preview(FileNameTemplate template, ZoneId zone, FileFormat format, String activation, String target) {
        Instant now = clock.instant();
        return template.render(now, zone, activation, target, RunIds.next(now)) + format.extension();
    }

    /** What is wrong with the request's name; null when it is a valid name. */
    private static String nameProblem(JsonNode request) {
        JsonNode value = request.get("name");
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
            return "required: the activation's name (letters, digits, _ . -)";
        }
        if (!value.isTextual()) {
            return "must be a text, got " + Node.describe(value);
        }
        return ActivationFiles.checkName(value.textValue());
    }

    /** The name settings are checked under while the request's own name is not valid. */
    private static final String STAND_IN = "unnamed_activation_being_checked";

    /**
     * The request's name. When it is missing or invalid, the settings are checked too, under a
     * stand-in name, so that the answer names every problem at once, the name's first.
     */
    private String checkedName(JsonNode request, JsonNode settings) {
        String problem = nameProblem(request);
        if (problem == null) {
            return request.get("name").textValue();
        }
        List<ApiError.FieldError> errors = new ArrayList<>();
        errors.add(new ApiError.FieldError("name", problem));
        try {
            validate(STAND_IN, settings);
        } catch (ApiError other) {
            if (other.status() == 400 && !other.title().equals("The workspace has problems")) {
                errors.addAll(other.errors());
            }
        }
        String detail = errors.size() == 1 ? "name: " + problem
                : "the activation has " + errors.size() + " problems: "
                        + String.join("; ", errors.stream().map(ProblemDetails::describe).toList());
        throw new ApiError(400, "Invalid activation", detail, errors);
    }

    /**
     * {@code settings} with each secret setting sent back masked (as GET shows it: {@value dev.sluice.error.Secrets#MASK})
     * replaced by the value {@code stored} in the file: saving a form unchanged keeps its secrets.
     */
    private static JsonNode keepSecrets(JsonNode settings, JsonNode stored, List<dev.sluice.config.SettingSpec> specs) {
        if (!(settings instanceof ObjectNode object)) {
            return settings;
        }
        for (dev.sluice.config.SettingSpec spec : specs) {
            JsonNode given = object.get(spec.key());
            if (given == null) {
                continue;
            }
            if (spec.secret() && given.isTextual() && given.textValue().equals(dev.sluice.error.Secrets.MASK)
                    && stored.path(spec.key()).isTextual()) {
                object.set(spec.key(), stored.get(spec.key()));
            } else if (!spec.children().isEmpty()) {
                keepSecrets(given, stored.path(spec.key()), spec.children());
            }
        }
        return object;
    }

    /** The activation's settings: the request without its name. */
    private static JsonNode settings(JsonNode request) {
        ObjectNode settings = request.deepCopy();
        settings.remove("name");
        return LiteralText.escape(settings);
    }

    /**
     * Loads the workspace with {@code settings} as the activation's file and runs the schema
     * check of {@code sluice validate}; a 400 with one error per offending field otherwise.
     */
    private Activation validate(String name, JsonNode settings) {
        Path file = files.file(name);
        String prefix = "activations." + name;
        Workspace workspace;
        try {
            workspace = workspaces.loadWith(Map.of(file, ActivationFiles.tree(name, settings)));
        } catch (WorkspaceException e) {
            List<Problem> mine = e.problems().stream().filter(p -> ProblemDetails.concerns(p, prefix)).toList();
            if (!mine.isEmpty()) {
                throw ProblemDetails.invalid("activation", "activation " + name, mine, prefix);
            }
            throw elsewhere(e.problems());
        }
        Activation activation = workspace.activations().get(name);
        if (activation == null || !files.owns(Path.of(activation.file()))) {
            Path base = workspaces.file().toAbsolutePath().normalize().getParent();
            throw new ApiError(409, "Activations folder not included", "the workspace " + workspaces.file()
                    + " does not include " + files.folder() + "; add " + base.relativize(files.folder()) + "/*.yaml to its include "
                    + "list, e.g. include: [activations/*.yaml, segments/*.yaml] (what the web UI saves: activations and segments)", List.of(new ApiError.FieldError("include", "must include " + base.relativize(files.folder()) + "/*.yaml")));
        }
        // The checks of 'sluice validate' that need the source, on this activation and what it uses only:
        // other models' sources may be unreachable without this activation being wrong.
        Model used = workspace.modelOf(activation.target());
        Segment segment = workspace.segments().get(activation.target());
        Workspace scope = new Workspace(workspace.file(),
                Map.of(used.source(), workspace.sourceOf(used)), Map.of(used.name(), used),
                segment == null ? Map.of() : Map.of(segment.name(), segment),
                workspace.destinations(), Map.of(name, activation));
        SchemaCheck.Result result;
        try (Catalog catalog = new Catalog(scope, clock)) {
            result = SchemaCheck.run(scope, catalog);
        }
        String model = used.name();
        List<Problem> relevant = result.problems().stream()
                .filter(p -> ProblemDetails.concerns(p, prefix) || ProblemDetails.concerns(p, "models." + model) || ProblemDetails.concerns(p, "segments." + activation.target())
                        || p.path().isEmpty())
                .toList();
        if (!relevant.isEmpty()) {
            throw ProblemDetails.invalid("activation", "activation " + name, relevant, prefix);
        }
        if (!result.failures().isEmpty()) {
            throw new ApiError(502, "A source could not be reached", "the activation could not be checked against its source: "
                    + result.failures().get(0).getMessage(), List.of());
        }
        return activation;
    }

    private static ApiError elsewhere(List<Problem> problems) {
        List<ApiError.FieldError> fields = problems.stream()
                .map(p -> new ApiError.FieldError(p.path(), (p.file() == null ? "" : p.file() + ": ") + p.message())).toList();
        return new ApiError(400, "The workspace has problems", "the workspace has problems outside this activation; fix them first: "
                + problems.get(0), fields);
    }

    private List<String> definedNames() {
        try {
            return new ArrayList<>(workspaces.load().activations().keySet());
        } catch (WorkspaceException e) {
            return List.of();
        }
    }

    private Activation existing(String name) {
        Workspace workspace = workspaces.load();
        Activation activation = workspace.activations().get(name);
        if (activation == null) {
            throw ApiError.notFound("no activation named '" + name + "'");
        }
        return activation;
    }

    private Activation editable(String name) {
        String problem = ActivationFiles.checkName(name);
        if (problem != null) {
            throw ApiError.badRequest("name", problem);
        }
        Activation activation = existing(name);
        if (!files.owns(Path.of(activation.file()))) {
            throw ApiError.conflict(null, "activation " + name + " is written by hand in " + activation.file()
                    + "; change it there (the web UI edits only the files of " + files.folder() + ")");
        }
        return activation;
    }

    private ObjectNode saved(Activation activation, JsonNode settings) {
        ObjectNode body;
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            body = summary(activation, store);
        }
        JsonNode typed = LiteralText.unescape(settings);
        body.set("settings", typed);
        body.set("warnings", warnings(activation, typed));
        return body;
    }

    /** What a valid activation should still know: names that repeat between runs, and ${…} kept as typed. */
    private ArrayNode warnings(Activation activation, JsonNode typed) {
        ArrayNode warnings = Json.MAPPER.createArrayNode();
        for (Problem warning : ObjectNames.warnings(List.of(activation), clock.instant())) {
            warnings.addObject().put("field", warning.path().substring(("activations." + activation.name() + ".").length()))
                    .put("message", warning.message());
        }
        for (String field : LiteralText.references(typed)) {
            warnings.addObject().put("field", field).put("message", "${…} is not expanded in activations saved through the API "
                    + "(that would read the server's environment): it is kept as typed. Environment references belong in the "
                    + "workspace file, e.g. in a destination's credentials");
        }
        return warnings;
    }

    /** The activation's settings as written in its file, as typed (see {@link LiteralText}). */
    private JsonNode rawSettings(Activation activation) {
        try {
            JsonNode tree = RAW_YAML.readTree(Path.of(activation.file()).toFile());
            return tree == null ? Json.MAPPER.createObjectNode() : LiteralText.unescape(tree.path("activations").path(activation.name()));
        } catch (IOException e) {
            throw dev.sluice.error.SluiceException.external("cannot read " + activation.file() + ": " + e.getMessage(), e);
        }
    }

    private ObjectNode summary(Activation activation, RunStore store) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", activation.name());
        body.put(activation.model() != null ? "model" : "segment", activation.target());
        body.put("destination", activation.destination());
        body.put("folder", activation.folder());
        body.put("file_name", activation.fileName().text());
        body.put("format", activation.format().type());
        body.put("run_type", activation.runType().name().toLowerCase(Locale.ROOT));
        body.put("sync_mode", activation.syncMode().name().toLowerCase(Locale.ROOT));
        body.put("schedule", describe(activation.schedule()));
        body.put("editable", files.owns(Path.of(activation.file())));
        body.put("enabled", activation.enabled());
        Optional<dev.sluice.history.Pauses.Pause> pause = new dev.sluice.history.Pauses(store.database()).get(activation.name());
        body.put("paused", !activation.enabled() || pause.isPresent());
        body.put("paused_since", pause.map(p -> p.since().toString()).orElse(null));
        body.put("paused_by", pause.map(dev.sluice.history.Pauses.Pause::by)
                .orElse(!activation.enabled() ? "enabled: false in " + activation.file() : null));
        body.put("file", activation.file());
        Optional<Instant> next = scheduler.next(activation.name());
        // A paused activation has no next run: the scheduler skips it.
        body.put("next_run", body.path("paused").asBoolean() ? null : next.map(Instant::toString).orElse(null));
        Optional<RunDispatcher.Active> active = dispatcher.activeRun(activation.name());
        body.put("running", active.map(RunDispatcher.Active::id).orElse(null));
        ArrayNode after = body.putArray("after");
        activation.after().forEach(after::add);
        body.put("waiting", dev.sluice.run.Upstreams.of(store, activation).reason());
        List<RunRecord> last = store.list(activation.name(), 1);
        body.set("last_run", last.isEmpty() ? null : RunApi.shown(Json.MAPPER.valueToTree(last.get(0)), dispatcher));
        return body;
    }

    static String describe(Schedule schedule) {
        return schedule == null ? null : schedule.describe();
    }
}
