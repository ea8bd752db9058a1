package dev.sluice.destination;

import dev.sluice.config.ByteSize;
import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Google Cloud Storage bucket. Credentials come from {@code credentials_file},
 * {@code credentials_json} or, when neither is given, Application Default Credentials;
 * {@code endpoint} points at an emulator; {@code kms_key_name} is the Cloud KMS key objects are
 * written with (customer-managed encryption), null for the bucket's default.
 */
public record GcsDestinationConfig(String name, String bucket, Path credentialsFile, String credentialsJson,
        String projectId, String endpoint, long chunkSize, int maxAttempts, String kmsKeyName) implements DestinationConfig {

    /** A Cloud KMS key's resource name, as Cloud Storage takes it. */
    private static final Pattern KMS_KEY = Pattern.compile("projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+");

    /** Bucket names: 3-63 characters (222 with dots), lower-case letters, digits, '-', '_' and '.'. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");
    public static final long DEFAULT_CHUNK_SIZE = 16L << 20;
    /** Attempts per call before a transient failure (429, 5xx, a reset connection) fails the run. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    /** The client holds one chunk in memory; more than this is a mistake. */
    private static final long MAX_CHUNK_SIZE = 1L << 30;

    /** The settings of a gcs destination. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.typeKey("destination", null),
            SettingSpec.text("bucket").asRequired().in("gcs", 1).help("the bucket's name only, without gs://"),
            SettingSpec.text("credentials_file").in("gcs", 2).help("a service-account JSON key file"),
            SettingSpec.text("credentials_json").asSecret().in("gcs", 3).help("the key's JSON text, usually ${GCS_KEY}; never printed"),
            SettingSpec.text("project_id").in("gcs", 4).help("the project, when the credentials do not name it"),
            SettingSpec.text("endpoint").in("gcs", 5).help("an http:// or https:// URL of an emulator"),
            SettingSpec.of("chunk_size", SettingSpec.Kind.SIZE).withDefault("16MiB").in("gcs", 6)
                    .help("resumable upload chunk: a multiple of 256KiB, at most 1GiB"),
            SettingSpec.integer("max_attempts").withDefault(DEFAULT_MAX_ATTEMPTS).in("gcs", 7)
                    .help("attempts per request before a transient failure fails the run; 1-20"),
            SettingSpec.text("kms_key_name").absent("the bucket's default").in("gcs", 8)
                    .help("a Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K) every object is written with"));

    static GcsDestinationConfig parse(String name, Node node, Path baseDir) {
        node.allowKeys(SettingSpec.keys(SETTINGS));
        String bucket = node.requiredText("bucket");
        if (bucket != null && (!BUCKET.matcher(bucket).matches() || (bucket.length() > 63 && !bucket.contains(".")))) {
            node.problem("bucket", "'" + bucket + "' is not a valid bucket name (3-63 lower-case letters, digits, '-', '_' or '.'; "
                    + "give the name only, without gs://)");
        }
        String file = node.text("credentials_file", null);
        String json = node.text("credentials_json", null);
        if (file != null && json != null) {
            node.problem("credentials_json", "give either credentials_file or credentials_json, not both");
        }
        Path credentialsFile = file == null ? null : baseDir.resolve(file).normalize();
        String endpoint = node.text("endpoint", null);
        if (endpoint != null) {
            try {
                URI uri = new URI(endpoint);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    node.problem("endpoint", "must be an http:// or https:// URL, got '" + endpoint + "'");
                }
            } catch (java.net.URISyntaxException e) {
                node.problem("endpoint", "must be an http:// or https:// URL, got '" + endpoint + "'");
            }
        }
        long chunkSize = node.parse("chunk_size", ByteSize::parse, "16MiB").orElse(DEFAULT_CHUNK_SIZE);
        if (chunkSize > 0 && chunkSize % (256 * 1024) != 0) {
            node.problem("chunk_size", "must be a multiple of 256KiB (GCS resumable uploads need it), got " + chunkSize
                    + " bytes; use binary units, e.g. 8MiB or 16MiB (1MB is 1,000,000 bytes)");
        }
        if (chunkSize <= 0 || chunkSize > MAX_CHUNK_SIZE) {
            node.problem("chunk_size", "must be between 256KiB and 1GiB (one chunk is held in memory while uploading), got " + chunkSize + " bytes");
        }
        int maxAttempts = node.parse("max_attempts", GcsDestinationConfig::attempts, String.valueOf(DEFAULT_MAX_ATTEMPTS)).orElse(DEFAULT_MAX_ATTEMPTS);
        if (maxAttempts < 1 || maxAttempts > 20) {
            node.problem("max_attempts", "must be between 1 and 20 (attempts per request before the run fails), got " + maxAttempts);
        }
        String kmsKeyName = node.text("kms_key_name", null);
        if (kmsKeyName != null && !KMS_KEY.matcher(kmsKeyName).matches()) {
            node.problem("kms_key_name", "must be a Cloud KMS key's resource name, projects/PROJECT/locations/LOCATION/keyRings/RING/"
                    + "cryptoKeys/KEY (without /cryptoKeyVersions/N), got '" + kmsKeyName + "'");
        }
        return new GcsDestinationConfig(name, bucket, credentialsFile, json, node.text("project_id", null), endpoint, chunkSize,
                maxAttempts, kmsKeyName);
    }

    private static int attempts(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number of attempts (1 to 20), got '" + text + "'");
        }
    }

    @Override
    public String type() {
        return "gcs";
    }

    @Override
    public Destination open() {
        return GcsDestination.open(this);
    }

    @Override
    public void checkLocally() {
        if (credentialsFile != null || credentialsJson != null) {
            GcsClientFactory.credentials(this); // reads and parses the key; no network
        }
    }

    @Override
    public String describe() {
        return "gs://" + bucket + (endpoint == null ? "" : " at " + endpoint) + (kmsKeyName == null ? "" : ", encrypted with " + kmsKeyName);
    }

    @Override
    public String lineageNamespace() {
        return "gs://" + bucket;
    }

    @Override
    public String toString() {
        return "GcsDestinationConfig[" + name + ", " + describe() + "]";
    }
}
