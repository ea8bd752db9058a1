package dev.sluice.sync;

import dev.sluice.format.ExportColumn;
import java.util.List;

/**
 * The rows of this run inside the engine, in the table {@value WorkTables#NOW}: the key columns
 * ({@code keys}, named {@code sluice_k0}, {@code sluice_k1} …) followed by the exported attributes
 * under their exported names, then {@value WorkTables#HASH}, the hash of those attributes. {@code fingerprint} identifies the key and the exported attributes
 * with their types: a snapshot with another fingerprint cannot be compared with these rows.
 */
public record Extracted(List<String> keys, List<ExportColumn> columns, long read, long skipped, String fingerprint) {
    public Extracted {
        keys = List.copyOf(keys);
        columns = List.copyOf(columns);
    }
}
