package dev.sluice.source.bigquery;

import com.google.cloud.BaseServiceException;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the BigQuery client's failures into one-line messages that name the source (or the model)
 * and what to do. A missing dataset or table, a refused permission or credentials, and SQL that
 * BigQuery rejects are the user's to fix (exit 2); quotas, rate limits, 5xx and the network are
 * external failures (exit 1).
 */
final class BigQueryErrors {
    private static final Pattern PERMISSION = Pattern.compile("(bigquery|storage)\\.[a-zA-Z]+\\.[a-zA-Z]+");
    /** The narrowest predefined role that grants each permission a read needs. */
    private static final Map<String, String> ROLE = Map.of(
            "bigquery.jobs.create", "roles/bigquery.jobUser on the project",
            "bigquery.tables.getData", "roles/bigquery.dataViewer on the dataset",
            "bigquery.tables.get", "roles/bigquery.dataViewer on the dataset",
            "bigquery.datasets.get", "roles/bigquery.dataViewer on the dataset",
            "bigquery.tables.export", "roles/bigquery.dataViewer on the dataset",
            "bigquery.readsessions.create", "roles/bigquery.readSessionUser on the project",
            "storage.objects.create", "roles/storage.objectAdmin on the export bucket",
            "storage.objects.delete", "roles/storage.objectAdmin on the export bucket",
            "storage.objects.get", "roles/storage.objectAdmin on the export bucket",
            "storage.objects.list", "roles/storage.objectAdmin on the export bucket");

    private BigQueryErrors() {}

    /** Whether BigQuery refused the query itself (its SQL, or a table or dataset it names), not the caller. */
    static boolean rejectsQuery(BigQueryException e) {
        String reason = reason(e);
        return "invalidQuery".equals(reason) || "notFound".equals(reason) && !message(e).toLowerCase(Locale.ROOT).contains("job");
    }

    /** BigQuery's own words for a rejected query, for validate's "the query fails on source" problem. */
    static String queryMessage(BigQueryException e) {
        return message(e);
    }

    /**
     * @param source the source
     * @param model the model being read, or null
     * @param action what was being done, e.g. "running the query of model customers"
     */
    static SluiceException translate(BigQuerySource source, String model, BigQueryException e, String action) {
        String where = "sources." + source.name();
        String reason = reason(e);
        int code = e.getCode();
        String message = message(e);
        String credentials = source.credentialsFile() != null ? where + ".credentials_file"
                : source.credentialsJson() != null ? where + ".credentials_json" : "the Application Default Credentials";
        SluiceException unreachable = dev.sluice.config.GoogleKeys.unreachableToken(where, action, e, source.credentialsJson(),
                source.credentialsFile());
        if (unreachable != null) {
            return unreachable;
        }
        if (code == 401 || dev.sluice.config.GoogleKeys.refusedToken(e)) {
            return SluiceException.user(where + ": BigQuery refused the credentials (401 Unauthorized) while " + action
                    + ": the service account or its key was deleted or disabled, or the key was revoked; create a new key and update "
                    + credentials, null);
        }
        if ("quotaExceeded".equals(reason) || "rateLimitExceeded".equals(reason)) {
            return SluiceException.external(where + ": BigQuery quota exceeded (" + reason + ") while " + action + ": " + message
                    + "; run again later, or raise the quota in the Google Cloud console (IAM & Admin > Quotas)", null);
        }
        if ("bytesBilledLimitExceeded".equals(reason)) {
            return SluiceException.user(where + ".maximum_bytes_billed: BigQuery refused " + action + ": " + message
                    + " (maximum_bytes_billed is " + (source.maximumBytesBilled() == null ? "not set" : String.format(Locale.ROOT,
                            "%,d bytes", source.maximumBytesBilled())) + "); raise " + where + ".maximum_bytes_billed if the cost is "
                    + "expected, or make the model read less (select fewer columns, filter on a partition)", null);
        }
        if ("invalidQuery".equals(reason) && model != null) {
            return SluiceException.user("models." + model + ".sql: BigQuery rejected the query on source '" + source.name() + "': "
                    + message + "; fix the model's SQL (BigQuery GoogleSQL)", null);
        }
        if ("notFound".equals(reason) || code == 404) {
            String lower = message.toLowerCase(Locale.ROOT);
            String what = lower.contains("dataset") ? "a dataset" : lower.contains("table") ? "a table" : "something";
            return SluiceException.user((model == null ? where : "models." + model + ".sql") + ": " + what + " the query names does not exist "
                    + "in BigQuery project " + source.project() + " (" + message + ") while " + action + "; check the names in the SQL, "
                    + where + ".dataset and " + where + ".location (" + source.location() + "): a dataset lives in one location", null);
        }
        if (code == 403 || "accessDenied".equals(reason)) {
            Matcher m = PERMISSION.matcher(message);
            String permission = m.find() ? m.group() : null;
            String role = permission == null ? "roles/bigquery.jobUser on the project and roles/bigquery.dataViewer on the dataset"
                    : ROLE.getOrDefault(permission, permission.startsWith("storage.") ? "roles/storage.objectAdmin on the export bucket"
                            : "roles/bigquery.jobUser on the project and roles/bigquery.dataViewer on the dataset");
            return SluiceException.user(where + ": permission denied (403) while " + action + ": " + message + "; grant "
                    + (permission == null ? "" : "a role with " + permission + ", e.g. ") + role + ", to the account of " + credentials, null);
        }
        if ("invalidQuery".equals(reason) || code == 400) {
            return SluiceException.user(where + ": BigQuery refused " + action + " (" + (reason == null ? "HTTP 400" : reason) + "): "
                    + message, null);
        }
        if (code == 0 && !(e.getCause() instanceof BaseServiceException) && reason == null) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (!(root instanceof java.io.IOException)) {
                return SluiceException.external(where + ": BigQuery's answer could not be read while " + action + " ("
                        + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + Secrets.redact(root.getMessage()))
                        + "); run again, and report it if it persists", null);
            }
            return SluiceException.external(where + ": cannot reach BigQuery" + (source.endpoint() == null ? "" : " at " + source.endpoint())
                    + " while " + action + " (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + Secrets.redact(root.getMessage())) + ") after " + source.maxAttempts()
                    + " attempts; check the network" + (source.endpoint() == null ? "" : " and " + where + ".endpoint") + ", then run again", null);
        }
        return SluiceException.external(where + ": BigQuery failed while " + action + " (" + (code == 0 ? "" : "HTTP " + code + " ")
                + (reason == null ? "" : reason) + ": " + message + "); run again later", null);
    }

    private static String reason(BigQueryException e) {
        if (e.getReason() != null) {
            return e.getReason();
        }
        BigQueryError error = e.getError();
        return error == null ? null : error.getReason();
    }

    private static String message(BigQueryException e) {
        BigQueryError error = e.getError();
        String text = error != null && error.getMessage() != null ? error.getMessage() : String.valueOf(e.getMessage());
        text = Secrets.redact(text.strip());
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

}
