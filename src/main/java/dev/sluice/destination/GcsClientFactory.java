package dev.sluice.destination;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.BlobWriteSessionConfigs;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import dev.sluice.config.GoogleKeys;
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

    private GcsClientFactory() {}

    /** The client, with the credentials {@link #credentials} read. */
    static Storage open(GcsDestinationConfig config, GoogleKeys.Auth auth) {
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

    static GoogleKeys.Auth credentials(GcsDestinationConfig config) {
        return GoogleKeys.read("destinations." + config.name(), config.credentialsFile(), config.credentialsJson(),
                config.endpoint() != null, "GCS_KEY", java.util.List.of("https://www.googleapis.com/auth/devstorage.read_write"));
    }
}
