package dev.sluice.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.error.Secrets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code type: pagerduty}: PagerDuty's Events API v2. A failed, held or paused run (and a failed
 * verification) sends {@code trigger}, a recovered (or succeeded) run sends {@code resolve}, both
 * with the {@code dedup_key} {@code sluice/ACTIVATION}, so that one alert follows an activation
 * from its first failure to its recovery (a verification's is {@code sluice/ACTIVATION/verify}).
 * {@code routing_key} (the integration key of an Events API v2 service) is a secret: never printed.
 */
public record PagerDutyNotifier(NotifierSettings settings, URI url, String routingKey) implements Notifier {
    public static final String EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
    /** The settings of a PagerDuty notification, besides the common ones. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("routing_key").asRequired().asSecret().in("pagerduty", 1)
                    .help("the integration key of an Events API v2 service, usually ${PAGERDUTY_ROUTING_KEY}; never printed"),
            SettingSpec.text("url").withDefault(EVENTS_URL).in("pagerduty", 2)
                    .help("the Events API's address; https://events.eu.pagerduty.com/v2/enqueue for an EU account"));

    static PagerDutyNotifier parse(String name, Node node, Path baseDir) {
        NotifierSettings settings = NotifierSettings.parse(name, "pagerduty", node, SETTINGS);
        String routingKey = node.requiredText("routing_key");
        Secrets.register(routingKey);
        String url = node.text("url", EVENTS_URL);
        if (routingKey == null || url == null || !HttpUrls.check(node, "url", url)
                || !HttpUrls.checkTarget(node, "url", url, settings.target())) {
            return null;
        }
        return new PagerDutyNotifier(settings, URI.create(url.strip()), routingKey);
    }

    @Override
    public String describe() {
        return "PagerDuty's Events API at " + url.getHost();
    }

    @Override
    public void send(Notice notice, Duration timeout) throws DeliveryFailure {
        String activation = notice.document().path("activation").asText(null);
        if ("test".equals(notice.event())) {
            // A test opens an alert and closes it at once.
            String key = "sluice/test/" + settings.name();
            post(trigger(notice, key, "info"), timeout);
            post(resolve(key), timeout);
            return;
        }
        String key = "sluice/" + (activation == null ? "-" : activation)
                + (NotifyEvent.VERIFY_FAILED.json().equals(notice.event()) ? "/verify" : "");
        boolean resolves = NotifyEvent.RECOVERED.json().equals(notice.event()) || NotifyEvent.SUCCEEDED.json().equals(notice.event());
        post(resolves ? resolve(key) : trigger(notice, key, severity(notice.event())), timeout);
    }

    /** The severity of an alert on {@code event}: a failed or paused activation is an error, the others a warning. */
    static String severity(String event) {
        return NotifyEvent.FAILED.json().equals(event) || NotifyEvent.PAUSED.json().equals(event) ? "error" : "warning";
    }

    private ObjectNode trigger(Notice notice, String key, String severity) {
        ObjectNode event = base("trigger", key);
        ObjectNode payload = event.putObject("payload");
        // PagerDuty shows at most 1024 characters of the summary.
        payload.put("summary", notice.title().length() > 1024 ? notice.title().substring(0, 1021) + "..." : notice.title());
        payload.put("source", "sluice");
        payload.put("severity", severity);
        payload.put("component", notice.document().path("activation").asText("sluice"));
        payload.put("group", notice.document().path("destination").asText("sluice"));
        payload.put("class", notice.event());
        ObjectNode details = payload.putObject("custom_details");
        details.put("summary", String.join("\n", notice.lines()));
        if (notice.runId() != null) {
            details.put("run", notice.runId());
        }
        if (notice.link() != null) {
            event.putArray("links").addObject().put("href", notice.link()).put("text", "Open the run in Sluice");
        }
        return event;
    }

    private ObjectNode resolve(String key) {
        return base("resolve", key);
    }

    private ObjectNode base(String action, String key) {
        ObjectNode event = JsonText.MAPPER.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", action);
        event.put("dedup_key", key);
        event.put("client", "Sluice");
        return event;
    }

    private void post(ObjectNode event, Duration timeout) throws DeliveryFailure {
        byte[] body;
        try {
            body = JsonText.MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new DeliveryFailure("cannot write the event: " + e.getOriginalMessage(), false, e);
        }
        HttpPost.post(url, body, Map.of(), timeout, settings.target());
    }

    @Override
    public String toString() {
        return "PagerDutyNotifier[" + settings.name() + ", " + describe() + "]";
    }
}
