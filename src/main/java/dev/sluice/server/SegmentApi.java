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
import dev.sluice.config.Suggestions;
import dev.sluice.config.WorkspaceException;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.source.Model;
import dev.sluice.source.SourceSession;
import dev.sluice.source.filter.CompiledQuery;
import dev.sluice.source.filter.Filter;
import dev.sluice.source.filter.FilterParser;
import dev.sluice.source.filter.Segment;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Catalog;
import dev.sluice.workspace.Workspace;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/segments}: list, get, create, update and delete segments, and preview a filter (its
 * row count and first rows). Segments created here are saved by {@link SavedFiles} under the
 * segments folder; those written by hand in the workspace file are read-only. Every filter is
 * checked by the parser and the segment compiler that runs use, against the model's columns.
 */
final class SegmentApi {
    /** How many sample rows a preview shows. */
    static final int SAMPLE_ROWS = 20;
    private static final YAMLMapper RAW_YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();

    private final Workspaces workspaces;
    private final SavedFiles files;
    private final Clock clock;
    private final java.util.function.Consumer<String> log;

    SegmentApi(Workspaces workspaces, SavedFiles files, Clock clock, java.util.function.Consumer<String> log) {
        this.workspaces = workspaces;
        this.files = files;
        this.clock = clock;
        this.log = log;
    }

    void list(Context ctx) {
        Workspace workspace = workspaces.load();
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Segment segment : workspace.segments().values()) {
            list.add(summary(segment));
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("segments", list);
        body.put("segments_folder", files.folder().toString());
        Json.send(ctx, body);
    }

    void get(Context ctx) {
        Json.send(ctx, summary(existing(workspaces.load(), ctx.pathParam("name"))));
    }

    /** Create, update and delete go one at a time, so two saves of one name cannot both pass the checks. */
    synchronized void create(Context ctx) {
        JsonNode request = Json.objectBody(ctx);
        String name = name(request);
        if (definedNames().contains(name) || Files.exists(files.file(name))) {
            throw ApiError.conflict("name", "a segment or model named '" + name + "' already exists; choose another name");
        }
        JsonNode settings = settings(request);
        Segment segment = validate(name, settings);
        files.save(name, settings);
        log.accept("segment " + name + ": created through the API (" + files.file(name) + ")");
        ctx.status(201).header("Location", "/api/segments/" + name);
        Json.send(ctx, summary(segment));
    }

    synchronized void update(Context ctx) {
        String name = ctx.pathParam("name");
        editable(workspaces.load(), name);
        JsonNode request = Json.objectBody(ctx);
        if (request.has("name") && !name.equals(request.get("name").asText())) {
            throw ApiError.badRequest("name", "renaming is not supported: got '" + request.get("name").asText()
                    + "' for segment '" + name + "'; create a new segment and delete this one");
        }
        JsonNode settings = settings(request);
        Segment segment = validate(name, settings);
        files.save(name, settings);
        log.accept("segment " + name + ": updated through the API (" + files.file(name) + ")");
        Json.send(ctx, summary(segment));
    }

    synchronized void delete(Context ctx) {
        String name = ctx.pathParam("name");
        Workspace workspace = workspaces.load();
        editable(workspace, name);
        List<String> users = workspace.activations().values().stream()
                .filter(a -> a.model() == null && name.equals(a.target())).map(Activation::name).toList();
        if (!users.isEmpty()) {
            throw new ApiError(409, "Segment in use", "segment " + name + " is used by " + (users.size() == 1 ? "activation " : "activations ")
                    + String.join(", ", users) + "; delete them or point them at another model or segment first",
                    List.of(new ApiError.FieldError("activations", String.join(", ", users))));
        }
        files.delete(name);
        log.accept("segment " + name + ": deleted through the API");
        ctx.status(204);
    }

    /** {@code {model, filter}} → the count, columns and first rows of the model narrowed by the filter, and the model's count. */
    void preview(Context ctx) {
        JsonNode request = Json.objectBody(ctx);
        Workspace workspace = workspaces.load();
        Model model = model(workspace, request.get("model"));
        Problems problems = new Problems();
        Node root = Node.root(request, null, problems);
        root.allowKeys("model", "filter", "name", "description");
        // No filter (or null): the whole model, as the builder shows before its first condition.
        boolean whole = root.get("filter").isMissing();
        Filter filter = whole ? null : FilterParser.parse(root.get("filter"));
        if (!problems.isEmpty() || !whole && filter == null) {
            throw ProblemDetails.invalid("segment", "the filter", problems.list(), "");
        }
        try (Catalog catalog = new Catalog(workspace, clock)) {
            CompiledQuery query = whole ? CompiledQuery.of("SELECT * FROM " + model.asSubquery())
                    : catalog.compile(model, new Segment("preview", model.name(), filter), problems);
            if (query == null) {
                throw ProblemDetails.invalid("segment", "the filter", problems.list(), "");
            }
            SourceSession session = catalog.session(model.source());
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("model", model.name());
            try {
                body.put("count", SampleRows.count(session, query));
                body.put("model_count", SampleRows.count(session, CompiledQuery.of("SELECT * FROM " + model.asSubquery())));
                SampleRows.rows(session, query, SAMPLE_ROWS, body);
            } catch (SQLException e) {
                throw SluiceException.external("preview on model " + model.name() + " failed on source '" + model.source() + "': "
                        + Secrets.redact(String.valueOf(e.getMessage()).strip()), e);
            }
            Json.send(ctx, body);
        }
    }


    private static Model model(Workspace workspace, JsonNode value) {
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
            throw ApiError.badRequest("model", "required: the model the segment narrows");
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("model", "must be a text, got " + Node.describe(value));
        }
        Model model = workspace.models().get(value.textValue());
        if (model == null) {
            String name = value.textValue();
            throw ApiError.badRequest("model", "unknown model '" + name + "'" + Suggestions.didYouMean(name, workspace.models().keySet())
                    + (workspace.segments().containsKey(name) ? " (a segment is built on a model, not on another segment)" : "")
                    + (workspace.models().isEmpty() ? "; the workspace defines no models"
                            : "; known models: " + String.join(", ", workspace.models().keySet())));
        }
        return model;
    }

    /**
     * Loads the workspace with {@code settings} as the segment's file and compiles the segment
     * against its model's columns; a 400 with one error per offending field otherwise.
     */
    private Segment validate(String name, JsonNode settings) {
        Path file = files.file(name);
        String prefix = "segments." + name;
        Workspace workspace;
        try {
            workspace = workspaces.loadWith(Map.of(file, files.treeOf(name, settings)));
        } catch (WorkspaceException e) {
            List<Problem> mine = e.problems().stream().filter(p -> ProblemDetails.concerns(p, prefix)).toList();
            if (!mine.isEmpty()) {
                throw ProblemDetails.invalid("segment", "segment " + name, mine, prefix);
            }
            List<ApiError.FieldError> fields = e.problems().stream()
                    .map(p -> new ApiError.FieldError(p.path(), (p.file() == null ? "" : p.file() + ": ") + p.message())).toList();
            throw new ApiError(400, "The workspace has problems", "the workspace has problems outside this segment; fix them first: "
                    + e.problems().get(0), fields);
        }
        Segment segment = workspace.segments().get(name);
        if (segment == null || segment.file() == null || !files.owns(Path.of(segment.file()))) {
            Path base = workspaces.file().toAbsolutePath().normalize().getParent();
            String line = base.relativize(files.folder()) + "/*.yaml";
            throw new ApiError(409, "Segments folder not included", "the workspace " + workspaces.file()
                    + " does not include " + files.folder() + "; add " + line + " to its include list, e.g. include: [activations/*.yaml, segments/*.yaml] "
                    + "(what the web UI saves: activations and segments)",
                    List.of(new ApiError.FieldError("include", "must include " + line)));
        }
        Problems problems = new Problems();
        try (Catalog catalog = new Catalog(workspace, clock)) {
            if (catalog.compile(workspace.models().get(segment.model()), segment, problems) == null) {
                throw ProblemDetails.invalid("segment", "segment " + name, problems.list(), prefix);
            }
        }
        return segment;
    }

    /** The request's name, checked. */
    private static String name(JsonNode request) {
        JsonNode value = request.get("name");
        String problem;
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
            problem = "required: the segment's name (letters, digits, _ . -)";
        } else if (!value.isTextual()) {
            problem = "must be a text, got " + Node.describe(value);
        } else {
            problem = SavedFiles.checkName(value.textValue());
        }
        if (problem != null) {
            throw ApiError.badRequest("name", problem);
        }
        return value.textValue();
    }

    /** The segment's settings: the request without its name, {@code ${…}} kept as typed (see {@link LiteralText}). */
    private static JsonNode settings(JsonNode request) {
        ObjectNode settings = request.deepCopy();
        settings.remove("name");
        return LiteralText.escape(settings);
    }

    private List<String> definedNames() {
        try {
            Workspace workspace = workspaces.load();
            List<String> names = new java.util.ArrayList<>(workspace.segments().keySet());
            names.addAll(workspace.models().keySet());
            return names;
        } catch (WorkspaceException e) {
            return List.of();
        }
    }

    private static Segment existing(Workspace workspace, String name) {
        Segment segment = workspace.segments().get(name);
        if (segment == null) {
            throw ApiError.notFound("no segment named '" + name + "'");
        }
        return segment;
    }

    private void editable(Workspace workspace, String name) {
        String problem = SavedFiles.checkName(name);
        if (problem != null) {
            throw ApiError.badRequest("name", problem);
        }
        Segment segment = existing(workspace, name);
        if (!owned(segment)) {
            throw ApiError.conflict(null, "segment " + name + " is written by hand in " + segment.file()
                    + "; change it there (the web UI edits only the files of " + files.folder() + ")");
        }
    }

    private boolean owned(Segment segment) {
        return segment.file() != null && files.owns(Path.of(segment.file()));
    }

    private ObjectNode summary(Segment segment) {
        JsonNode raw = raw(segment);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", segment.name());
        body.put("model", segment.model());
        JsonNode description = raw.get("description");
        body.put("description", description == null || description.isNull() ? null : description.asText());
        body.set("filter", raw.path("filter").isMissingNode() ? null : raw.get("filter"));
        body.put("editable", owned(segment));
        body.put("file", segment.file());
        return body;
    }

    /** The segment's settings as written in its file, as typed. */
    private JsonNode raw(Segment segment) {
        if (segment.file() == null) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode tree = RAW_YAML.readTree(Path.of(segment.file()).toFile());
            return tree == null ? Json.MAPPER.createObjectNode() : LiteralText.unescape(tree.path("segments").path(segment.name()));
        } catch (IOException e) {
            throw SluiceException.external("cannot read " + segment.file() + ": " + e.getMessage(), e);
        }
    }
}
