package dev.sluice.run;

import dev.sluice.format.ExportColumn;
import dev.sluice.history.ExportedSchema;
import dev.sluice.sync.Extracted;
import dev.sluice.workspace.Activation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The schema contract of a run ({@code schema_changes}): the schema it exports, its version (the
 * last published one's when nothing changed, one more when something did), what changed, whether the
 * run is held for it, and the folder it publishes to.
 *
 * @param schema the run's schema, with its version and folder
 * @param previous the schema of the activation's last published run (null before its first)
 * @param changes what changed since {@code previous}, one phrase each (empty when nothing did)
 * @param hold whether the run is held for the change ({@code schema_changes: hold}, not accepted)
 */
record SchemaContract(ExportedSchema schema, ExportedSchema previous, List<String> changes, boolean hold) {
    SchemaContract {
        changes = List.copyOf(changes);
    }

    /** The schema of the rows a run extracted: key columns cannot be null (a null key is refused or skipped). */
    static ExportedSchema of(Extracted now) {
        Map<String, String> keys = now.keyAttributes();
        List<ExportedSchema.Field> fields = new ArrayList<>();
        for (ExportColumn c : now.columns()) {
            fields.add(new ExportedSchema.Field(c.name(), c.type().name().toLowerCase(Locale.ROOT), !keys.containsKey(c.name())));
        }
        // The key columns in key order: sluice_k0, sluice_k1 …
        List<String> key = keys.entrySet().stream()
                .sorted(Comparator.comparingInt(e -> Integer.parseInt(e.getValue().replaceAll("\\D", ""))))
                .map(Map.Entry::getKey).toList();
        return new ExportedSchema(0, fields, key, null);
    }

    /** What {@code current} means for a run of {@code activation}; {@code accepted}: the run was told to publish past holds. */
    static SchemaContract decide(Activation activation, ExportedSchema current, Optional<ExportedSchema> last, boolean accepted) {
        if (last.isEmpty()) {
            return new SchemaContract(current.as(1, activation.folder()), null, List.of(), false);
        }
        ExportedSchema before = last.get();
        boolean same = current.sameAs(before);
        int version = same ? before.version() : before.version() + 1;
        String folder = activation.schemaChanges() != Activation.SchemaChanges.NEW_VERSION ? activation.folder()
                : same ? unchangedFolder(activation, before) : versionFolder(activation.folder(), version);
        boolean hold = !same && activation.schemaChanges() == Activation.SchemaChanges.HOLD && !accepted;
        return new SchemaContract(current.as(version, folder), before, same ? List.of() : current.changesFrom(before), hold);
    }

    /**
     * Whether the next run of {@code activation} publishes to another folder than its last run even
     * if its schema stays the same (schema_changes was set to or away from new_version): known before
     * the run reads, so that its state reads every row for the full run a new folder starts with.
     */
    static boolean movesWithoutChange(Activation activation, Optional<ExportedSchema> last) {
        return last.isPresent() && decide(activation, last.get(), last, false).movesFolder();
    }

    /** Whether this run publishes to another folder than the activation's last published run: its first run there is full. */
    boolean movesFolder() {
        return previous != null && previous.folder() != null && !previous.folder().equals(schema.folder());
    }

    /** Why the run is full when it starts a folder. */
    String fullReason() {
        return "first run in " + describe(schema.folder()) + " (schema version " + schema.version() + "): a new folder starts with every row";
    }

    /** The warning of a published change of schema. */
    String warning() {
        return "schema version " + schema.version() + " (was " + previous.version() + "): " + String.join("; ", changes)
                + (movesFolder() ? "; published to " + describe(schema.folder()) + " (schema_changes: new_version)" : "");
    }

    /** The message of a run held for a change of schema. */
    String holdMessage(String activation) {
        return "held by its schema contract (schema_changes: hold): the exported schema changed from version " + previous.version()
                + ": " + String.join("; ", changes) + "; nothing was published and the previous snapshot is kept. Tell the consumers, then run "
                + "`sluice run " + activation + " --accept-held` to publish it as schema version " + schema.version();
    }

    /** Under new_version with no change: the last run's folder, while it is the activation's folder or one of its version folders. */
    private static String unchangedFolder(Activation activation, ExportedSchema before) {
        String last = before.folder();
        return last != null && (last.equals(activation.folder()) || last.equals(versionFolder(activation.folder(), before.version())))
                ? last : activation.folder();
    }

    /** {@code FOLDER/vN}, or {@code vN} at the bucket root. */
    static String versionFolder(String folder, int version) {
        return (folder.isEmpty() ? "" : folder + "/") + "v" + version;
    }

    private static String describe(String folder) {
        return folder.isEmpty() ? "the bucket root" : "folder " + folder + "/";
    }
}
