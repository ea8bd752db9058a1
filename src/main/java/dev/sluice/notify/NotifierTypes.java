package dev.sluice.notify;

import dev.sluice.config.Node;
import dev.sluice.config.Registry;
import dev.sluice.config.SettingSpec;
import java.nio.file.Path;
import java.util.List;

/** The built-in notification types, in one place. */
public final class NotifierTypes {
    public static final Registry<Notifier> REGISTRY = Registry.<Notifier>builder("notification type", "types")
            .add("webhook", WebhookNotifier::parse, SettingSpec.concat(NotifierSettings.SETTINGS, WebhookNotifier.SETTINGS))
            .add("slack", SlackNotifier::parse, SettingSpec.concat(NotifierSettings.SETTINGS, SlackNotifier.SETTINGS))
            .add("email", EmailNotifier::parse, SettingSpec.concat(NotifierSettings.SETTINGS, EmailNotifier.SETTINGS))
            .add("pagerduty", PagerDutyNotifier::parse, SettingSpec.concat(NotifierSettings.SETTINGS, PagerDutyNotifier.SETTINGS))
            .build();

    private NotifierTypes() {}

    public static List<String> typeNames() {
        return REGISTRY.names();
    }

    /** Parses a notification entry; {@code type} is required. Null when it cannot be used. */
    public static Notifier parseNotifier(String name, Node node, Path baseDir) {
        if (!node.expectObject()) {
            return null;
        }
        String type = node.requiredText("type");
        return type == null ? null : REGISTRY.parse(type, node.get("type"), name, node, baseDir);
    }
}
