package dev.sluice.workspace;

import dev.sluice.config.SettingSpec;
import dev.sluice.config.SettingSpec.Kind;
import java.util.List;

/**
 * The settings of the workspace's models and segments, described once as {@link ActivationSettings}
 * describes an activation's (sources, destinations and notifications: each type in its own class,
 * through its registry). The parser takes their accepted keys from here.
 */
public final class EntrySettings {
    /** A model's settings. */
    public static final List<SettingSpec> MODEL = List.of(
            SettingSpec.text("source").absent("the only source").in("model", 0).help("required when the workspace has several sources"),
            SettingSpec.text("sql").asRequired().in("model", 1).help("a query on the source; its columns are the model's attributes"),
            SettingSpec.of("primary_key", Kind.TEXT_LIST).asRequired().in("model", 2)
                    .help("the column or columns that identify a row"),
            SettingSpec.text("description").in("model", 4).help("free text"));

    /** A segment's settings; {@code filter} is a condition or a group (see docs/workspace.md). */
    public static final List<SettingSpec> SEGMENT = List.of(
            SettingSpec.text("model").asRequired().in("segment", 1).help("the model it narrows (not another segment)"),
            SettingSpec.of("filter", Kind.OBJECT).asRequired().in("segment", 2)
                    .help("one condition {attribute, op, value}, or a group {all: [...]} or {any: [...]}"),
            SettingSpec.text("description").in("segment", 3).help("free text"));

    private EntrySettings() {}
}
