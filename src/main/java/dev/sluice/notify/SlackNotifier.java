package dev.sluice.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * {@code type: slack}: a message to a Slack incoming webhook ({@code webhook_url}, a secret: the
 * URL is the credential). The message is the notice's summary, with a link to the run when a public
 * URL is known.
 */
public record SlackNotifier(NotifierSettings settings, URI webhookUrl) implements Notifier {
    /** The settings of a Slack notification, besides the common ones. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("webhook_url").asRequired().asSecret().in("slack", 1)
                    .help("the incoming webhook's URL, usually ${SLACK_URL}; a credential, never printed"));

    static SlackNotifier parse(String name, Node node, Path baseDir) {
        NotifierSettings settings = NotifierSettings.parse(name, "slack", node, SETTINGS);
        String url = node.requiredText("webhook_url");
        // Whoever holds the URL can post to the channel.
        Secrets.register(url);
        Secrets.registerUrl(url);
        if (url == null || !HttpUrls.check(node, "webhook_url", url)
                || !HttpUrls.checkTarget(node, "webhook_url", url, settings.target())) {
            return null;
        }
        return new SlackNotifier(settings, URI.create(url.strip()));
    }

    @Override
    public String describe() {
        return "a Slack webhook at " + webhookUrl.getHost();
    }

    @Override
    public void send(Notice notice, Duration timeout) throws DeliveryFailure {
        StringBuilder text = new StringBuilder("*" + escape(notice.title()) + "*");
        notice.lines().forEach(line -> text.append('\n').append(escape(line)));
        if (notice.link() != null) {
            text.append("\n<").append(notice.link()).append("|Open the run in Sluice>");
        }
        byte[] body;
        try {
            body = JsonText.MAPPER.writeValueAsBytes(Map.of("text", text.toString()));
        } catch (JsonProcessingException e) {
            throw new DeliveryFailure("cannot write the message: " + e.getOriginalMessage(), false, e);
        }
        HttpPost.post(webhookUrl, body, Map.of(), timeout, settings.target());
    }

    /** Slack's mrkdwn escapes: &, < and > (which would start a link or a mention). */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public String toString() {
        return "SlackNotifier[" + settings.name() + ", " + describe() + "]";
    }
}
