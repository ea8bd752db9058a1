package dev.sluice.history;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The schema a run exports, as its consumer sees it (after the activation's mapping): each column's
 * exported name, Sluice's logical type ({@code integer}, {@code floating}, {@code string} …) and
 * whether it can be null, then the primary key's exported columns, in key order. {@code version}
 * starts at 1 and goes up by one each time a published run's schema differs from the one before it
 * ({@link #sameAs}); {@code folder} is the folder the run published to (its activation's folder, or
 * {@code FOLDER/vN} under {@code schema_changes: new_version}).
 */
public record ExportedSchema(int version, List<Field> columns, @JsonProperty("primary_key") List<String> primaryKey, String folder) {
    /** One exported column. */
    public record Field(String name, String type, boolean nullable) {
        public Field {
            Objects.requireNonNull(name, "name is null");
            Objects.requireNonNull(type, "type is null");
        }
    }

    public ExportedSchema {
        columns = columns == null ? List.of() : List.copyOf(columns);
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
    }

    /** This schema as version {@code version}, published to {@code folder}. */
    public ExportedSchema as(int version, String folder) {
        return new ExportedSchema(version, columns, primaryKey, folder);
    }

    /** Whether both schemas have the same columns (names, types, nullability, order) and key: what a version stands for. */
    public boolean sameAs(ExportedSchema other) {
        return other != null && columns.equals(other.columns) && primaryKey.equals(other.primaryKey);
    }

    /**
     * What changed from {@code before} to this schema, one phrase each, in column order: "column score:
     * integer → floating", "column email removed", "column mail added (string)", "column email renamed
     * to mail" (a column removed where one of the same type and nullability is added, at the same
     * position), "column city: nullable → not null", "primary key: id → id, region", "columns reordered".
     */
    public List<String> changesFrom(ExportedSchema before) {
        List<String> changes = new ArrayList<>();
        Map<String, Field> old = new HashMap<>();
        before.columns.forEach(f -> old.put(f.name(), f));
        Map<String, Field> now = new HashMap<>();
        columns.forEach(f -> now.put(f.name(), f));
        List<Field> removed = new ArrayList<>(before.columns.stream().filter(f -> !now.containsKey(f.name())).toList());
        List<Field> added = new ArrayList<>(columns.stream().filter(f -> !old.containsKey(f.name())).toList());
        // A rename: the removed column's position now holds an added column of the same type and nullability.
        for (Field gone : List.copyOf(removed)) {
            int at = before.columns.indexOf(gone);
            if (at < columns.size()) {
                Field there = columns.get(at);
                if (added.contains(there) && there.type().equals(gone.type()) && there.nullable() == gone.nullable()) {
                    changes.add("column " + gone.name() + " renamed to " + there.name());
                    removed.remove(gone);
                    added.remove(there);
                }
            }
        }
        for (Field f : columns) {
            Field was = old.get(f.name());
            if (was == null) {
                continue;
            }
            if (!was.type().equals(f.type())) {
                changes.add("column " + f.name() + ": " + was.type() + " → " + f.type());
            }
            if (was.nullable() != f.nullable()) {
                changes.add("column " + f.name() + ": " + nullability(was) + " → " + nullability(f));
            }
        }
        removed.forEach(f -> changes.add("column " + f.name() + " removed"));
        added.forEach(f -> changes.add("column " + f.name() + " added (" + f.type() + (f.nullable() ? "" : ", not null") + ")"));
        if (!primaryKey.equals(before.primaryKey)) {
            changes.add("primary key: " + key(before.primaryKey) + " → " + key(primaryKey));
        }
        if (changes.isEmpty() && !columns.equals(before.columns)) {
            changes.add("columns reordered: " + String.join(", ", columns.stream().map(Field::name).toList()));
        }
        return changes;
    }

    private static String nullability(Field f) {
        return f.nullable() ? "nullable" : "not null";
    }

    private static String key(List<String> columns) {
        return columns.isEmpty() ? "(none)" : String.join(", ", columns);
    }
}
