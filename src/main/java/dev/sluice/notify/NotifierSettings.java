package dev.sluice.notify;

import dev.sluice.config.DurationText;
import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.config.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The settings every notification has, whatever its type: {@code events} (default failed, held,
 * recovered, paused), {@code timeout} (how long delivery, retries included, may take; default 30s, at most
 * 10m), {@code public_url} (the web UI's address, for the link to the run) and
 * {@code allow_private_targets} (default true: whether private and loopback addresses may be
 * reached; see {@link OutgoingTarget} for what is never reached).
 */
public record NotifierSettings(String name, String type, Set<NotifyEvent> events, Duration timeout, String publicUrl,
        OutgoingTarget target) {
    public static final Set<NotifyEvent> DEFAULT_EVENTS = Set.copyOf(EnumSet.of(NotifyEvent.FAILED, NotifyEvent.HELD, NotifyEvent.RECOVERED, NotifyEvent.PAUSED));
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The settings every notification takes, whatever its type. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.typeKey("notification", null),
            SettingSpec.of("events", SettingSpec.Kind.CHOICE_LIST)
                    .allowing(Arrays.stream(NotifyEvent.values()).map(NotifyEvent::json).toList())
                    .withDefault(List.of("failed", "held", "recovered", "paused"), "[failed, held, recovered, paused]").in("when", 1)
                    .help("the run endings it is sent on: the first failed or held run of a streak, recovered (the first success after), paused"),
            SettingSpec.of("timeout", SettingSpec.Kind.DURATION).withDefault(DurationText.format(DEFAULT_TIMEOUT)).in("when", 2)
                    .help("how long delivery may take, retries included; at most 10m"),
            SettingSpec.text("public_url").absent("serve --public-url").in("when", 3)
                    .help("the web UI's address, for a link to the run"),
            SettingSpec.bool("allow_private_targets", true).in("when", 4)
                    .help("whether it may reach private and loopback addresses"));
    public static final List<String> KEYS = SettingSpec.keys(SETTINGS);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    public NotifierSettings {
        events = Set.copyOf(events);
    }

    /** Reads the common settings of entry {@code name}; {@code own} are the type's own settings, for the unknown-key check. */
    public static NotifierSettings parse(String name, String type, Node node, List<SettingSpec> own) {
        List<String> allowed = new ArrayList<>(KEYS);
        allowed.addAll(SettingSpec.keys(own));
        node.allowKeys(allowed);
        Set<NotifyEvent> events = events(node.get("events"));
        Duration timeout = node.parse("timeout", DurationText::parse, DurationText.format(DEFAULT_TIMEOUT)).orElse(DEFAULT_TIMEOUT);
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            node.problem("timeout", "must be at most 10m (a run waits for its notifications), got '" + DurationText.format(timeout) + "'");
            timeout = MAX_TIMEOUT;
        }
        String publicUrl = node.text("public_url", null);
        if (publicUrl != null) {
            HttpUrls.check(node, "public_url", publicUrl);
        }
        boolean allowPrivate = node.bool("allow_private_targets", true);
        OutgoingTarget target = allowPrivate ? OutgoingTarget.DEFAULT : new OutgoingTarget(false, OutgoingTarget.Resolver.SYSTEM);
        return new NotifierSettings(name, type, events, timeout, publicUrl, target);
    }

    private static Set<NotifyEvent> events(Node node) {
        if (node.isUnset("failed, held, recovered, paused")) {
            return DEFAULT_EVENTS;
        }
        List<String> names = Arrays.stream(NotifyEvent.values()).map(NotifyEvent::json).toList();
        Set<NotifyEvent> result = EnumSet.noneOf(NotifyEvent.class);
        List<Node> elements = node.json().isValueNode() ? List.of(node) : node.elements();
        if (elements.isEmpty() && node.json().isArray()) {
            node.problem("must list at least one event (" + String.join(", ", names) + "); remove the entry to send nothing");
        }
        for (Node element : elements) {
            String text = element.asText();
            if (text == null) {
                continue;
            }
            try {
                result.add(NotifyEvent.valueOf(text.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                element.problem("unknown event '" + text + "'" + Suggestions.didYouMean(text, names) + "; events: "
                        + String.join(", ", names));
            }
        }
        return result;
    }

    /** Whether this entry is sent on {@code event}. */
    public boolean wants(NotifyEvent event) {
        return events.contains(event);
    }
}
