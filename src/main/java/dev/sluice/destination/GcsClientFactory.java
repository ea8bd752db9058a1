package dev.sluice.destination;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.BlobWriteSessionConfigs;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import dev.sluice.config.JsonText;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * Builds the official client for a {@code gcs} destination: credentials from the key file, the
 * key's text or Application Default Credentials (none with an {@code endpoint} and no key), the
 * retry settings, and the resumable upload chunk size.
 *
 * <p>Retries: every call is retried on 429, 5xx, connection resets and timeouts, with exponential
 * backoff from {@value #INITIAL_DELAY_MS} ms doubling up to {@value #MAX_DELAY_S} s, at most
 * {@code max_attempts} attempts (default {@value GcsDestinationConfig#DEFAULT_MAX_ATTEMPTS}) and
 * {@value #TOTAL_TIMEOUT_MIN} minutes per call. Sluice makes every call safe to repeat: uploads go
 * to names only this run writes, copies to final names check a repeat against the run's own
 * metadata, deletes accept an object already gone.
 */
final class GcsClientFactory {
    static final long INITIAL_DELAY_MS = 500;
    static final long MAX_DELAY_S = 32;
    static final long TOTAL_TIMEOUT_MIN = 10;
    private static final ObjectMapper JSON = JsonText.MAPPER;

    private GcsClientFactory() {}

    /** The project the key names, when one is given; read before the client exists. */
    record Auth(Credentials credentials, String keyProject, String account) {}

    static Storage open(GcsDestinationConfig config) {
        Auth auth = credentials(config);
        HttpTransportOptions transport = HttpTransportOptions.newBuilder()
                .setConnectTimeout(20_000)
                .setReadTimeout(60_000)
                .build();
        RetrySettings retry = RetrySettings.newBuilder()
                .setMaxAttempts(config.maxAttempts())
                .setInitialRetryDelayDuration(Duration.ofMillis(INITIAL_DELAY_MS))
                .setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(Duration.ofSeconds(MAX_DELAY_S))
                .setTotalTimeoutDuration(Duration.ofMinutes(TOTAL_TIMEOUT_MIN))
                .setInitialRpcTimeoutDuration(Duration.ofMinutes(TOTAL_TIMEOUT_MIN))
                .setMaxRpcTimeoutDuration(Duration.ofMinutes(TOTAL_TIMEOUT_MIN))
                .setRpcTimeoutMultiplier(1.0)
                .build();
        String project = config.projectId() != null ? config.projectId() : auth.keyProject() != null ? auth.keyProject() : "sluice";
        StorageOptions.Builder builder = StorageOptions.http()
                .setProjectId(project)
                .setCredentials(auth.credentials())
                .setTransportOptions(transport)
                .setRetrySettings(retry)
                .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy())
                .setBlobWriteSessionConfig(BlobWriteSessionConfigs.getDefault().withChunkSize(Math.toIntExact(config.chunkSize())));
        if (config.endpoint() != null) {
            builder.setHost(config.endpoint());
        }
        return builder.build().getService();
    }

    static Auth credentials(GcsDestinationConfig config) {
        String where = "destinations." + config.name();
        if (config.credentialsFile() != null) {
            String setting = where + ".credentials_file";
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(config.credentialsFile());
            } catch (NoSuchFileException e) {
                throw SluiceException.user(setting + ": the key file " + config.credentialsFile()
                        + " does not exist; download a JSON key of the service account (IAM > Service accounts > Keys) and give its path");
            } catch (AccessDeniedException e) {
                throw SluiceException.user(setting + ": the key file " + config.credentialsFile()
                        + " cannot be read by this user; check its permissions");
            } catch (IOException e) {
                throw SluiceException.user(setting + ": the key file " + config.credentialsFile() + " cannot be read ("
                        + e.getClass().getSimpleName() + "); check the path and its permissions");
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw SluiceException.user(setting + ": the key file " + config.credentialsFile()
                        + " is empty; it must be a service-account key as downloaded from IAM > Service accounts > Keys");
            }
            Secrets.register(text.strip());
            return serviceAccount(text, setting, "the key file " + config.credentialsFile());
        }
        if (config.credentialsJson() != null) {
            Secrets.register(config.credentialsJson().strip());
            return serviceAccount(config.credentialsJson(), where + ".credentials_json", "the key text");
        }
        if (config.endpoint() != null) {
            return new Auth(NoCredentials.getInstance(), null, null);
        }
        try {
            return new Auth(GoogleCredentials.getApplicationDefault(), null, null);
        } catch (IOException e) {
            throw SluiceException.user(where + ": no credentials given and no Application Default Credentials found; set "
                    + where + ".credentials_file to a service-account JSON key (or credentials_json to its text, e.g. ${GCS_KEY}), "
                    + "or set GOOGLE_APPLICATION_CREDENTIALS, or run 'gcloud auth application-default login'");
        }
    }

    /** Checks the key's shape with plain messages (never quoting it), then lets the auth library read it. */
    private static Auth serviceAccount(String text, String setting, String what) {
        JsonNode key;
        try {
            key = JSON.readTree(text);
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
            return new Auth(credentials.createScoped("https://www.googleapis.com/auth/devstorage.read_write"),
                    key.path("project_id").asText(null), key.path("client_email").asText());
        } catch (IOException | RuntimeException e) {
            throw SluiceException.user(setting + ": " + what + " is malformed: its private_key cannot be read as a PKCS#8 key"
                    + "; download a new JSON key of the service account");
        }
    }
}
