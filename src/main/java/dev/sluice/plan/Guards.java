package dev.sluice.plan;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An activation's guards: limits checked after change detection, before anything is published. A
 * run that breaks one is held: it publishes nothing and keeps the previous snapshot. Change limits
 * ({@code max_added}, {@code max_updated}, {@code max_removed}, {@code max_changed_rows}) take a
 * number of rows or a percentage of the previous snapshot's rows and apply only when there is a
 * previous snapshot to compare with; {@code min_rows} and {@code max_rows} bound the rows read and
 * apply to every run. {@code max_bytes_billed} bounds the bytes a source that bills by bytes
 * (BigQuery) would bill the run, estimated by dry runs: it is checked before the run reads anything.
 */
public record Guards(Map<String, Limit> limits) {
    public static final Guards NONE = new Guards(Map.of());

    /** The guards in the order they are checked and reported. */
    public static final List<String> KEYS = List.of("min_rows", "max_rows", "max_added", "max_updated", "max_removed", "max_changed_rows",
            "max_bytes_billed");
    /** The guard checked before the run reads anything: the bytes its source would bill, from dry runs. */
    public static final String MAX_BYTES_BILLED = "max_bytes_billed";
    /** The guards as settings of {@code guards:}. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.integer("min_rows").in("guards", 1).help("held when the run reads fewer rows"),
            SettingSpec.integer("max_rows").in("guards", 2).help("held when the run reads more rows"),
            SettingSpec.of("max_added", SettingSpec.Kind.COUNT_OR_PERCENT).in("guards", 3)
                    .help("held when more rows are added: rows, or a percentage of the previous snapshot"),
            SettingSpec.of("max_updated", SettingSpec.Kind.COUNT_OR_PERCENT).in("guards", 4).help("held when more rows are updated"),
            SettingSpec.of("max_removed", SettingSpec.Kind.COUNT_OR_PERCENT).in("guards", 5).help("held when more rows are removed"),
            SettingSpec.of("max_changed_rows", SettingSpec.Kind.COUNT_OR_PERCENT).in("guards", 6)
                    .help("held when more rows are added, updated and removed together"),
            SettingSpec.of("max_bytes_billed", SettingSpec.Kind.SIZE).in("guards", 7)
                    .help("held before reading when the source's dry runs estimate more bytes billed (BigQuery sources)"));
    private static final List<String> ABSOLUTE_ONLY = List.of("min_rows", "max_rows", "max_bytes_billed");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public Guards {
        limits = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(limits));
    }

    /** A limit as written: rows, or a percentage of the previous snapshot's rows. */
    public record Limit(String text, long rows, BigDecimal percent) {
        /** The limit in rows against a previous snapshot of {@code previousRows} rows (a percentage rounds down). */
        long rowsOf(long previousRows) {
            return percent == null ? rows
                    : percent.multiply(BigDecimal.valueOf(previousRows)).divide(HUNDRED, 0, RoundingMode.FLOOR).longValueExact();
        }
    }

    /** What a guard found on one run. {@code outcome}: passed, broken (the run is held), lifted (broken, but the run was told to go on), not_checked. */
    public record Result(String guard, String limit, Long limitRows, long value, String outcome, String note) {
        public boolean broken() {
            return outcome.equals("broken");
        }

        /** One line for messages: "max_removed 20% (2,000 rows): 9,700 removed". */
        public String describe() {
            String unit = guard.equals(MAX_BYTES_BILLED) ? "bytes" : "rows";
            String of = limit + (limitRows != null && !limit.equals(String.valueOf(limitRows))
                    ? String.format(Locale.ROOT, " (%,d %s)", limitRows, unit) : "");
            return String.format(Locale.ROOT, "%s %s: %,d %s", guard, of, value, measure(guard));
        }
    }

    /**
     * What the guards are checked against: this run's counts and the previous snapshot's size;
     * {@code uncompared} says why values were not compared with a previous snapshot (null when they were).
     */
    public record Measured(long read, long added, long updated, long removed, long previousRows, String uncompared) {}

    public boolean isEmpty() {
        return limits.isEmpty();
    }

    /**
     * Checks every guard; {@code lifted} marks broken guards as lifted instead. Change limits are
     * not checked without a previous snapshot whose values were compared: on a
     * first run every row is added, and after a change of mapping or types every kept row counts
     * as updated.
     */
    public List<Result> check(Measured m, boolean lifted) {
        List<Result> results = new ArrayList<>();
        for (Map.Entry<String, Limit> entry : limits.entrySet()) {
            String guard = entry.getKey();
            Limit limit = entry.getValue();
            if (guard.equals(MAX_BYTES_BILLED)) {
                continue; // checked before the run reads: checkBilled
            }
            long value = switch (guard) {
                case "min_rows", "max_rows" -> m.read();
                case "max_added" -> m.added();
                case "max_updated" -> m.updated();
                case "max_removed" -> m.removed();
                default -> m.added() + m.updated() + m.removed();
            };
            boolean changeGuard = !ABSOLUTE_ONLY.contains(guard);
            if (changeGuard && m.uncompared() != null) {
                results.add(new Result(guard, limit.text(), limit.percent() == null ? limit.rows() : null, value, "not_checked",
                        m.uncompared()));
                continue;
            }
            long rows = limit.rowsOf(m.previousRows());
            boolean broken = guard.equals("min_rows") ? value < rows : value > rows;
            results.add(new Result(guard, limit.text(), rows, value, !broken ? "passed" : lifted ? "lifted" : "broken", null));
        }
        return results;
    }

    /**
     * {@code max_bytes_billed} against the bytes the source's dry runs estimate for the run, checked
     * before anything billed runs; empty when the activation has no such guard. {@code lifted}
     * marks a broken limit as lifted ({@code --accept-held}).
     */
    public java.util.Optional<Result> checkBilled(long estimatedBytes, boolean lifted) {
        Limit limit = limits.get(MAX_BYTES_BILLED);
        if (limit == null) {
            return java.util.Optional.empty();
        }
        boolean broken = estimatedBytes > limit.rows();
        return java.util.Optional.of(new Result(MAX_BYTES_BILLED, limit.text(), limit.rows(), estimatedBytes,
                !broken ? "passed" : lifted ? "lifted" : "broken", null));
    }

    /** Reads {@code guards:} of an activation; problems name the key path and the value. */
    public static Guards parse(Node node) {
        if (node.isUnset("no guards") || !node.expectObject()) {
            return NONE;
        }
        node.allowKeys(KEYS);
        Map<String, Limit> limits = new LinkedHashMap<>();
        for (String key : KEYS) {
            Node value = node.get(key);
            if (value.isUnset(null)) {
                continue;
            }
            String text = value.asText();
            if (text == null) {
                continue;
            }
            if (key.equals(MAX_BYTES_BILLED)) {
                try {
                    limits.put(key, new Limit(text.strip(), dev.sluice.config.ByteSize.parse(text), null));
                } catch (IllegalArgumentException e) {
                    value.problem(e.getMessage());
                }
                continue;
            }
            Limit limit = limit(text.strip(), ABSOLUTE_ONLY.contains(key));
            if (limit == null && !ABSOLUTE_ONLY.contains(key) && PERCENT.matcher(text.strip()).matches()) {
                value.problem("a percentage must be at most 100%, got '" + text + "'");
            } else if (limit == null) {
                value.problem(ABSOLUTE_ONLY.contains(key) ? "must be a whole number of rows (0 or more), got '" + text + "'"
                        : "must be a whole number of rows or a percentage of the previous run's rows such as 20%, got '" + text + "'");
            } else {
                limits.put(key, limit);
            }
        }
        Limit min = limits.get("min_rows");
        Limit max = limits.get("max_rows");
        if (min != null && max != null && min.rows() > max.rows()) {
            node.problem("min_rows", "must not be larger than max_rows (" + max.text() + "), got '" + min.text() + "'");
        }
        return new Guards(limits);
    }

    private static Limit limit(String text, boolean absoluteOnly) {
        if (NUMBER.matcher(text).matches()) {
            try {
                return new Limit(text, Long.parseLong(text), null);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        var percent = PERCENT.matcher(text);
        if (!absoluteOnly && percent.matches()) {
            BigDecimal value = new BigDecimal(percent.group(1));
            return value.compareTo(HUNDRED) > 0 ? null : new Limit(text, 0, value);
        }
        return null;
    }

    private static String measure(String guard) {
        return switch (guard) {
            case "min_rows", "max_rows" -> "rows read";
            case "max_added" -> "added";
            case "max_updated" -> "updated";
            case "max_removed" -> "removed";
            case MAX_BYTES_BILLED -> "bytes billed (estimated by dry runs before anything was read)";
            default -> "changed (added + updated + removed)";
        };
    }
}
