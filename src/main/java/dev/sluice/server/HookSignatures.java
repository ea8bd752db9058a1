package dev.sluice.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signatures of {@code POST /api/hooks/...}: HMAC-SHA256 in lower-case hex. dbt Cloud signs the
 * body alone and sends the hex in {@code Authorization}; a generic hook signs
 * {@code TIMESTAMP + "." + BODY} and sends {@code sha256=HEX} in {@code X-Sluice-Signature}.
 * Comparison takes the same time wherever the first difference is.
 */
final class HookSignatures {
    static final String TIMESTAMP_HEADER = "X-Sluice-Timestamp";
    static final String SIGNATURE_HEADER = "X-Sluice-Signature";
    static final String PREFIX = "sha256=";

    private HookSignatures() {}

    /** HMAC-SHA256 of {@code message} with {@code secret}, in lower-case hex. */
    static String hmacHex(String secret, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** What a generic hook signs: the timestamp as sent, a dot, the body's bytes. */
    static byte[] signed(String timestamp, byte[] body) {
        byte[] head = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Whether {@code given} (hex, any case, surrounding spaces ignored) is {@code expected}. */
    static boolean matches(String expected, String given) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
