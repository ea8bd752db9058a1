package dev.sluice.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sluice.plan.Guards;
import dev.sluice.history.FileRecord;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything recorded of a run. {@code kind} is full or delta; {@code fullReason} says why a run
 * of a full_then_delta activation was full; {@code retention} what the activation's retention
 * deleted after the run (null when it has none); {@code billing} what its source's dry runs
 * estimated it would bill (null unless the source bills by bytes). Never holds a secret.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
// Read back from the history and from `run --json` (which adds the notifications' deliveries): fields it does not hold are skipped.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record RunRecord(
        String id,
        String activation,
        String trigger,
        RunStatus status,
        String kind,
        String fullReason,
        Instant startedAt,
        Instant endedAt,
        Counts counts,
        List<FileRecord> files,
        List<String> warnings,
        String error,
        Map<String, Long> phases,
        List<Guards.Result> guards,
        boolean guardsLifted,
        RetentionReport retention,
        ExportedSchema schema,
        Billing billing) {

    public RunRecord {
        files = files == null ? List.of() : List.copyOf(files);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        counts = counts == null ? Counts.ZERO : counts;
        phases = phases == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        guards = guards == null ? List.of() : List.copyOf(guards);
    }

    /** This record with the time its phases took, in milliseconds, in the order they ran. */
    public RunRecord withPhases(Map<String, Long> phases) {
        return new RunRecord(id, activation, trigger, status, kind, fullReason, startedAt, endedAt, counts, files, warnings, error, phases, guards, guardsLifted, retention, schema, billing);
    }

    public static RunRecord started(String id, String activation, String trigger, Instant at) {
        return new RunRecord(id, activation, trigger, RunStatus.RUNNING, null, null, at, null, Counts.ZERO, List.of(), List.of(), null, Map.of(), List.of(), false, null, null, null);
    }

    /** A scheduled run that did not start because another run of the activation was going. */
    public static RunRecord skipped(String id, String activation, String trigger, Instant at, String reason) {
        return new RunRecord(id, activation, trigger, RunStatus.SKIPPED, null, null, at, at, Counts.ZERO, List.of(), List.of(), reason, Map.of(), List.of(), false, null, null, null);
    }

    public RunRecord planned(String kind, String fullReason) {
        return new RunRecord(id, activation, trigger, status, kind, fullReason, startedAt, endedAt, counts, files, warnings, error, phases, guards, guardsLifted, retention, schema, billing);
    }

    public RunRecord succeeded(Instant at, Counts counts, List<FileRecord> files, List<String> warnings) {
        return new RunRecord(id, activation, trigger, RunStatus.SUCCEEDED, kind, fullReason, startedAt, at, counts, files, warnings, null, phases, guards, guardsLifted, retention, schema, billing);
    }

    public RunRecord failed(Instant at, Counts counts, List<String> warnings, String error) {
        return new RunRecord(id, activation, trigger, RunStatus.FAILED, kind, fullReason, startedAt, at, counts, List.of(), warnings, error, phases, guards, guardsLifted, retention, schema, billing);
    }

    /** This record with the files and warnings it will have if it succeeds (recorded before its decision point). */
    public RunRecord withFiles(List<FileRecord> files, List<String> warnings) {
        return new RunRecord(id, activation, trigger, status, kind, fullReason, startedAt, endedAt, counts, files, warnings, error, phases, guards, guardsLifted, retention, schema, billing);
    }

    /** This record with what its guards found; {@code lifted} when the run was told to go on past broken guards. */
    public RunRecord withGuards(List<Guards.Result> guards, boolean lifted) {
        return new RunRecord(id, activation, trigger, status, kind, fullReason, startedAt, endedAt, counts, files, warnings, error, phases,
                guards, lifted, retention, schema, billing);
    }

    /** A run that broke a guard: nothing published, the snapshot kept; {@code error} names each broken guard. */
    public RunRecord held(Instant at, Counts counts, String error) {
        return new RunRecord(id, activation, trigger, RunStatus.HELD, kind, fullReason, startedAt, at, counts, List.of(), warnings, error,
                phases, guards, guardsLifted, retention, schema, billing);
    }

    /** This record with the schema it exports (its version, columns and key, and the folder it publishes to). */
    public RunRecord withSchema(ExportedSchema schema) {
        return new RunRecord(id, activation, trigger, status, kind, fullReason, startedAt, endedAt, counts, files, warnings, error, phases,
                guards, guardsLifted, retention, schema, billing);
    }

    /** This record with what retention deleted, or would delete in a dry run. */
    public RunRecord withRetention(RetentionReport retention) {
        return new RunRecord(id, activation, trigger, status, kind, fullReason, startedAt, endedAt, counts, files, warnings, error, phases,
                guards, guardsLifted, retention, schema, billing);
    }

    /** A dry run's outcome: {@code files} are the objects it would write (rows planned; bytes and CRC32C unknown). */
    public RunRecord dryRun(Instant at, List<FileRecord> files) {
        return new RunRecord(id, activation, trigger, RunStatus.DRY_RUN, kind, fullReason, startedAt, at, counts, files, warnings, error,
                phases, guards, guardsLifted, retention, schema, billing);
    }

    /** This record with the bytes its source's dry runs estimated it would bill (BigQuery). */
    public RunRecord withBilling(Billing billing) {
        return new RunRecord(id, activation, trigger, status, kind, fullReason, startedAt, endedAt, counts, files, warnings, error, phases,
                guards, guardsLifted, retention, schema, billing);
    }

    public RunRecord withCounts(Counts counts) {
        return new RunRecord(id, activation, trigger, status, kind, fullReason, startedAt, endedAt, counts, files, warnings, error, phases, guards, guardsLifted, retention, schema, billing);
    }
}
