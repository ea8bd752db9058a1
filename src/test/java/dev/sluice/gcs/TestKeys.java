package dev.sluice.gcs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Service-account JSON keys made up for tests: a fresh RSA key, its token_uri pointing at a {@link FakeGcs}. */
public final class TestKeys {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private TestKeys() {}

    /** A key whose tokens the fake's {@code /token} endpoint hands out. */
    public static String serviceAccountKey(FakeGcs fake) {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode key = JSON.createObjectNode();
        key.put("type", "service_account");
        key.put("project_id", "sluice-project");
        key.put("private_key_id", "0123456789abcdef0123456789abcdef01234567");
        key.put("private_key", pem);
        key.put("client_email", "sluice-test@sluice-project.iam.gserviceaccount.com");
        key.put("client_id", "100000000000000000001");
        key.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        key.put("token_uri", fake.endpoint() + "/token");
        return key.toPrettyString();
    }

    /** The base64 body of the key's private_key: what must never be printed. */
    public static String privateKeyBody(String keyJson) {
        try {
            String pem = JSON.readTree(keyJson).path("private_key").asText();
            return pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replace("\n", "");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
