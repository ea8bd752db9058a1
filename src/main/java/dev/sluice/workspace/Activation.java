package dev.sluice.workspace;

import dev.sluice.format.FileFormat;
import dev.sluice.plan.FileNameTemplate;
import dev.sluice.plan.Guards;
import dev.sluice.plan.Mapping;
import dev.sluice.plan.Retention;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.schedule.Schedule;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * One model or segment sent to one destination, with every setting of the activation. Exactly one
 * of {@code model} and {@code segment} is set. {@code file} is the workspace file it was read from.
 * {@code notifications} (the setting {@code notify}) names the workspace notifications that apply to it;
 * null when the setting is absent (then all apply). {@code verify}: the scheduled check of what it
 * published (null: none); {@code sign}: the key that signs its manifests (null: not signed).
 * {@code after}: the activations it runs after (empty: none); {@code pauseAfterFailures}: how many
 * failed or held runs in a row pause it (null: never);
 * {@code partitionBy}: the columns whose values name the folders of its objects (none when unset);
 * {@code trigger}: what starts it from outside (null: its schedule and manual runs only);
 * {@code audit}: whether each decided run logs its changes in the source's state schema.
 */
public record Activation(
        String name,
        String file,
        String model,
        String segment,
        String destination,
        String folder,
        FileNameTemplate fileName,
        ZoneId timezone,
        FileFormat format,
        List<Mapping> mapping,
        RunType runType,
        SyncMode syncMode,
        Schedule schedule,
        Long maxFileSize,
        Long maxRowsPerFile,
        EmptyFiles emptyFiles,
        boolean manifest,
        Boolean overwrite,
        Publish publish,
        InvalidRows invalidRows,
        Guards guards,
        List<String> notifications,
        Retention retention,
        StateLocation state,
        boolean enabled,
        VerifyCheck verify,
        SigningKey sign,
        SchemaChanges schemaChanges,
        boolean schemaFile,
        List<String> after,
        Integer pauseAfterFailures,
        dev.sluice.plan.PartitionBy partitionBy,
        Trigger trigger,
        boolean audit) {

    /**
     * What a run does when the schema it exports differs from the last published one: publish it
     * (with a warning), hold the run until accepted, or publish it under a new folder {@code FOLDER/vN/}.
     */
    public enum SchemaChanges { ALLOW, HOLD, NEW_VERSION }

    /** An enabled activation (the setting {@code enabled} left at its default), with {@code schema_changes} at its default. */
    public Activation(String name, String file, String model, String segment, String destination, String folder,
            FileNameTemplate fileName, ZoneId timezone, FileFormat format, List<Mapping> mapping, RunType runType,
            SyncMode syncMode, Schedule schedule, Long maxFileSize, Long maxRowsPerFile, EmptyFiles emptyFiles, boolean manifest,
            Boolean overwrite, Publish publish, InvalidRows invalidRows, Guards guards, List<String> notifications,
            Retention retention, StateLocation state, VerifyCheck verify, SigningKey sign) {
        this(name, file, model, segment, destination, folder, fileName, timezone, format, mapping, runType, syncMode, schedule,
                maxFileSize, maxRowsPerFile, emptyFiles, manifest, overwrite, publish, invalidRows, guards, notifications, retention,
                state, true, verify, sign, null, false, List.of(), null, null, null, false);
    }

    /** Where the activation's snapshot lives and its rows are compared: the embedded engine (default) or the source. */
    public enum StateLocation { ENGINE, SOURCE }

    /** What to do with an output that has no rows. */
    public enum EmptyFiles { WRITE, SKIP }

    /** How files reach their final names. */
    public enum Publish { STAGED, DIRECT }

    /** What to do with rows whose primary key is null or repeated. */
    public enum InvalidRows { FAIL, SKIP }

    public Activation {
        Objects.requireNonNull(name, "name is null");
        if ((model == null) == (segment == null)) {
            throw new IllegalArgumentException("exactly one of model and segment must be set");
        }
        mapping = List.copyOf(mapping);
        guards = guards == null ? Guards.NONE : guards;
        state = state == null ? StateLocation.ENGINE : state;
        notifications = notifications == null ? null : List.copyOf(notifications);
        schemaChanges = schemaChanges == null ? SchemaChanges.ALLOW : schemaChanges;
        after = after == null ? List.of() : List.copyOf(after);
        partitionBy = partitionBy == null ? dev.sluice.plan.PartitionBy.NONE : partitionBy;
    }

    /** As the canonical constructor, without upstream activations, never paused after failures, not partitioned. */
    public Activation(String name, String file, String model, String segment, String destination, String folder,
            FileNameTemplate fileName, ZoneId timezone, FileFormat format, List<Mapping> mapping, RunType runType,
            SyncMode syncMode, Schedule schedule, Long maxFileSize, Long maxRowsPerFile, EmptyFiles emptyFiles, boolean manifest,
            Boolean overwrite, Publish publish, InvalidRows invalidRows, Guards guards, List<String> notifications,
            Retention retention, StateLocation state, boolean enabled, VerifyCheck verify, SigningKey sign,
            SchemaChanges schemaChanges, boolean schemaFile) {
        this(name, file, model, segment, destination, folder, fileName, timezone, format, mapping, runType, syncMode, schedule,
                maxFileSize, maxRowsPerFile, emptyFiles, manifest, overwrite, publish, invalidRows, guards, notifications, retention,
                state, enabled, verify, sign, schemaChanges, schemaFile, List.of(), null, null, null, false);
    }

    /** As the canonical constructor, not partitioned ({@code partition_by} unset). */
    public Activation(String name, String file, String model, String segment, String destination, String folder,
            FileNameTemplate fileName, ZoneId timezone, FileFormat format, List<Mapping> mapping, RunType runType, SyncMode syncMode,
            Schedule schedule, Long maxFileSize, Long maxRowsPerFile, EmptyFiles emptyFiles, boolean manifest, Boolean overwrite,
            Publish publish, InvalidRows invalidRows, Guards guards, List<String> notifications, Retention retention,
            StateLocation state, boolean enabled, VerifyCheck verify, SigningKey sign, SchemaChanges schemaChanges, boolean schemaFile,
            List<String> after, Integer pauseAfterFailures) {
        this(name, file, model, segment, destination, folder, fileName, timezone, format, mapping, runType, syncMode, schedule,
                maxFileSize, maxRowsPerFile, emptyFiles, manifest, overwrite, publish, invalidRows, guards, notifications, retention,
                state, enabled, verify, sign, schemaChanges, schemaFile, after, pauseAfterFailures, null, null, false);
    }

    /** As above, neither verified nor signed. */
    public Activation(String name, String file, String model, String segment, String destination, String folder,
            FileNameTemplate fileName, ZoneId timezone, FileFormat format, List<Mapping> mapping, RunType runType, SyncMode syncMode,
            Schedule schedule, Long maxFileSize, Long maxRowsPerFile, EmptyFiles emptyFiles, boolean manifest, Boolean overwrite,
            Publish publish, InvalidRows invalidRows, Guards guards, List<String> notifications, Retention retention,
            StateLocation state) {
        this(name, file, model, segment, destination, folder, fileName, timezone, format, mapping, runType, syncMode, schedule,
                maxFileSize, maxRowsPerFile, emptyFiles, manifest, overwrite, publish, invalidRows, guards, notifications, retention,
                state, true, null, null, null, false, List.of(), null, null, null, false);
    }

    /** This activation writing to {@code folder} instead: a run under {@code schema_changes: new_version} writes to {@code FOLDER/vN}. */
    public Activation inFolder(String folder) {
        return new Activation(name, file, model, segment, destination, folder, fileName, timezone, format, mapping, runType, syncMode,
                schedule, maxFileSize, maxRowsPerFile, emptyFiles, manifest, overwrite, publish, invalidRows, guards, notifications,
                retention, state, enabled, verify, sign, schemaChanges, schemaFile, after, pauseAfterFailures, partitionBy, trigger, audit);
    }

    /** The name of the model or segment this activation exports. */
    public String target() {
        return model != null ? model : segment;
    }
}
