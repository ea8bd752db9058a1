package dev.sluice.source.bigquery;

import dev.sluice.source.Source;
import dev.sluice.source.SourceSession;
import dev.sluice.source.Model;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.engine.Engine;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A BigQuery project, read through the official client: {@code project}, {@code location}
 * (default US), an optional default {@code dataset}, credentials as for the gcs destination
 * ({@code credentials_file}, {@code credentials_json} or Application Default Credentials), an
 * {@code endpoint} for an emulator, and an optional {@code export} bucket through which results
 * above {@code export.above_rows} leave BigQuery as Parquet ({@code EXPORT DATA}).
 */
public record BigQuerySource(String name, String project, String location, String dataset, Path credentialsFile,
        String credentialsJson, String endpoint, int maxAttempts, Export export, Long maximumBytesBilled) implements Source {

    /** Project ids: 6-30 lower-case letters, digits and '-', optionally behind a domain ("example.com:project"). */
    private static final Pattern PROJECT = Pattern.compile("([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]");
    private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_]{1,1024}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");
    public static final String DEFAULT_LOCATION = "US";
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    public static final long DEFAULT_EXPORT_ABOVE_ROWS = 1_000_000;
    public static final String DEFAULT_EXPORT_PREFIX = "sluice-export/";

    /** Where large results are staged: {@code gs://bucket/prefix}, and the row count above which they are. */
    public record Export(String bucket, String prefix, long aboveRows, String endpoint) {}

    /** The keys of a bigquery source's {@code export}. */
    static final List<SettingSpec> EXPORT_SETTINGS = List.of(
            SettingSpec.text("bucket").asRequired().in("export", 1).help("a Cloud Storage bucket in a location BigQuery can export to"),
            SettingSpec.text("prefix").withDefault(DEFAULT_EXPORT_PREFIX).in("export", 2)
                    .help("the folder under which each read writes (and then deletes) its own sub-folder"),
            SettingSpec.integer("above_rows").withDefault(DEFAULT_EXPORT_ABOVE_ROWS).in("export", 3)
                    .help("results with more rows than this go through the bucket"),
            SettingSpec.text("endpoint").absent("none").in("export", 4).help("a Cloud Storage emulator's URL"));

    /** The settings of a bigquery source. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.typeKey("source", "duckdb"),
            SettingSpec.text("project").asRequired().in("bigquery", 1).help("the project id that runs (and pays for) the queries"),
            SettingSpec.text("location").withDefault(DEFAULT_LOCATION).in("bigquery", 2).help("where the jobs run (US, EU, europe-west1 …)"),
            SettingSpec.text("dataset").absent("none").in("bigquery", 3).help("default dataset for unqualified table names"),
            SettingSpec.text("credentials_file").absent("none").in("bigquery", 4).help("path to a service-account JSON key"),
            SettingSpec.text("credentials_json").absent("none").asSecret().in("bigquery", 5)
                    .help("the key's text, usually ${BIGQUERY_KEY}; never printed"),
            SettingSpec.text("endpoint").absent("none").in("bigquery", 6).help("an emulator's URL"),
            SettingSpec.integer("max_attempts").withDefault(DEFAULT_MAX_ATTEMPTS).in("bigquery", 7)
                    .help("attempts per request on rate limits, 5xx and network errors (1-20)"),
            SettingSpec.object("export", EXPORT_SETTINGS).absent("none").in("bigquery", 8)
                    .help("large results leave BigQuery as Parquet through this bucket"),
            SettingSpec.of("maximum_bytes_billed", SettingSpec.Kind.SIZE).absent("no limit").in("bigquery", 9)
                    .help("every job Sluice runs is refused by BigQuery above this many bytes billed (10GB, 1TiB …)"));

    public static BigQuerySource parse(String name, Node node, Path baseDir) {
        node.allowKeys(SettingSpec.keys(SETTINGS));
        String project = node.requiredText("project");
        if (project != null && !PROJECT.matcher(project).matches()) {
            node.problem("project", "'" + project + "' is not a BigQuery project id (6-30 lower-case letters, digits or '-', "
                    + "starting with a letter; the id, not the project's display name)");
        }
        String location = node.text("location", DEFAULT_LOCATION);
        if (location != null && !location.matches("[A-Za-z0-9-]{2,40}")) {
            node.problem("location", "'" + location + "' is not a BigQuery location (e.g. US, EU, europe-west1)");
        }
        String dataset = node.text("dataset", null);
        if (dataset != null && !DATASET.matcher(dataset).matches()) {
            node.problem("dataset", "'" + dataset + "' is not a dataset name (letters, digits and '_'; the name only, "
                    + "without the project)");
        }
        String file = node.text("credentials_file", null);
        String json = node.text("credentials_json", null);
        if (file != null && json != null) {
            node.problem("credentials_json", "give either credentials_file or credentials_json, not both");
        }
        String endpoint = url(node, "endpoint");
        Long attempts = node.longAtLeast("max_attempts", 1);
        if (attempts != null && attempts > 20) {
            node.problem("max_attempts", "must be between 1 and 20 (attempts per request before the run fails), got " + attempts);
        }
        Long maximumBytesBilled = node.parse("maximum_bytes_billed", dev.sluice.config.ByteSize::parse, "no limit").orElse(null);
        return new BigQuerySource(name, project, location, dataset, file == null ? null : baseDir.resolve(file).normalize(),
                json, endpoint, attempts == null ? DEFAULT_MAX_ATTEMPTS : attempts.intValue(), export(node.get("export")),
                maximumBytesBilled);
    }

    private static Export export(Node node) {
        if (node.isMissing() && !node.isNull() || !node.expectObject()) {
            return null;
        }
        node.allowKeys(SettingSpec.keys(EXPORT_SETTINGS));
        String bucket = node.requiredText("bucket");
        if (bucket != null && !BUCKET.matcher(bucket).matches()) {
            node.problem("bucket", "'" + bucket + "' is not a valid bucket name (3-63 lower-case letters, digits, '-', '_' or '.'; "
                    + "give the name only, without gs://)");
        }
        String prefix = node.text("prefix", DEFAULT_EXPORT_PREFIX);
        if (prefix != null && (prefix.startsWith("/") || prefix.contains("*") || prefix.contains("//"))) {
            node.problem("prefix", "must be a folder inside the bucket, without a leading '/', '//' or '*', got '" + prefix + "'");
        }
        if (prefix != null && !prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        Long above = node.longAtLeast("above_rows", 0);
        return new Export(bucket, prefix == null ? DEFAULT_EXPORT_PREFIX : prefix,
                above == null ? DEFAULT_EXPORT_ABOVE_ROWS : above, url(node, "endpoint"));
    }

    private static String url(Node node, String key) {
        String endpoint = node.text(key, null);
        if (endpoint != null) {
            try {
                URI uri = new URI(endpoint);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    node.problem(key, "must be an http:// or https:// URL, got '" + endpoint + "'");
                }
            } catch (java.net.URISyntaxException e) {
                node.problem(key, "must be an http:// or https:// URL, got '" + endpoint + "'");
            }
        }
        return endpoint;
    }

    @Override
    public String type() {
        return "bigquery";
    }

    /** BigQuery has no JDBC connection here: the catalog uses {@link #session()}, runs {@link #loadInto}. */
    @Override
    public Connection connect() {
        throw dev.sluice.error.SluiceException.internal("sources." + name + ": a BigQuery source has no JDBC connection", null);
    }

    @Override
    public SourceSession session() {
        return new BigQuerySession(this, BigQueryClient.open(this));
    }

    /**
     * Runs the model on BigQuery and stages its rows in the engine: through the query API, page by
     * page into a typed CSV, or, above {@code export.above_rows}, as Parquet through the export bucket.
     */
    @Override
    public String loadInto(Engine engine, Model model) throws java.sql.SQLException {
        return new BigQueryReader(this, BigQueryClient.open(this)).loadInto(engine, model);
    }

    /** BigQuery bills queries by the bytes they process (on-demand pricing). */
    @Override
    public boolean billsBytes() {
        return true;
    }

    /** The model's query, dry-run: the bytes BigQuery says it would process. Nothing is billed. */
    @Override
    public java.util.List<dev.sluice.source.BilledStatement> estimate(dev.sluice.source.Model model) {
        return new BigQueryReader(this, BigQueryClient.open(this)).estimate(model);
    }

    /**
     * {@code sluice check}: a dry-run job (bigquery.jobs.create), a dry run of each model's query (reading
     * its tables), then the permissions a run uses on the export bucket; each missing permission is
     * named with a role that grants it.
     */
    @Override
    public String check(java.util.List<dev.sluice.source.Model> models) {
        return new BigQueryCheck(this, BigQueryClient.open(this)).check(models);
    }

    @Override
    public String lineageNamespace() {
        return "bigquery";
    }

    @Override
    public String describe() {
        return "BigQuery project " + project + " (" + location + ")" + (dataset == null ? "" : ", dataset " + dataset)
                + (endpoint == null ? "" : " at " + endpoint);
    }

    @Override
    public String toString() {
        return "BigQuerySource[" + name + ", " + describe() + "]";
    }
}
