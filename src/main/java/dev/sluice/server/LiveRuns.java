package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.run.Progress;
import dev.sluice.run.RunEvent;
import dev.sluice.run.RunListener;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs going in this server, as their events tell them: each run's phase and counts so far,
 * from its start to its end. What {@code GET /api/runs/{id}} adds to a running run's record as
 * {@code progress}; an ended run is read from the history alone.
 */
final class LiveRuns implements RunListener {
    private final Map<String, Progress> runs = new ConcurrentHashMap<>();

    @Override
    public void on(RunEvent event) {
        if (event.run() == null) {
            return; // before the run's start: its recovery of earlier runs
        }
        if (event instanceof RunEvent.Finished) {
            runs.remove(event.run());
        } else {
            runs.compute(event.run(), (id, progress) -> (progress == null ? Progress.NONE : progress).after(event));
        }
    }

    /** The progress of run {@code id} if it is going. */
    Optional<Progress> get(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    /** Adds {@code progress} to {@code run} (a record as the API shows it) when the run is going. */
    ObjectNode shown(ObjectNode run) {
        get(run.path("id").asText()).ifPresent(p -> run.set("progress", json(p)));
        return run;
    }

    static ObjectNode json(Progress p) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("phase", p.phase());
        if (p.rowsRead() < 0) {
            json.putNull("rowsRead");
        } else {
            json.put("rowsRead", p.rowsRead());
        }
        json.put("rowsWritten", p.rowsWritten());
        json.put("filesWritten", p.filesWritten());
        json.put("filesUploaded", p.filesUploaded());
        json.put("bytesUploaded", p.bytesUploaded());
        if (p.bytesToUpload() < 0) {
            json.putNull("filesToUpload");
            json.putNull("bytesToUpload");
        } else {
            json.put("filesToUpload", p.filesToUpload());
            json.put("bytesToUpload", p.bytesToUpload());
        }
        json.put("updatedAt", p.at() == null ? null : p.at().toString());
        return json;
    }
}
