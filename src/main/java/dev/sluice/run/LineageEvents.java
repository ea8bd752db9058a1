package dev.sluice.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.history.FileRecord;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;
import dev.sluice.notify.Notice;
import dev.sluice.notify.OpenLineageSender;
import dev.sluice.source.Model;
import dev.sluice.source.Source;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.LineageConfig;
import dev.sluice.workspace.Workspace;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The OpenLineage events of a run, when the workspace has {@code lineage:} (see
 * docs/workspace.md#lineage): START (sent as the run starts), then COMPLETE (succeeded), FAIL
 * (failed, or held: the reason in the {@code errorMessage} facet) or ABORT (skipped). The job is
 * the activation in the lineage namespace; the input dataset is the model (namespace from its source,
 * name the model's name), the output the activation's folder in its destination (namespace
 * {@code gs://BUCKET} or {@code file://PATH}) with the exported schema and, on success, the
 * rows, bytes and files published. Built with the official OpenLineage model classes; delivered as
 * notifications are ({@link OpenLineageSender}), so they never change the run's outcome.
 */
public final class LineageEvents {
    /** Who produced the events: Sluice, with its version when known. */
    static final URI PRODUCER = URI.create("urn:sluice:" + version());
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private LineageEvents() {}

    /** The events of the run that ended with {@code record}, START and its end, to be delivered in order; none without {@code lineage:}. */
    public static List<Outgoing> of(Workspace workspace, RunRecord record) {
        List<Outgoing> start = start(workspace, record.activation(), record.id(),
                record.startedAt() != null ? record.startedAt() : Instant.now());
        if (start.isEmpty() || record.status() == RunStatus.RUNNING || record.status() == RunStatus.DRY_RUN) {
            return List.of();
        }
        List<Outgoing> all = new ArrayList<>(start);
        all.addAll(end(workspace, record));
        return all;
    }

    /**
     * The START event of run {@code runId} of {@code activationName}, sent as the run starts (so that a
     * lineage tool shows it running); none without {@code lineage:}. Its output has no schema yet.
     */
    public static List<Outgoing> start(Workspace workspace, String activationName, String runId, Instant startedAt) {
        LineageConfig config = workspace.lineage();
        Activation activation = workspace.activations().get(activationName);
        if (config == null || activation == null) {
            return List.of();
        }
        OpenLineage ol = new OpenLineage(PRODUCER);
        OpenLineage.RunEvent start = ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.START)
                .eventTime(startedAt.atZone(ZoneOffset.UTC))
                .run(ol.newRun(runUuid(runId), null)).job(job(ol, config, activation)).inputs(inputs(ol, workspace, activation))
                .outputs(outputs(ol, workspace, activation, null, false)).build();
        return List.of(outgoing(activation, runId, new OpenLineageSender(config.target(), config.apiKey(), TIMEOUT), start));
    }

    /**
     * The event that ends the run of {@code record}: COMPLETE (succeeded), FAIL (failed, or held: the
     * reason in the {@code errorMessage} facet) or ABORT (skipped); none without {@code lineage:},
     * for a run still going and for a dry run.
     */
    public static List<Outgoing> end(Workspace workspace, RunRecord record) {
        LineageConfig config = workspace.lineage();
        Activation activation = workspace.activations().get(record.activation());
        if (config == null || activation == null || record.status() == RunStatus.RUNNING || record.status() == RunStatus.DRY_RUN) {
            return List.of();
        }
        OpenLineage ol = new OpenLineage(PRODUCER);
        OpenLineage.RunEvent.EventType type = switch (record.status()) {
            case SUCCEEDED -> OpenLineage.RunEvent.EventType.COMPLETE;
            case SKIPPED -> OpenLineage.RunEvent.EventType.ABORT;
            default -> OpenLineage.RunEvent.EventType.FAIL;
        };
        OpenLineage.RunFacets facets = null;
        if (record.status() == RunStatus.FAILED || record.status() == RunStatus.HELD || record.status() == RunStatus.SKIPPED) {
            String reason = record.error() == null ? record.status().json() : record.error();
            String message = record.status() == RunStatus.HELD ? "held: " + reason : reason;
            facets = ol.newRunFacetsBuilder().errorMessage(ol.newErrorMessageRunFacet(message, "Java", null)).build();
        }
        OpenLineage.RunEvent end = ol.newRunEventBuilder().eventType(type)
                .eventTime((record.endedAt() != null ? record.endedAt() : Instant.now()).atZone(ZoneOffset.UTC))
                .run(ol.newRun(runUuid(record.id()), facets)).job(job(ol, config, activation)).inputs(inputs(ol, workspace, activation))
                .outputs(outputs(ol, workspace, activation, record, record.status() == RunStatus.SUCCEEDED)).build();
        return List.of(outgoing(activation, record.id(), new OpenLineageSender(config.target(), config.apiKey(), TIMEOUT), end));
    }

    /** The OpenLineage run id of a Sluice run: a name-based UUID of its id, the same in every event of the run. */
    private static UUID runUuid(String runId) {
        return UUID.nameUUIDFromBytes(("sluice run " + runId).getBytes(StandardCharsets.UTF_8));
    }

    private static OpenLineage.Job job(OpenLineage ol, LineageConfig config, Activation activation) {
        OpenLineage.JobFacets jobFacets = ol.newJobFacetsBuilder().jobType(ol.newJobTypeJobFacet("BATCH", "SLUICE", "ACTIVATION")).build();
        return ol.newJob(config.namespace(), activation.name(), jobFacets);
    }

    private static Outgoing outgoing(Activation activation, String runId, OpenLineageSender sender, OpenLineage.RunEvent event) {
        ObjectNode document;
        try {
            document = (ObjectNode) JsonText.MAPPER.readTree(OpenLineageClientUtils.toJson(event));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write an OpenLineage event: " + e.getMessage(), e);
        }
        String kind = event.getEventType().name().toLowerCase(java.util.Locale.ROOT);
        Notice notice = new Notice("lineage_" + kind, runId, "OpenLineage " + event.getEventType() + " of " + activation.name(),
                List.of(), document, null);
        return new Outgoing(activation.name(), runId, sender, notice);
    }

    private static List<OpenLineage.InputDataset> inputs(OpenLineage ol, Workspace workspace, Activation activation) {
        Model model = workspace.modelOf(activation.target());
        if (model == null) {
            return List.of();
        }
        Source source = workspace.sourceOf(model);
        String namespace = source == null ? "sluice" : source.lineageNamespace();
        return List.of(ol.newInputDatasetBuilder().namespace(namespace).name(model.name()).build());
    }

    private static List<OpenLineage.OutputDataset> outputs(OpenLineage ol, Workspace workspace, Activation activation, RunRecord record,
            boolean published) {
        DestinationConfig destination = workspace.destinations().get(activation.destination());
        if (destination == null) {
            return List.of();
        }
        String folder = record != null && record.schema() != null && record.schema().folder() != null ? record.schema().folder()
                : activation.folder();
        OpenLineage.OutputDatasetBuilder output = ol.newOutputDatasetBuilder().namespace(destination.lineageNamespace())
                .name(folder == null || folder.isEmpty() ? "/" : folder);
        if (record != null && record.schema() != null) {
            List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
            record.schema().columns().forEach(c -> fields.add(ol.newSchemaDatasetFacetFields(c.name(), c.type(), null, null)));
            output.facets(ol.newDatasetFacetsBuilder().schema(ol.newSchemaDatasetFacet(fields)).build());
        }
        if (published) {
            long bytes = record.files().stream().mapToLong(FileRecord::bytes).sum();
            output.outputFacets(ol.newOutputDatasetOutputFacetsBuilder()
                    .outputStatistics(ol.newOutputStatisticsOutputDatasetFacet(record.counts().written(), bytes, (long) record.files().size()))
                    .build());
        }
        return List.of(output.build());
    }

    private static String version() {
        String version = LineageEvents.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
