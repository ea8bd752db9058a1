package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.engine.Column;
import dev.sluice.plan.FolderPath;
import dev.sluice.source.Model;
import dev.sluice.workspace.Catalog;
import dev.sluice.workspace.Workspace;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Locale;

/**
 * What activations are built from: models (with their columns), segments and destinations, and
 * the destination check. Only names, queries and where things are: never a password or key.
 */
final class CatalogApi {
    private final Workspaces workspaces;
    private final Clock clock;

    CatalogApi(Workspaces workspaces, Clock clock) {
        this.workspaces = workspaces;
        this.clock = clock;
    }

    void models(Context ctx) {
        Workspace workspace = workspaces.load();
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Model model : workspace.models().values()) {
            ObjectNode item = list.addObject();
            item.put("name", model.name());
            item.put("source", model.source());
            item.set("primary_key", Json.MAPPER.valueToTree(model.primaryKey()));
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("models", list);
        Json.send(ctx, body);
    }

    /**
     * One model: its source, primary key, columns (logical and source type), row count and its
     * first {@value #SAMPLE_ROWS} rows, read through the source's session as {@code sluice preview} does.
     */
    void model(Context ctx) {
        String name = ctx.pathParam("name");
        Workspace workspace = workspaces.load();
        Model model = workspace.models().get(name);
        if (model == null) {
            throw ApiError.notFound("no model named '" + name + "'");
        }
        workspace.requireSet("preview " + name, workspace.needsOfTarget(name));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", model.name());
        body.put("source", model.source());
        body.set("primary_key", Json.MAPPER.valueToTree(model.primaryKey()));
        try (Catalog catalog = new Catalog(workspace, clock)) {
            ArrayNode columns = body.putArray("columns");
            for (Column column : catalog.columns(model)) {
                columns.addObject().put("name", column.name()).put("type", column.type().name().toLowerCase(Locale.ROOT))
                        .put("source_type", column.sourceType());
            }
            SampleRows.read(catalog, name, SAMPLE_ROWS, body);
        }
        Json.send(ctx, body);
    }

    /** How many rows the model page shows. */
    static final int SAMPLE_ROWS = 20;

    void destinations(Context ctx) {
        Workspace workspace = workspaces.load();
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (DestinationConfig destination : workspace.destinations().values()) {
            list.addObject().put("name", destination.name()).put("type", destination.type())
                    .put("where", destination.describe())
                    .set("settings", DestinationSettings.shown(workspaces.file(), destination));
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("destinations", list);
        Json.send(ctx, body);
    }

    /** The columns of a model, or of a segment's model: the attributes a mapping can use. */
    void columns(Context ctx) {
        String name = ctx.pathParam("name");
        Workspace workspace = workspaces.load();
        if (!workspace.models().containsKey(name) && !workspace.segments().containsKey(name)) {
            throw ApiError.notFound("no model or segment named '" + name + "'");
        }
        Model model = workspace.modelOf(name);
        ArrayNode list = Json.MAPPER.createArrayNode();
        try (Catalog catalog = new Catalog(workspace, clock)) {
            for (Column column : catalog.columns(model)) {
                list.addObject().put("name", column.name()).put("type", column.type().name().toLowerCase(Locale.ROOT))
                        .put("source_type", column.sourceType());
            }
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model.name());
        body.set("primary_key", Json.MAPPER.valueToTree(model.primaryKey()));
        body.set("columns", list);
        Json.send(ctx, body);
    }

    /** Writes, reads back and deletes a probe object, as {@code sluice check} does. */
    void check(Context ctx) {
        String name = ctx.pathParam("name");
        Workspace workspace = workspaces.load();
        DestinationConfig config = workspace.destinations().get(name);
        if (config == null) {
            throw ApiError.notFound("no destination named '" + name + "'");
        }
        String folder = "";
        String requested = ctx.queryParam("folder");
        if (requested != null) {
            try {
                folder = FolderPath.normalise(requested);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("folder", e.getMessage());
            }
        }
        try (Destination destination = config.open()) {
            destination.check(folder);
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("ok", true);
        body.put("destination", name);
        body.put("message", "wrote, read back and deleted a probe object in " + config.describe()
                + (folder.isEmpty() ? "" : " under " + folder + "/"));
        Json.send(ctx, body);
    }
}
