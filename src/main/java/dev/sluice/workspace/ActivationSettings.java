package dev.sluice.workspace;

import dev.sluice.config.SettingSpec;
import dev.sluice.config.SettingSpec.Kind;
import dev.sluice.format.FileFormats;
import dev.sluice.plan.Guards;
import dev.sluice.plan.Retention;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.schedule.Schedule;
import java.util.Comparator;
import java.util.List;

/**
 * Every setting of an activation, described once: the parser takes its accepted keys from here,
 * the server serves it ({@code GET /api/schema}, from which the web form is drawn) and builds the
 * OpenAPI document's {@code Activation} schema from it, and {@code SettingsDocsTest} checks the
 * activation table of docs/workspace.md against it. Allowed values come from the enums the parser
 * reads, so they cannot drift. Adding a setting: a line here, its reading in {@link ActivationParser},
 * its line in docs/workspace.md.
 */
public final class ActivationSettings {
    /** The form's groups, in order, with their titles. */
    public static final List<Group> GROUPS = List.of(
            new Group("what", "What and where"),
            new Group("files", "Files"),
            new Group("output", "Splitting, empty outputs, publishing"),
            new Group("mapping", "Attribute mapping"),
            new Group("changes", "Run type and sync mode"),
            new Group("guards", "Guards"),
            new Group("schedule", "Schedule"),
            new Group("after", "After the run"));

    /** A form group: its key (as in {@link SettingSpec#group()}) and title. */
    public record Group(String key, String title) {}

    /** The settings, in form order. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("model").absent("required, exactly one").in("what", 1)
                    .help("the model to export (give either model or segment)"),
            SettingSpec.text("segment").absent("required, exactly one").in("what", 2)
                    .help("the segment to export (give either model or segment)"),
            SettingSpec.text("destination").asRequired().in("what", 3).help("a destination's name"),
            SettingSpec.text("description").in("what", 4).help("free text, kept but not used"),
            SettingSpec.text("folder").withDefault("", "bucket root").in("files", 10)
                    .help("where objects go in the destination; empty for the root"),
            SettingSpec.text("file_name").withDefault("{activation}").in("files", 11)
                    .help("a template: {YYYY} {YY} {MM} {DD} {HH} {mm} {ss} {ms} {X} {x} {activation} {model} {run}"),
            SettingSpec.text("timezone").withDefault("UTC").in("files", 12).help("the IANA zone of the file name's time variables"),
            SettingSpec.of("format", Kind.TYPED).allowing(FileFormats.typeNames()).withDefault("csv").in("files", 13)
                    .help("a format's name, or a mapping with type and the format's options"),
            SettingSpec.objectList("partition_by", dev.sluice.plan.PartitionBy.ENTRY).absent("none: every object in the folder")
                    .in("files", 14).help("Hive-style folders by column values: [country] or [{column: created_at, as: month}]"),
            SettingSpec.integer("max_partitions").withDefault(dev.sluice.plan.PartitionBy.DEFAULT_MAX_PARTITIONS, "1000").in("files", 15)
                    .help("a run that would write more partitions than this fails before writing anything"),
            SettingSpec.of("max_file_size", Kind.SIZE).absent("no limit").in("output", 20)
                    .help("split into numbered parts (name-00001…) below this size: 256MB, 1GiB"),
            SettingSpec.integer("max_rows_per_file").absent("no limit").in("output", 21).help("split into parts of at most this many rows"),
            SettingSpec.choice("empty_files", Activation.EmptyFiles.class).withDefault("write").in("output", 22)
                    .help("skip writes no file for an output without rows"),
            SettingSpec.bool("manifest", false).in("output", 23)
                    .help("write NAME.manifest.json after the files (rows, bytes, CRC32C of each)"),
            SettingSpec.of("overwrite", Kind.BOOLEAN).absent("unset: snapshot replaces its own objects, delta modes never replace")
                    .in("output", 24).help("true replaces any object of the same name; false refuses any existing object"),
            SettingSpec.choice("publish", Activation.Publish.class).withDefault("staged").in("output", 25)
                    .help("staged moves files to their names once all are uploaded; direct writes them under their names"),
            SettingSpec.object("sign", SigningKey.SETTINGS).absent("none: manifests are not signed").in("output", 26)
                    .help("sign each manifest with an Ed25519 key: NAME.manifest.json.sig (needs manifest: true)"),
            SettingSpec.bool("schema_file", false).in("output", 27)
                    .help("write FOLDER/_schema.json beside the data: the exported columns in the format's own terms"),
            SettingSpec.objectList("mapping", List.of(
                            SettingSpec.text("from").asRequired().in("mapping", 1).help("the model's column"),
                            SettingSpec.text("to").absent("the from name").in("mapping", 2).help("the exported name")))
                    .absent("every column, same name").in("mapping", 30).help("the exported attributes, in order, renamed"),
            SettingSpec.choice("sync_mode", SyncMode.class).withDefault("snapshot").in("changes", 40)
                    .help("snapshot: every row; upsert: added and updated; insert: added; difference: three files"),
            SettingSpec.choice("run_type", RunType.class).absent("full_only for snapshot, else full_then_delta").in("changes", 41)
                    .help("full_only: every run exports everything; full_then_delta: later runs export the changes"),
            SettingSpec.choice("invalid_rows", Activation.InvalidRows.class).withDefault("fail").in("changes", 42)
                    .help("rows whose primary key is null or repeated: fail the run, or skip them"),
            SettingSpec.choice("state", Activation.StateLocation.class).withDefault("engine").in("changes", 43)
                    .help("where the snapshot is kept and compared: the embedded engine, or the source (PostgreSQL)"),
            SettingSpec.bool("audit", false).in("changes", 43)
                    .help("with state: source, each run appends the keys it added, updated and removed to STATE.changes_NAME in the source"),
            SettingSpec.choice("schema_changes", Activation.SchemaChanges.class).withDefault("allow").in("changes", 44)
                    .help("when the exported schema changes: allow publishes (a warning), hold holds the run, new_version writes to FOLDER/vN/"),
            SettingSpec.object("guards", Guards.SETTINGS).absent("none").in("guards", 50)
                    .help("limits checked before publishing; a run that breaks one is held"),
            SettingSpec.bool("enabled", true).in("schedule", 59)
                    .help("the scheduler runs it; false pauses it (a manual run still works and is recorded with a warning)"),
            SettingSpec.object("schedule", Schedule.SETTINGS).absent("none: manual runs only").in("schedule", 60)
                    .help("when sluice serve runs it by itself: {every: 15m} or {cron, timezone}"),
            SettingSpec.of("after", Kind.TEXT_LIST).absent("none").in("schedule", 61)
                    .help("activations it runs after: sluice serve runs it once all have succeeded since its last run"),
            SettingSpec.integer("pause_after_failures").absent("off: never paused by failures").in("schedule", 62)
                    .help("pause it after this many failed or held runs in a row; sluice resume (or a successful run) resumes it"),
            SettingSpec.object("trigger", Trigger.SETTINGS).absent("none: the schedule and manual runs only").in("schedule", 63)
                    .help("what starts it from outside: {dbt_cloud: {job_id, secret}}, a dbt Cloud job's successful runs"),
            SettingSpec.of("notify", Kind.TEXT_LIST).absent("every notification of the workspace").in("after", 70)
                    .help("the notifications it sends; [] for none"),
            SettingSpec.object("retention", Retention.SETTINGS).absent("none: published files are kept").in("after", 71)
                    .help("delete files of earlier runs once they leave the window (keep_runs, keep_days, or both)"),
            SettingSpec.object("verify", VerifyCheck.SETTINGS).absent("none: only sluice verify checks").in("after", 72)
                    .help("how often sluice serve compares the published files with the destination: {every: 1h}"));

    /** The keys an activation accepts. */
    public static final List<String> KEYS = SettingSpec.keys(SETTINGS);

    static {
        List<SettingSpec> sorted = SETTINGS.stream().sorted(Comparator.comparingInt(SettingSpec::order)).toList();
        if (!sorted.equals(SETTINGS)) {
            throw new IllegalStateException("activation settings must be listed in form order");
        }
    }

    private ActivationSettings() {}
}
