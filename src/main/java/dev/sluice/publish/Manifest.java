package dev.sluice.publish;

import dev.sluice.history.ExportedSchema;
import dev.sluice.history.FileRecord;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** {@code name.manifest.json}: written after the data files; its presence means the run's files are complete. */
public final class Manifest {
    private Manifest() {}

    /**
     * {@code kind} is {@code full} or {@code delta}; {@code fullReason} says why a run was full (null
     * for delta runs): a consumer that sees a full run may replace its state instead of applying it.
     * {@code schema} (when known) adds {@code folder} and {@code schema}: its version, columns and key.
     */
    public static Path write(Path file, String run, String activation, String runType, String syncMode, String kind,
            String fullReason, Instant start, Instant end, List<FileRecord> files, ExportedSchema schema) throws IOException {
        ObjectNode root = JsonText.MAPPER.createObjectNode();
        root.put("run", run).put("activation", activation).put("run_type", runType).put("sync_mode", syncMode)
                .put("kind", kind).put("full_reason", fullReason)
                .put("started_at", start.toString()).put("ended_at", end.toString());
        if (schema != null) {
            // Where this run's files are (the activation's folder, or FOLDER/vN under schema_changes: new_version), and their schema.
            root.put("folder", schema.folder());
            ObjectNode described = root.putObject("schema").put("version", schema.version());
            ArrayNode columns = described.putArray("columns");
            for (ExportedSchema.Field f : schema.columns()) {
                columns.addObject().put("name", f.name()).put("type", f.type()).put("nullable", f.nullable());
            }
            ArrayNode key = described.putArray("primary_key");
            schema.primaryKey().forEach(key::add);
        }
        ArrayNode list = root.putArray("files");
        for (FileRecord f : files) {
            list.addObject().put("object", f.object()).put("rows", f.rows()).put("bytes", f.bytes()).put("crc32c", f.crc32c());
        }
        Files.write(file, JsonText.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }
}
