package dev.sluice.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.error.Secrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code type: webhook}: a POST of the notice's JSON document to {@code url}, signed with
 * HMAC-SHA256 under {@code secret}: header {@code X-Sluice-Timestamp} holds the Unix time in
 * seconds, {@code X-Sluice-Signature} is {@code sha256=} and the hex HMAC of
 * {@code "<timestamp>.<body>"}. Without a secret the request is sent unsigned.
 */
public record WebhookNotifier(NotifierSettings settings, URI url, String secret, Clock clock) implements Notifier {
    public static final String TIMESTAMP_HEADER = "X-Sluice-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Sluice-Signature";
    /** The settings of a webhook notification, besides the common ones. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("url").asRequired().in("webhook", 1).help("an http:// or https:// URL"),
            SettingSpec.text("secret").absent("none: unsigned").asSecret().in("webhook", 2)
                    .help("the HMAC key, at least 16 characters, usually ${HOOK_SECRET}; never printed"));

    static WebhookNotifier parse(String name, Node node, Path baseDir) {
        NotifierSettings settings = NotifierSettings.parse(name, "webhook", node, SETTINGS);
        String url = node.requiredText("url");
        Secrets.registerUrl(url);
        String secret = node.text("secret", null);
        Secrets.register(secret);
        if (secret != null && secret.length() < 16) {
            node.problem("secret", "must have at least 16 characters (e.g. openssl rand -hex 32), got " + secret.length());
        }
        if (url == null || !HttpUrls.check(node, "url", url) || !HttpUrls.checkTarget(node, "url", url, settings.target())) {
            return null;
        }
        return new WebhookNotifier(settings, URI.create(url.strip()), secret, Clock.systemUTC());
    }

    @Override
    public String describe() {
        return "a webhook at " + url.getScheme() + "://" + url.getAuthority().replaceAll("^.*@", "");
    }

    @Override
    public void send(Notice notice, Duration timeout) throws DeliveryFailure {
        ObjectNode document = notice.document().deepCopy();
        if (notice.link() != null) {
            document.put("url", notice.link());
        }
        byte[] body;
        try {
            body = JsonText.MAPPER.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new DeliveryFailure("cannot write the JSON document: " + e.getOriginalMessage(), false, e);
        }
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        Map<String, String> headers = secret == null ? Map.of(TIMESTAMP_HEADER, timestamp)
                : Map.of(TIMESTAMP_HEADER, timestamp, SIGNATURE_HEADER, "sha256=" + sign(secret, timestamp, body));
        HttpPost.post(url, body, headers, timeout, settings.target());
    }

    /** The hex HMAC-SHA256 of {@code "<timestamp>.<body>"} under {@code secret}. */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + settings.name() + ", " + describe() + "]";
    }
}
