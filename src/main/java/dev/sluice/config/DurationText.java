package dev.sluice.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as a whole number and a unit: {@code 90s}, {@code 15m}, {@code 6h}, {@code 30d}, {@code 2w}. */
public final class DurationText {
    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*([smhdw])\\s*");

    private DurationText() {}

    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a whole number followed by s, m, h, d or w (e.g. 15m, 30d), got '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofDays(7 * amount);
        };
        if (duration.isZero()) {
            throw new IllegalArgumentException("must be longer than zero, got '" + text + "'");
        }
        return duration;
    }

    /** The inverse of {@link #parse}: the largest whole unit ({@code 90s}, {@code 15m}, {@code 6h}, {@code 2d}). */
    public static String format(Duration d) {
        long seconds = d.getSeconds();
        if (seconds % 86400 == 0) {
            return seconds / 86400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
