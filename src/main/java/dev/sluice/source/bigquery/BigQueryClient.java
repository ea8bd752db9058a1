package dev.sluice.source.bigquery;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.sluice.config.GoogleKeys;
import java.time.Duration;
import java.util.List;

/**
 * The official clients a {@code bigquery} source uses: BigQuery, and Cloud Storage for the
 * export bucket, with one set of credentials (scoped for both). Calls are retried by the clients
 * on rate limits, 5xx and network errors, up to {@code max_attempts} attempts.
 */
record BigQueryClient(BigQuery bigquery, Storage storage, GoogleKeys.Auth auth) {
    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/bigquery",
            "https://www.googleapis.com/auth/devstorage.read_write");

    static GoogleKeys.Auth credentials(BigQuerySource source) {
        return GoogleKeys.read("sources." + source.name(), source.credentialsFile(), source.credentialsJson(),
                source.endpoint() != null, "BIGQUERY_KEY", SCOPES);
    }

    static BigQueryClient open(BigQuerySource source) {
        GoogleKeys.Auth auth = credentials(source);
        HttpTransportOptions transport = HttpTransportOptions.newBuilder().setConnectTimeout(20_000).setReadTimeout(120_000).build();
        RetrySettings retry = RetrySettings.newBuilder()
                .setMaxAttempts(source.maxAttempts())
                .setInitialRetryDelayDuration(Duration.ofMillis(500))
                .setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(Duration.ofSeconds(32))
                .setTotalTimeoutDuration(Duration.ofMinutes(30))
                .setInitialRpcTimeoutDuration(Duration.ofMinutes(10))
                .setMaxRpcTimeoutDuration(Duration.ofMinutes(10))
                .setRpcTimeoutMultiplier(1.0)
                .build();
        BigQueryOptions.Builder builder = BigQueryOptions.newBuilder()
                .setProjectId(source.project())
                .setLocation(source.location())
                .setCredentials(auth.credentials())
                .setTransportOptions(transport)
                .setRetrySettings(retry);
        if (source.endpoint() != null) {
            builder.setHost(source.endpoint());
        }
        Storage storage = null;
        BigQuerySource.Export export = source.export();
        if (export != null) {
            StorageOptions.Builder storageBuilder = StorageOptions.http()
                    .setProjectId(source.project())
                    .setCredentials(auth.credentials())
                    .setTransportOptions(transport)
                    .setRetrySettings(retry);
            if (export.endpoint() != null) {
                storageBuilder.setHost(export.endpoint());
            }
            storage = storageBuilder.build().getService();
        }
        return new BigQueryClient(builder.build().getService(), storage, auth);
    }
}
