package dev.sluice.destination;

import com.google.cloud.BaseServiceException;
import com.google.cloud.storage.StorageException;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the client's failures into plain sentences that name the destination setting concerned
 * and what to do. Authentication, permission and bucket errors are the user's to fix (exit 2);
 * what is left after retries (5xx, 429, the network) is an external failure (exit 1).
 */
final class GcsErrors {
    private static final Pattern PERMISSION = Pattern.compile("storage\\.[a-zA-Z]+\\.[a-zA-Z]+");
    /** A predefined role that grants each permission Sluice needs, the narrowest that covers a run. */
    private static final Map<String, String> ROLE = Map.of(
            "storage.objects.create", "roles/storage.objectAdmin (or roles/storage.objectCreator for this permission alone)",
            "storage.objects.delete", "roles/storage.objectAdmin",
            "storage.objects.get", "roles/storage.objectAdmin (or roles/storage.objectViewer for this permission alone)",
            "storage.objects.list", "roles/storage.objectAdmin (or roles/storage.objectViewer for this permission alone)",
            "storage.buckets.get", "roles/storage.legacyBucketReader");

    /** Where the documentation explains buckets that refuse deletes. */
    static final String LOCKED_BUCKETS = "see docs/destinations.md, \"Buckets that refuse deletes\"";

    private GcsErrors() {}

    /**
     * The sentence for a permission the credentials do not hold on the bucket, as
     * {@code testIamPermissions} answers it: the permission and a role that grants it.
     */
    static String lacks(GcsDestinationConfig config, String permission, String account) {
        return (account == null ? "the credentials" : account) + " lack the permission " + permission + " on bucket " + config.bucket() + " (grant a role that includes it, e.g. "
                + ROLE.getOrDefault(permission, "roles/storage.objectAdmin") + ", on the bucket)";
    }

    /** Whether a failure is the credentials being refused (not a permission or a policy). */
    static boolean refusedCredentials(RuntimeException e) {
        return code(e) == 401 || dev.sluice.config.GoogleKeys.refusedToken(e);
    }

    /** A retention period in the largest whole unit that fits it: "7 days", "36 hours", "90 seconds". */
    static String describe(java.time.Duration period) {
        long seconds = period.toSeconds();
        if (seconds % 86_400 == 0) {
            return plural(seconds / 86_400, "day");
        }
        if (seconds % 3_600 == 0) {
            return plural(seconds / 3_600, "hour");
        }
        if (seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** An HTTP status from a failure, or 0 when there is none (network errors). */
    static int code(RuntimeException e) {
        return e instanceof BaseServiceException service ? service.getCode() : 0;
    }

    /**
     * @param config the destination
     * @param action what was being done, e.g. "uploading reports/a.csv"
     * @param permission the permission that action needs, named when GCS does not say
     * @param folder the folder written to (for "folder not writable"), or null
     */
    static SluiceException translate(GcsDestinationConfig config, RuntimeException e, String action, String permission, String folder) {
        String where = "destinations." + config.name();
        String bucket = config.bucket();
        int code = code(e);
        String serverMessage = Secrets.redact(e.getMessage() == null ? "" : e.getMessage());
        String credentialSetting = config.credentialsFile() != null ? where + ".credentials_file"
                : config.credentialsJson() != null ? where + ".credentials_json" : "the Application Default Credentials";
        SluiceException unreachable = dev.sluice.config.GoogleKeys.unreachableToken(where, action, e, config.credentialsJson(),
                config.credentialsFile());
        if (unreachable != null) {
            return unreachable;
        }
        if (code == 401 || dev.sluice.config.GoogleKeys.refusedToken(e)) {
            return SluiceException.user(where + ": Google Cloud Storage refused the credentials (401 Unauthorized) while " + action
                    + ": the service account or its key was deleted or disabled, or the key was revoked; create a new key and update "
                    + credentialSetting, null);
        }
        if (retentionRefused(e)) {
            String reason = e instanceof BaseServiceException service && service.getReason() != null ? " " + service.getReason() : "";
            return SluiceException.user(where + ": bucket " + bucket + " refused " + action + " (403" + reason + ": "
                    + firstLine(serverMessage) + "): the bucket's retention policy or an object hold forbids deleting or replacing "
                    + "that object, whatever the credentials' permissions; on such a bucket an activation needs publish: direct, a "
                    + "file_name that changes every run and manifest: true (" + LOCKED_BUCKETS + ")", null);
        }
        if (code == 403 && config.kmsKeyName() != null && serverMessage.contains("Cloud KMS key")) {
            return SluiceException.user(where + ".kms_key_name: Google Cloud Storage cannot use the key " + config.kmsKeyName()
                    + " (403) while " + action + ": the Cloud Storage service agent of the bucket's project "
                    + "(service-PROJECT_NUMBER@gs-project-accounts.iam.gserviceaccount.com, shown by "
                    + "`gcloud storage service-agent --project=PROJECT`) lacks the permissions cloudkms.cryptoKeyVersions.useToEncrypt "
                    + "and cloudkms.cryptoKeyVersions.useToDecrypt on that key; grant it roles/cloudkms.cryptoKeyEncrypterDecrypter "
                    + "on the key, or check that the key exists, is enabled and is in the bucket's location", null);
        }
        if (code == 403) {
            Matcher m = PERMISSION.matcher(serverMessage);
            String named = m.find() ? m.group() : permission;
            String role = ROLE.getOrDefault(named, "roles/storage.objectAdmin");
            String who = accountOf(serverMessage);
            String onFolder = folder == null || folder.isEmpty() ? "" : " under the folder " + folder + "/";
            String folderHint = folder == null || folder.isEmpty() ? ""
                    : " (the folder " + folder + "/ is not writable: if an IAM condition limits the role to some prefixes, include this one)";
            return SluiceException.user(where + ": permission denied (403) while " + action + ": " + (who == null ? "the credentials" : who)
                    + " lack the permission " + named + " on bucket " + bucket + onFolder + "; grant a role that includes it, e.g. "
                    + role + ", on the bucket" + folderHint, null);
        }
        if (code == 404) {
            String lower = serverMessage.toLowerCase(Locale.ROOT);
            if (lower.contains("bucket") && (lower.contains("not exist") || lower.contains("not found"))) {
                return SluiceException.user(where + ": the bucket '" + bucket + "' does not exist (404 Not Found) while " + action
                        + "; check " + where + ".bucket (the name only, without gs://)" + (config.endpoint() == null ? "" : " and " + where + ".endpoint"), null);
            }
            return SluiceException.external(where + ": an object disappeared (404 Not Found) while " + action
                    + ": something else deleted it; run again", null);
        }
        if (code == 0) {
            Throwable root = rootCause(e);
            return SluiceException.external(where + ": cannot reach Google Cloud Storage" + (config.endpoint() == null ? "" : " at " + config.endpoint())
                    + " while " + action + " (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + Secrets.redact(root.getMessage())) + ") after " + config.maxAttempts()
                    + " attempts; check the network" + (config.endpoint() == null ? "" : " and " + where + ".endpoint") + ", then run again", null);
        }
        if (code == 429 || code >= 500) {
            return SluiceException.external(where + ": Google Cloud Storage kept failing (HTTP " + code + ": " + firstLine(serverMessage)
                    + ") while " + action + ", after " + config.maxAttempts() + " attempts (" + where
                    + ".max_attempts); run again later", null);
        }
        return SluiceException.external(where + ": Google Cloud Storage refused " + action + " (HTTP " + code + ": "
                + firstLine(serverMessage) + ")", null);
    }

    private static String accountOf(String message) {
        Matcher m = Pattern.compile("[\\w.+-]+@[\\w.-]+").matcher(message);
        return m.find() ? m.group() : null;
    }


    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** Whether a failure is the unmet precondition of an object that must not exist yet. */
    static boolean preconditionFailed(RuntimeException e) {
        return code(e) == 412;
    }

    /**
     * Whether a delete was refused because the object is held: a bucket retention policy it has not
     * met yet (403, reason {@code retentionPolicyNotMet}) or an event-based or temporary hold.
     */
    static boolean retentionRefused(RuntimeException e) {
        if (code(e) != 403) {
            return false;
        }
        String reason = e instanceof BaseServiceException service ? service.getReason() : null;
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return "retentionPolicyNotMet".equals(reason) || "objectUnderActiveHold".equals(reason) || message.contains("retention policy") || message.contains("active temporary hold")
                || message.contains("active event-based hold");
    }

    /** A client failure as a runtime exception: unwraps what futures and channels wrap around it. */
    static RuntimeException unwrap(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageException || t instanceof BaseServiceException) {
                return (RuntimeException) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return new StorageException(0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
}
