package dev.sluice.extract;

import dev.sluice.format.ExportColumn;
import java.util.List;

/**
 * The rows of this run inside the engine, in the table {@value Extractor#NOW}: the key columns
 * ({@code keys}, named {@code sluice_k0}, {@code sluice_k1} …) followed by the exported attributes
 * under their exported names, then {@value Extractor#HASH}, the hash of those attributes. {@code fingerprint} identifies the key and the exported attributes
 * with their types: a snapshot with another fingerprint cannot be compared with these rows.
 * {@code keyTable} holds every key with its row hash ({@value Extractor#NOW} itself, or
 * {@value Extractor#KEYS} for a delta extract); when {@code partial}, {@value Extractor#NOW} holds only
 * the added and updated rows, which is all a delta run exports and commits.
 */
public record Extracted(List<String> keys, List<ExportColumn> columns, long read, long skipped, String fingerprint,
        String keyTable, boolean partial) {
    public Extracted(List<String> keys, List<ExportColumn> columns, long read, long skipped, String fingerprint) {
        this(keys, columns, read, skipped, fingerprint, Extractor.NOW, false);
    }

    public Extracted {
        keys = List.copyOf(keys);
        columns = List.copyOf(columns);
    }
}
