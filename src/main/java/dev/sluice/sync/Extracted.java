package dev.sluice.sync;

import dev.sluice.format.ExportColumn;
import java.util.List;
import java.util.Map;

/**
 * The rows of this run inside the engine, in the table {@value WorkTables#NOW}: the key columns
 * ({@code keys}, named {@code sluice_k0}, {@code sluice_k1} …) followed by the exported attributes
 * under their exported names, then {@value WorkTables#HASH}, the hash of those attributes. {@code fingerprint} identifies the key and the exported attributes
 * with their types: a snapshot with another fingerprint cannot be compared with these rows.
 * {@code keyAttributes} maps each exported attribute that is a primary key column to its key column
 * ({@code Id → sluice_k0}): a removed row of an older snapshot takes its key from there, whatever
 * the attribute was called then.
 *
 * <p>{@code rows}, when not null, is the SELECT of the rows' exported attributes straight from the
 * model: then {@value WorkTables#NOW} holds only the keys and {@value WorkTables#HASH} (a run that
 * writes every row and compares only for its counts reads the model twice instead of storing it;
 * see {@link Extractor#extractKeys}).
 */
public record Extracted(List<String> keys, List<ExportColumn> columns, long read, long skipped, String fingerprint,
        Map<String, String> keyAttributes, String rows) {
    public Extracted {
        keys = List.copyOf(keys);
        columns = List.copyOf(columns);
        keyAttributes = Map.copyOf(keyAttributes);
    }

    public Extracted(List<String> keys, List<ExportColumn> columns, long read, long skipped, String fingerprint,
            Map<String, String> keyAttributes) {
        this(keys, columns, read, skipped, fingerprint, keyAttributes, null);
    }

    /** Whether {@value WorkTables#NOW} holds the exported attributes (not only keys and hashes). */
    public boolean holdsValues() {
        return rows == null;
    }

    /** Rows whose exported attributes hold no primary key column. */
    public Extracted(List<String> keys, List<ExportColumn> columns, long read, long skipped, String fingerprint) {
        this(keys, columns, read, skipped, fingerprint, Map.of());
    }
}
