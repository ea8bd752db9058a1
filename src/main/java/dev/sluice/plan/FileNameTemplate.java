package dev.sluice.plan;

import dev.sluice.config.Suggestions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A file name template such as {@code {YYYY}-{MM}-{DD}_vip}: literal text and {@code {VAR}}
 * variables, checked when parsed and rendered for one instant per run.
 */
public final class FileNameTemplate {
    /** Every variable, in the order the documentation lists them. */
    public static final List<String> VARIABLES = List.of(
            "YYYY", "YY", "MM", "DD", "HH", "mm", "ss", "ms", "X", "x", "activation", "model", "run");

    private final String text;
    private final List<String> parts;

    private FileNameTemplate(String text, List<String> parts) {
        this.text = text;
        this.parts = parts;
    }

    /** Parses a template; IllegalArgumentException names what is wrong. */
    public static FileNameTemplate parse(String text) {
        Objects.requireNonNull(text, "text is null");
        if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        if (text.indexOf('/') >= 0 || text.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("must not contain '/' or '\\' (put folders in folder), got '" + text + "'");
        }
        String invalid = NameText.whyInvalid(text);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        if (text.startsWith(NameText.STAGING) || text.startsWith(NameText.UPLOAD_PREFIX)) {
            throw new IllegalArgumentException("must not start with " + NameText.STAGING + " or " + NameText.UPLOAD_PREFIX
                    + ": those names are Sluice's own");
        }
        List<String> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{') {
                int end = text.indexOf('}', i + 1);
                int nextOpen = text.indexOf('{', i + 1);
                if (end < 0 || (nextOpen >= 0 && nextOpen < end)) {
                    throw new IllegalArgumentException("unclosed '{' at position " + (i + 1) + " in '" + text + "'");
                }
                String name = text.substring(i + 1, end);
                if (!VARIABLES.contains(name)) {
                    throw new IllegalArgumentException("unknown variable {" + name + "}"
                            + Suggestions.closest(name, VARIABLES).map(s -> ", did you mean {" + s + "}?").orElse("")
                            + " (variables: " + String.join(" ", VARIABLES.stream().map(v -> "{" + v + "}").toList()) + ")");
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add("{" + name + "}");
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("'}' without '{' at position " + (i + 1) + " in '" + text + "'");
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new FileNameTemplate(text, List.copyOf(parts));
    }

    public String text() {
        return text;
    }

    /**
     * Whether every run of an activation renders a name of its own: the template holds {@code {run}},
     * {@code {X}} or {@code {x}}, or the whole date and time down to the second ({@code {YYYY}} or
     * {@code {YY}}, {@code {MM}}, {@code {DD}}, {@code {HH}}, {@code {mm}}, {@code {ss}}).
     */
    public boolean uniquePerRun() {
        if (parts.contains("{run}") || parts.contains("{X}") || parts.contains("{x}")) {
            return true;
        }
        return (parts.contains("{YYYY}") || parts.contains("{YY}"))
                && parts.containsAll(List.of("{MM}", "{DD}", "{HH}", "{mm}", "{ss}"));
    }

    /** The name (without extension) for a run that started at {@code start}, times shown in {@code zone}. */
    public String render(Instant start, ZoneId zone, String activation, String model, String run) {
        ZonedDateTime t = start.atZone(zone);
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (!part.startsWith("{")) {
                out.append(part);
                continue;
            }
            switch (part.substring(1, part.length() - 1)) {
                case "YYYY" -> out.append(pad(t.getYear(), 4));
                case "YY" -> out.append(pad(Math.floorMod(t.getYear(), 100), 2));
                case "MM" -> out.append(pad(t.getMonthValue(), 2));
                case "DD" -> out.append(pad(t.getDayOfMonth(), 2));
                case "HH" -> out.append(pad(t.getHour(), 2));
                case "mm" -> out.append(pad(t.getMinute(), 2));
                case "ss" -> out.append(pad(t.getSecond(), 2));
                case "ms" -> out.append(pad(t.getNano() / 1_000_000, 3));
                case "X" -> out.append(start.getEpochSecond());
                case "x" -> out.append(start.toEpochMilli());
                case "activation" -> out.append(activation);
                case "model" -> out.append(model);
                case "run" -> out.append(run);
                default -> throw new IllegalStateException("unhandled variable " + part);
            }
        }
        return out.toString();
    }

    private static String pad(int value, int width) {
        String digits = Integer.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    @Override
    public String toString() {
        return text;
    }
}
