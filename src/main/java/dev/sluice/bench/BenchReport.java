package dev.sluice.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a benchmark measured: lines (a time, the rows it handled, a peak RSS) and, on the lines that
 * have a target, the ratio against that line's baseline with PASS or MISS. Printed as a table, or as
 * one JSON object with {@code --json}.
 */
public final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL).setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /**
     * One measurement: wall and CPU seconds (the CPU time of the measuring process, all its threads;
     * less disturbed than wall time by other processes on a shared machine), rows, peak RSS. Any
     * field but {@code name} may be null. A line compared with a baseline has its {@code ratio} (of
     * wall times, the one its target and {@code pass} judge) and {@code cpuRatio}, described by
     * {@code basis} (e.g. "× COPY time").
     */
    public record Line(String name, Double seconds, Double cpuSeconds, Long rows, Long peakRssBytes, Double ratio,
            Double cpuRatio, String basis, String target, Boolean pass) {
        /** Rows per second, when the line has both. */
        public Double rowsPerSecond() {
            return seconds == null || rows == null || seconds <= 0 ? null : rows / seconds;
        }

        /** A measurement without a baseline. */
        static Line measured(String name, double seconds, Double cpuSeconds, Long rows, Long peakRssBytes) {
            return new Line(name, seconds, cpuSeconds, rows, peakRssBytes, null, null, null, null, null);
        }

        /**
         * This line's time over {@code base}'s, which must be at most {@code limit} (null: no target,
         * the ratio is for information).
         */
        Line timeOver(Line base, String basis, Double limit) {
            double ratio = seconds / base.seconds();
            return new Line(name, seconds, cpuSeconds, rows, peakRssBytes, ratio, ratio(cpuSeconds, base.cpuSeconds()), basis,
                    limit == null ? null : String.format(Locale.ROOT, "≤ %.2f×", limit), limit == null ? null : ratio <= limit);
        }

        /** This line's rows/s over {@code base}'s, which must be at least {@code limit}. */
        Line throughputOver(Line base, String basis, double limit) {
            double ratio = rowsPerSecond() / base.rowsPerSecond();
            Double cpuRatio = ratio(base.cpuSeconds(), cpuSeconds);
            return new Line(name, seconds, cpuSeconds, rows, peakRssBytes, ratio,
                    cpuRatio == null ? null : cpuRatio * rows / base.rows(), basis, String.format(Locale.ROOT, "≥ %.2f×", limit),
                    ratio >= limit);
        }

        private static Double ratio(Double a, Double b) {
            return a == null || b == null || b <= 0 ? null : a / b;
        }
    }

    /** The largest peak RSS of {@code lines}, checked against {@code limitBytes}. */
    static Line peakRss(String name, List<Line> lines, long limitBytes) {
        long peak = lines.stream().filter(l -> l.peakRssBytes() != null).mapToLong(Line::peakRssBytes).max().orElse(0);
        return new Line(name, null, null, null, peak, null, null, null, "< " + limitBytes / (1 << 20) + " MiB", peak < limitBytes);
    }

    private final String benchmark;
    private final long rows;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final List<Line> lines = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    BenchReport(String benchmark, long rows) {
        this.benchmark = benchmark;
        this.rows = rows;
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("load_average_at_start", loadAverage());
    }

    void add(Line line) {
        lines.add(line);
    }

    /** A free-text line printed under the table (what a line measured, a run's stages …). */
    void note(String text) {
        notes.add(text);
    }

    void machine(String key, Object value) {
        machine.put(key, value);
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The line named {@code name}; the benchmarks look up their baselines with it. */
    Line line(String name) {
        return lines.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no line " + name));
    }

    /** Prints the report: a table with the notes under it, or with {@code json} one JSON object. */
    public void print(PrintWriter out, boolean json) throws JsonProcessingException {
        machine.put("load_average_at_end", loadAverage());
        if (json) {
            printJson(out);
        } else {
            printTable(out);
        }
        out.flush();
    }

    private void printJson(PrintWriter out) throws JsonProcessingException {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("benchmark", benchmark);
        object.put("rows", rows);
        object.put("machine", machine);
        List<Map<String, Object>> items = new ArrayList<>();
        for (Line line : lines) {
            Map<String, Object> item = JSON.convertValue(line, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
            item.put("rows_per_second", line.rowsPerSecond());
            item.values().removeIf(v -> v == null);
            if (line.pass() != null) {
                item.put("result", line.pass() ? "PASS" : "MISS");
            }
            items.add(item);
        }
        object.put("lines", items);
        object.put("notes", notes);
        out.println(JSON.writeValueAsString(object));
    }

    private void printTable(PrintWriter out) {
        out.printf(Locale.ROOT, "%n%s benchmark, %,d rows — %s%n%n", benchmark, rows, machineLine());
        String format = "%-34s %8s %8s %11s %9s  %-18s %9s  %-10s %s";
        out.println(String.format(Locale.ROOT, format, "line", "seconds", "CPU s", "rows/s", "peak RSS", "ratio", "CPU ratio",
                "target", "result"));
        for (Line line : lines) {
            out.println(String.format(Locale.ROOT, format, line.name(), number(line.seconds(), "%.2f"),
                    number(line.cpuSeconds(), "%.2f"), number(line.rowsPerSecond(), "%,.0f"),
                    line.peakRssBytes() == null ? "" : line.peakRssBytes() / 1_000_000 + " MB",
                    line.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f %s", line.ratio(), line.basis()),
                    number(line.cpuRatio(), "%.2f"), line.target() == null ? "" : line.target(),
                    line.pass() == null ? "" : line.pass() ? "PASS" : "MISS").stripTrailing());
        }
        if (!notes.isEmpty()) {
            out.println();
            notes.forEach(out::println);
        }
    }

    private static String number(Double value, String format) {
        return value == null ? "" : String.format(Locale.ROOT, format, value);
    }

    private String machineLine() {
        StringBuilder text = new StringBuilder();
        machine.forEach((key, value) -> text.append(text.length() == 0 ? "" : ", ").append(key.replace('_', ' ')).append(": ").append(value));
        return text.toString();
    }

    /** The processor's model name, or null without /proc. */
    private static String cpuModel() {
        try (java.util.stream.Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The 1-minute load average (other processes sharing the CPU), or null without /proc. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
