package dev.sluice.plan;

import dev.sluice.config.SettingSpec;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An activation's {@code partition_by}: the columns (or a date/time column's year, month, day or
 * hour) whose values name the folders its objects go in, Hive style ({@code folder/country=FR/…}),
 * and {@code max_partitions}, the most partitions one run may write. The names and values of the
 * folders are made here, and nowhere else.
 *
 * @param parts the partition columns in folder order; empty when the activation is not partitioned
 * @param maxPartitions the most partitions one run may write
 */
public record PartitionBy(List<Part> parts, int maxPartitions) {
    /** {@code max_partitions} when unset. */
    public static final int DEFAULT_MAX_PARTITIONS = 1000;

    /** Not partitioned. */
    public static final PartitionBy NONE = new PartitionBy(List.of(), DEFAULT_MAX_PARTITIONS);

    /** The folder name of a NULL (or empty) value, as Hive names it. */
    public static final String DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    /** The keys of an entry written as a mapping. */
    public static final List<SettingSpec> ENTRY = List.of(
            SettingSpec.text("column").asRequired().in("files", 1).help("the model's column (an exported one)"),
            SettingSpec.choice("as", Derived.class).absent("the column's own value").in("files", 2)
                    .help("a date or timestamp column's year, month, day or hour"));

    /** The part of a date or time a partition takes. */
    public enum Derived {
        YEAR("%Y"), MONTH("%Y-%m"), DAY("%Y-%m-%d"), HOUR("%Y-%m-%dT%H");

        private final String pattern;

        Derived(String pattern) {
            this.pattern = pattern;
        }

        /** The engine's strftime pattern of the value: {@code 2026}, {@code 2026-11}, {@code 2026-11-05}, {@code 2026-11-05T13}. */
        public String pattern() {
            return pattern;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One partition column: the model's {@code column}, and the part of it taken (null: its value). */
    public record Part(String column, Derived as) {
        public Part {
            Objects.requireNonNull(column, "column is null");
        }

        /** The folder's name for this part of a column exported as {@code exported}: {@code country}, {@code created_at_month}. */
        public String folderName(String exported) {
            return as == null ? exported : exported + "_" + as.key();
        }
    }

    public PartitionBy {
        parts = List.copyOf(parts);
        if (maxPartitions < 1) {
            throw new IllegalArgumentException("maxPartitions must be positive, got " + maxPartitions);
        }
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    /** Whether the model's column {@code column} is a partition column. */
    public boolean has(String column) {
        return parts.stream().anyMatch(p -> p.column().equals(column));
    }

    /**
     * One folder of a partition path: {@code name=value} with the value escaped as Hive escapes it
     * (control characters, {@code " # % ' * / : = ? \ { [ ] ^} and DEL as {@code %XX}); a null or
     * empty value is {@value #DEFAULT_PARTITION}.
     */
    public static String folder(String name, String value) {
        return escape(name) + "=" + (value == null || value.isEmpty() ? DEFAULT_PARTITION : escape(value));
    }

    /** A value (or name) escaped as Hive's {@code FileUtils.escapePathName} does. */
    public static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (escaped(c)) {
                out.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean escaped(char c) {
        return c >= 0x01 && c <= 0x1F || c == 0x7F || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0;
    }

    /** Whether a path inside an activation's folder lies in a partition: every folder of it is {@code name=value}. */
    public static boolean inPartition(String relative) {
        int slash = relative.lastIndexOf('/');
        if (slash <= 0) {
            return false;
        }
        for (String folder : relative.substring(0, slash).split("/")) {
            if (folder.indexOf('=') <= 0) {
                return false;
            }
        }
        return true;
    }
}
