package dev.sluice.workspace;

import dev.sluice.config.ByteSize;
import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.format.FileFormat;
import dev.sluice.format.FileFormats;
import dev.sluice.plan.FileNameTemplate;
import dev.sluice.plan.FolderPath;
import dev.sluice.plan.Guards;
import dev.sluice.plan.Mapping;
import dev.sluice.plan.PartitionBy;
import dev.sluice.plan.Retention;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.schedule.Schedule;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads and checks one activation's settings (references to other entries are checked by the caller). */
final class ActivationParser {
    /** The keys an activation accepts: those {@link ActivationSettings} describes. */
    static final List<String> KEYS = ActivationSettings.KEYS;

    private static final String DEFAULT_FILE_NAME = (String) spec("file_name").defaultValue();

    private ActivationParser() {}

    static Activation parse(String name, Node node, java.nio.file.Path baseDir) {
        if (!node.expectObject()) {
            return null;
        }
        node.allowKeys(KEYS);
        int before = node.problems().size();
        String model = node.text("model", null);
        String segment = node.text("segment", null);
        if (model == null && segment == null) {
            node.problem("model", "required: model or segment (what to export)");
        } else if (model != null && segment != null) {
            node.problem("segment", "give either model or segment, not both");
        }
        String destination = node.requiredText("destination");
        String folder = node.parse("folder", FolderPath::normalise, "the bucket root").orElse("");
        FileNameTemplate fileName = node.has("file_name")
                ? node.parse("file_name", FileNameTemplate::parse, DEFAULT_FILE_NAME).orElse(null)
                : FileNameTemplate.parse(DEFAULT_FILE_NAME);
        ZoneId timezone = node.parse("timezone", Schedule::zone, "UTC").orElse(ZoneOffset.UTC);
        FileFormat format = FileFormats.parse(node.get("format"));
        List<Mapping> mapping = mapping(node.get("mapping"), format);
        SyncMode syncMode = node.choice("sync_mode", SyncMode.class, defaultOf("sync_mode", SyncMode.class));
        RunType runType = node.choice("run_type", RunType.class, syncMode.defaultRunType());
        String incompatibility = syncMode.incompatibility(runType);
        if (incompatibility != null) {
            node.problem("sync_mode", incompatibility);
        }
        Schedule schedule = Schedule.parse(node.get("schedule"));
        Long maxFileSize = node.parse("max_file_size", ByteSize::parse).orElse(null);
        Long maxRows = node.longAtLeast("max_rows_per_file", 1);
        Activation.EmptyFiles emptyFiles = node.choice("empty_files", Activation.EmptyFiles.class,
                defaultOf("empty_files", Activation.EmptyFiles.class));
        boolean manifest = node.bool("manifest", (Boolean) spec("manifest").defaultValue());
        // Unset (null): a snapshot activation replaces its own objects, a delta one refuses to.
        Boolean overwrite = node.get("overwrite").isUnset("snapshot replaces its own objects, delta modes never replace")
                ? null : node.bool("overwrite", true);
        Activation.Publish publish = node.choice("publish", Activation.Publish.class, defaultOf("publish", Activation.Publish.class));
        Activation.InvalidRows invalidRows = node.choice("invalid_rows", Activation.InvalidRows.class,
                defaultOf("invalid_rows", Activation.InvalidRows.class));
        Guards guards = Guards.parse(node.get("guards"));
        // Unset: every notification of the workspace applies; [] none. The names are checked by the caller.
        List<String> notify = node.get("notify").isUnset("every notification of the workspace") ? null : node.textList("notify");
        Retention retention = Retention.parse(node.get("retention"));
        Activation.StateLocation state = node.choice("state", Activation.StateLocation.class,
                defaultOf("state", Activation.StateLocation.class));
        boolean audit = node.bool("audit", (Boolean) spec("audit").defaultValue());
        if (audit && state != Activation.StateLocation.SOURCE) {
            node.problem("audit", "the change log lives in the source's state schema, so audit: true needs state: source; "
                    + "add state: source (a postgres source), or remove audit (the run history records every run's counts)");
        }
        boolean enabled = node.bool("enabled", (Boolean) spec("enabled").defaultValue());
        VerifyCheck verify = VerifyCheck.parse(node.get("verify"));
        SigningKey sign = SigningKey.parse(node.get("sign"), baseDir);
        if (node.has("sign") && !manifest) {
            node.problem("sign", "signs the manifest, so it needs manifest: true; add it, or remove sign");
        }
        Activation.SchemaChanges schemaChanges = node.choice("schema_changes", Activation.SchemaChanges.class,
                defaultOf("schema_changes", Activation.SchemaChanges.class));
        boolean schemaFile = node.bool("schema_file", (Boolean) spec("schema_file").defaultValue());
        // Unset: none. The names, and that they make no cycle, are checked by the caller once every file is read.
        List<String> after = node.get("after").isUnset("none") ? List.of() : node.textList("after");
        Set<String> upstream = new HashSet<>();
        for (String upstreamName : after) {
            if (!upstream.add(upstreamName)) {
                node.problem("after", "activation '" + upstreamName + "' is listed twice");
            }
        }
        Long pauseAfter = node.longAtLeast("pause_after_failures", 1);
        Integer pauseAfterFailures = pauseAfter == null ? null : (int) Math.min(pauseAfter, Integer.MAX_VALUE);
        PartitionBy partitionBy = partitionBy(node, mapping);
        Trigger trigger = Trigger.parse(node.get("trigger"));
        if (node.problems().size() > before || (model == null) == (segment == null) || destination == null) {
            return null;
        }
        return new Activation(name, node.file(), model, segment, destination, folder, fileName, timezone, format,
                mapping, runType, syncMode, schedule, maxFileSize, maxRows, emptyFiles, manifest, overwrite, publish,
                invalidRows, guards, notify, retention, state, enabled, verify, sign, schemaChanges, schemaFile, after, pauseAfterFailures,
                partitionBy, trigger, audit);
    }

    private static SettingSpec spec(String key) {
        return SettingSpec.find(ActivationSettings.SETTINGS, key);
    }

    /** The described default of the choice {@code key}, as the enum the parser reads. */
    private static <E extends Enum<E>> E defaultOf(String key, Class<E> type) {
        return Enum.valueOf(type, ((String) spec(key).defaultValue()).toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * {@code partition_by} and {@code max_partitions}: each entry a column's name or {column, as};
     * with a mapping, each column must be one it exports, and one exported column at least must stay
     * in the files. (Without a mapping, the model's columns are checked by {@link SchemaCheck}.)
     */
    private static PartitionBy partitionBy(Node node, List<Mapping> mapping) {
        Node list = node.get("partition_by");
        Long max = node.longAtLeast("max_partitions", 1);
        if (list.isUnset("not partitioned")) {
            if (max != null) {
                node.problem("max_partitions", "limits the partitions of partition_by, which is not set; remove it, or set partition_by");
            }
            return PartitionBy.NONE;
        }
        List<Node> elements = list.elements();
        if (elements.isEmpty() && list.json().isArray()) {
            list.problem("must list at least one column; remove it to write every object in the folder");
        }
        List<PartitionBy.Part> parts = new ArrayList<>();
        Set<String> exported = new java.util.LinkedHashSet<>();
        mapping.forEach(m -> exported.add(m.from()));
        for (Node element : elements) {
            String column;
            PartitionBy.Derived as = null;
            Node at = element;
            if (element.json().isObject()) {
                element.allowKeys(SettingSpec.keys(PartitionBy.ENTRY));
                column = element.requiredText("column");
                as = element.choice("as", PartitionBy.Derived.class, null);
                at = element.get("column");
            } else {
                column = element.asText();
                if (column != null && column.isBlank()) {
                    element.problem("is empty: give a column's name, or {column: NAME, as: month}");
                    column = null;
                }
            }
            if (column == null) {
                continue;
            }
            PartitionBy.Part part = new PartitionBy.Part(column, as);
            if (parts.contains(part)) {
                element.problem("'" + column + "'" + (as == null ? "" : " as " + as.key()) + " is listed twice; remove one");
                continue;
            }
            if (!mapping.isEmpty() && !exported.contains(column)) {
                at.problem("column '" + column + "' is not exported: the mapping does not list it"
                        + dev.sluice.config.Suggestions.didYouMean(column, exported) + "; partition by an exported column ("
                        + String.join(", ", exported) + "), or add {from: " + column + "} to the mapping");
                continue;
            }
            parts.add(part);
        }
        if (!mapping.isEmpty() && !parts.isEmpty()
                && mapping.stream().allMatch(m -> parts.contains(new PartitionBy.Part(m.from(), null)))) {
            list.problem("partitions by every exported column (" + String.join(", ", exported) + "), which would leave the files "
                    + "without a column; export another column too, or partition by fewer");
        }
        return new PartitionBy(parts, max == null ? PartitionBy.DEFAULT_MAX_PARTITIONS : (int) Math.min(Integer.MAX_VALUE, max));
    }

    /** The mapping entries; each exported name is checked against {@code format} (when known) at its own entry. */
    private static List<Mapping> mapping(Node node, FileFormat format) {
        List<Mapping> result = new ArrayList<>();
        if (node.isUnset("every column under its own name")) {
            return result;
        }
        List<Node> elements = node.elements();
        if (elements.isEmpty() && node.json().isArray()) {
            node.problem("must list at least one {from, to}; remove it to export every column");
        }
        Set<String> targets = new HashSet<>();
        for (Node element : elements) {
            if (!element.expectObject()) {
                continue;
            }
            element.allowKeys(SettingSpec.keys(spec("mapping").children()));
            String from = element.requiredText("from");
            String to = element.get("to").isUnset("the from name") ? from : element.requiredText("to");
            if (from == null || to == null) {
                continue;
            }
            if (!targets.add(to)) {
                element.problem("to", "duplicate name '" + to + "': every exported attribute needs its own name");
                continue;
            }
            if (format != null) {
                format.checkAttributeNames(List.of(to), element.get("to"));
            }
            result.add(new Mapping(from, to));
        }
        return result;
    }
}
