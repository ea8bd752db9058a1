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
 * The OpenLineage events of a run that ended, when the workspace has {@code lineage:} (see
 * docs/workspace.md#lineage): START (at the run's start time), then COMPLETE (succeeded), FAIL
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

    /** The events of the run that ended with {@code record}, to be delivered in order; none without {@code lineage:}. */
    public static List<Outgoing> of(Workspace workspace, RunRecord record) {
        LineageConfig config = workspace.lineage();
        Activation activation = workspace.activations().get(record.activation());
        if (config == null || activation == null || record.status() == RunStatus.RUNNING || record.status() == RunStatus.DRY_RUN) {
            return List.of();
        }
        OpenLineage ol = new OpenLineage(PRODUCER);
        UUID runId = UUID.nameUUIDFromBytes(("sluice run " + record.id()).getBytes(StandardCharsets.UTF_8));
        OpenLineage.JobFacets jobFacets = ol.newJobFacetsBuilder().jobType(ol.newJobTypeJobFacet("BATCH", "SLUICE", "ACTIVATION")).build();
        OpenLineage.Job job = ol.newJob(config.namespace(), activation.name(), jobFacets);
        List<OpenLineage.InputDataset> inputs = inputs(ol, workspace, activation);
        List<OpenLineage.OutputDataset> outputs = outputs(ol, workspace, activation, record, false);
        OpenLineage.RunEvent start = ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.START)
                .eventTime((record.startedAt() != null ? record.startedAt() : Instant.now()).atZone(ZoneOffset.UTC))
                .run(ol.newRun(runId, null)).job(job).inputs(inputs).outputs(outputs).build();
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
                .run(ol.newRun(runId, facets)).job(job).inputs(inputs)
                .outputs(outputs(ol, workspace, activation, record, record.status() == RunStatus.SUCCEEDED)).build();
        OpenLineageSender sender = new OpenLineageSender(config.target(), config.apiKey(), TIMEOUT);
        return List.of(outgoing(activation, record, sender, start), outgoing(activation, record, sender, end));
    }

    private static Outgoing outgoing(Activation activation, RunRecord record, OpenLineageSender sender, OpenLineage.RunEvent event) {
        ObjectNode document;
        try {
            document = (ObjectNode) JsonText.MAPPER.readTree(OpenLineageClientUtils.toJson(event));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write an OpenLineage event: " + e.getMessage(), e);
        }
        String kind = event.getEventType().name().toLowerCase(java.util.Locale.ROOT);
        Notice notice = new Notice("lineage_" + kind, record.id(), "OpenLineage " + event.getEventType() + " of " + activation.name(),
                List.of(), document, null);
        return new Outgoing(activation.name(), record.id(), sender, notice);
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
        String folder = record.schema() != null && record.schema().folder() != null ? record.schema().folder() : activation.folder();
        OpenLineage.OutputDatasetBuilder output = ol.newOutputDatasetBuilder().namespace(destination.lineageNamespace())
                .name(folder == null || folder.isEmpty() ? "/" : folder);
        if (record.schema() != null) {
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
