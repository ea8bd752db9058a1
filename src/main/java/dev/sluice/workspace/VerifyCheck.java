package dev.sluice.workspace;

import dev.sluice.config.DurationText;
import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.time.Duration;
import java.util.List;

/**
 * {@code verify: {every: 1h}}: how often {@code sluice serve} compares what the activation has
 * published with its destination (as {@code sluice verify} does).
 */
public record VerifyCheck(Duration every) {
    /** The shortest interval accepted. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    /** The keys of {@code verify:}. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.of("every", SettingSpec.Kind.DURATION).asRequired().in("verify", 1)
                    .help("how often sluice serve checks the published files: 1h, 1d"));

    /** Parses {@code verify}; null when absent (no scheduled check) or invalid (problems recorded). */
    static VerifyCheck parse(Node node) {
        if (node.isUnset("none: only sluice verify checks") || !node.expectObject()) {
            return null;
        }
        node.allowKeys(SettingSpec.keys(SETTINGS));
        if (node.get("every").isUnset(null)) {
            node.problem("needs every, how often to check (e.g. {every: 1h})");
            return null;
        }
        Duration every = node.parse("every", DurationText::parse).orElse(null);
        if (every != null && every.compareTo(MIN_INTERVAL) < 0) {
            node.problem("every", "must be at least 1s, got '" + node.text("every", "") + "'");
            return null;
        }
        return every == null ? null : new VerifyCheck(every);
    }

    /** One line for people: {@code every 1h}. */
    public String describe() {
        return "every " + DurationText.format(every);
    }
}
