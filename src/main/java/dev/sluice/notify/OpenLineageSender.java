package dev.sluice.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.JsonText;
import dev.sluice.error.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;

/**
 * Posts OpenLineage events (a notice's document is the event) to the workspace's {@code lineage:}
 * endpoint, with its API key as a bearer token. Delivered, retried and recorded as notifications
 * are (name {@code lineage}, type {@code openlineage}); never changes a run's outcome.
 */
public final class OpenLineageSender implements Notifier {
    public static final String NAME = "lineage";
    public static final String TYPE = "openlineage";

    private final NotifierSettings settings;
    private final URI target;
    private final String apiKey;

    /** {@code apiKey} may be null (no Authorization header). */
    public OpenLineageSender(URI target, String apiKey, Duration timeout) {
        this.settings = new NotifierSettings(NAME, TYPE, EnumSet.allOf(NotifyEvent.class), timeout, null, OutgoingTarget.DEFAULT);
        this.target = target;
        this.apiKey = apiKey;
        Secrets.register(apiKey);
    }

    @Override
    public NotifierSettings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return "the OpenLineage endpoint " + target.getScheme() + "://" + target.getAuthority().replaceAll("^.*@", "") + target.getPath();
    }

    @Override
    public void send(Notice notice, Duration timeout) throws DeliveryFailure {
        byte[] body;
        try {
            body = JsonText.MAPPER.writeValueAsBytes(notice.document());
        } catch (JsonProcessingException e) {
            throw new DeliveryFailure("cannot write the OpenLineage event: " + e.getOriginalMessage(), false, e);
        }
        HttpPost.post(target, body, apiKey == null ? Map.of() : Map.of("Authorization", "Bearer " + apiKey), timeout, settings.target());
    }

    @Override
    public String toString() {
        return "OpenLineageSender[" + describe() + "]"; // never the key
    }
}
