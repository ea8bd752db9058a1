package dev.sluice.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Google Cloud credentials as the {@code gcs} destination and the {@code bigquery} source take
 * them: a service-account key file ({@code credentials_file}), the key's text
 * ({@code credentials_json}), or Application Default Credentials; none at all with an emulator
 * {@code endpoint} and no key. The key and its private key are registered as secrets before
 * anything can print them, and every message names the setting, never the key.
 */
public final class GoogleKeys {
    private GoogleKeys() {}

    /** The credentials, the project the key names (or null) and its account (or null). */
    public record Auth(Credentials credentials, String keyProject, String account) {}

    /**
     * @param where the setting's path, e.g. {@code destinations.bucket}
     * @param file the key file, or null
     * @param json the key's text, or null
     * @param emulator whether an emulator endpoint is set (no key then means no credentials)
     * @param envExample an environment variable to suggest for credentials_json, e.g. GCS_KEY
     * @param scopes the OAuth scopes to ask for
     */
    public static Auth read(String where, Path file, String json, boolean emulator, String envExample, List<String> scopes) {
        if (file != null) {
            String setting = where + ".credentials_file";
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw SluiceException.user(setting + ": the key file " + file
                        + " does not exist; download a JSON key of the service account (IAM > Service accounts > Keys) and give its path");
            } catch (AccessDeniedException e) {
                throw SluiceException.user(setting + ": the key file " + file
                        + " cannot be read by this user; check its permissions");
            } catch (IOException e) {
                throw SluiceException.user(setting + ": the key file " + file + " cannot be read ("
                        + e.getClass().getSimpleName() + "); check the path and its permissions");
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw SluiceException.user(setting + ": the key file " + file
                        + " is empty; it must be a service-account key as downloaded from IAM > Service accounts > Keys");
            }
            Secrets.register(text.strip());
            return serviceAccount(text, setting, "the key file " + file, scopes);
        }
        if (json != null) {
            Secrets.register(json.strip());
            return serviceAccount(json, where + ".credentials_json", "the key text", scopes);
        }
        if (emulator) {
            return new Auth(NoCredentials.getInstance(), null, null);
        }
        try {
            return new Auth(GoogleCredentials.getApplicationDefault(), null, null);
        } catch (IOException e) {
            throw SluiceException.user(where + ": no credentials given and no Application Default Credentials found; set "
                    + where + ".credentials_file to a service-account JSON key (or credentials_json to its text, e.g. ${" + envExample + "}), "
                    + "or set GOOGLE_APPLICATION_CREDENTIALS, or run 'gcloud auth application-default login'");
        }
    }

    /** Checks the key's shape with plain messages (never quoting it), then lets the auth library read it. */
    private static Auth serviceAccount(String text, String setting, String what, List<String> scopes) {
        JsonNode key;
        try {
            key = JsonText.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw SluiceException.user(setting + ": " + what + " is not valid JSON" + at
                    + "; it must be a service-account key as downloaded from IAM > Service accounts > Keys");
        }
        if (key == null || !key.isObject()) {
            throw SluiceException.user(setting + ": " + what + " is not a JSON object; it must be a service-account key as downloaded from IAM > Service accounts > Keys");
        }
        if (key.hasNonNull("private_key")) {
            String privateKey = key.path("private_key").asText();
            Secrets.register(privateKey);
            Secrets.register(privateKey.replace("\n", "\\n"));
            for (String line : privateKey.split("\\R")) {
                if (line.length() >= 16 && !line.startsWith("-----")) {
                    Secrets.register(line);
                }
            }
        }
        if (key.hasNonNull("private_key_id")) {
            Secrets.register(key.path("private_key_id").asText());
        }
        String type = key.path("type").asText("");
        if (!"service_account".equals(type)) {
            throw SluiceException.user(setting + ": " + what + " is not a service-account key (its \"type\" is "
                    + (type.isEmpty() ? "missing" : "'" + type + "'") + ", expected 'service_account'); create a JSON key for a service account");
        }
        for (String field : new String[] {"client_email", "private_key"}) {
            if (key.path(field).asText("").isBlank()) {
                throw SluiceException.user(setting + ": " + what + " has no \"" + field + "\"; it is incomplete, download a new JSON key");
            }
        }
        try {
            ServiceAccountCredentials credentials = ServiceAccountCredentials.fromStream(
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            return new Auth(credentials.createScoped(scopes),
                    key.path("project_id").asText(null), key.path("client_email").asText());
        } catch (IOException | RuntimeException e) {
            throw SluiceException.user(setting + ": " + what + " is malformed: its private_key cannot be read as a PKCS#8 key"
                    + "; download a new JSON key of the service account");
        }
    }

    /** Whether Google's token endpoint refused the key (revoked, deleted, or a wrong client): somewhere in the causes. */
    /**
     * The failure of a token request that never reached Google (a name that does not resolve, a
     * refused or timed-out connection, TLS), or null for any other failure: an external "cannot
     * reach" naming the key's token endpoint, never a verdict on the key. {@code where} is the
     * setting's path, {@code action} what was being done; the key is given as text or as a file.
     */
    public static dev.sluice.error.SluiceException unreachableToken(String where, String action, Throwable e, String keyJson,
            java.nio.file.Path keyFile) {
        Throwable network = refusedToken(e) ? dev.sluice.error.NetworkFailure.in(e) : null;
        if (network == null) {
            return null;
        }
        return dev.sluice.error.SluiceException.external(where + ": cannot reach Google's token endpoint "
                + tokenEndpoint(keyJson != null ? keyJson : readQuietly(keyFile)) + " while " + action + " ("
                + dev.sluice.error.NetworkFailure.describe(network) + "): the key was not checked; check the network, a proxy "
                + "or a firewall between this machine and Google, then run again", e);
    }

    /** The key's {@code token_uri}, or Google's default. */
    private static String tokenEndpoint(String keyJson) {
        if (keyJson != null) {
            try {
                com.fasterxml.jackson.databind.JsonNode uri = JsonText.MAPPER.readTree(keyJson).path("token_uri");
                if (uri.isTextual() && !uri.asText().isBlank()) {
                    return uri.asText();
                }
            } catch (java.io.IOException e) {
                // not a key: the default
            }
        }
        return "https://oauth2.googleapis.com/token";
    }

    private static String readQuietly(java.nio.file.Path file) {
        try {
            return file == null ? null : java.nio.file.Files.readString(file);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    public static boolean refusedToken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("invalid_grant") || message.contains("invalid_client")
                    || message.contains("Error getting access token"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
