package dev.sluice.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.gcs.FakeGcs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process fake of the BigQuery REST API (v2) as the official Java client calls it:
 * {@code jobs.query} (POST .../queries), {@code jobs.getQueryResults} (GET .../queries/JOB),
 * {@code jobs.insert} (POST .../jobs; dry runs return the schema), {@code jobs.get} (GET .../jobs/JOB)
 * and {@code tabledata.list} (GET .../datasets/D/tables/T/data) with page tokens. SQL runs in an
 * in-memory DuckDB holding the test's tables: datasets are DuckDB schemas, and the few BigQuery-isms
 * the tests use are translated (backquoted {@code project.dataset.table} names, positional
 * parameters). Results are kept as tables in the schema {@value #ANON} (BigQuery's anonymous result
 * tables) and answered in BigQuery's JSON form (INT64 as strings, TIMESTAMP as epoch seconds, BYTES as
 * base64), at most {@link #pageRows} rows per page. {@code EXPORT DATA ... AS SELECT} writes Parquet
 * files into a {@link FakeGcs} under the statement's {@code uri}. Errors come in BigQuery's error JSON:
 * 404 notFound, 400 invalidQuery, and, injected, 403 accessDenied and quota errors.
 */
public final class FakeBigQuery implements AutoCloseable {
    public static final String ANON = "_anon_results";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXPORT = Pattern.compile("(?is)^\\s*EXPORT\\s+DATA\\s+OPTIONS\\s*\\((.*?)\\)\\s*AS\\s+(.*)$");
    private static final Pattern URI = Pattern.compile("(?i)uri\\s*=\\s*'([^']*)'");
    private static final Pattern BACKQUOTED = Pattern.compile("`([^`]+)`");

    private final HttpServer server;
    private final Connection db;
    private final Path dir;
    private final FakeGcs gcs;
    private final AtomicInteger jobs = new AtomicInteger();
    private final Map<String, ObjectNode> jobResources = new HashMap<>();
    private final Map<String, String> typeOverrides = new HashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final List<Statement> statements = Collections.synchronizedList(new ArrayList<>());
    private final GoogleSql googleSql;
    private final Map<String, GoogleSql.Rows> evaluated = new HashMap<>();
    private boolean catalogFresh;
    private volatile int pageRows = 1000;
    private volatile int exportFileRows = 1000;
    private volatile String deniedPermission;
    private volatile String quotaReason;
    private volatile int quotaTimes;
    private volatile boolean corruptExport;
    private final Map<String, AtomicInteger> jobsByKind = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> deniedTables = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A statement as it reached the fake over HTTP: its SQL, the types of its positional parameters,
     * whether it was a dry run, ZetaSQL's verdict (null when the analyzer accepted it) and what ran it:
     * {@code zetasql} (the reference evaluator), {@code duckdb} (a table the evaluator cannot hold),
     * or {@code none} (dry runs and refused statements).
     */
    public record Statement(String sql, List<String> parameterTypes, boolean dryRun, String rejection, String engine) {}

    public FakeBigQuery(Path dir, FakeGcs gcs) {
        this(dir, gcs, "test-project");
    }

    /** A fake whose catalog resolves {@code project.dataset.table} names of {@code project}. */
    public FakeBigQuery(Path dir, FakeGcs gcs, String project) {
        this.googleSql = new GoogleSql(project);
        this.dir = dir;
        this.gcs = gcs;
        try {
            Files.createDirectories(dir);
            db = DriverManager.getConnection("jdbc:duckdb:");
            execute("CREATE SCHEMA " + ANON);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}: the source's {@code endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Runs DuckDB SQL on the fake's database: how tests create datasets (schemas) and tables. */
    public synchronized FakeBigQuery execute(String sql) {
        catalogFresh = false;
        try (java.sql.Statement statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /**
     * The fake's DuckDB, where the test's datasets (schemas) and tables live: for fixtures written
     * through JDBC. The ZetaSQL catalog is read from it again at the next statement.
     */
    public synchronized Connection database() {
        catalogFresh = false;
        return db;
    }

    /** The most rows a page holds (BigQuery's own limit is about 10 MB per page). */
    public FakeBigQuery pageRows(int rows) {
        this.pageRows = rows;
        return this;
    }

    /** The most rows one exported Parquet file holds. */
    public FakeBigQuery exportFileRows(int rows) {
        this.exportFileRows = rows;
        return this;
    }

    /** Reports columns of this name with a BigQuery type DuckDB lacks (BIGNUMERIC, JSON), their value as text. */
    public synchronized FakeBigQuery typeOf(String column, String bigQueryType) {
        catalogFresh = false;
        typeOverrides.put(column, bigQueryType);
        return this;
    }

    /** Answers every query and job request with 403 accessDenied naming {@code permission}; null to stop. */
    public FakeBigQuery deny(String permission) {
        this.deniedPermission = permission;
        return this;
    }

    /** Answers the next {@code times} query requests with 403 and {@code reason} (quotaExceeded, rateLimitExceeded). */
    public FakeBigQuery quota(String reason, int times) {
        this.quotaReason = reason;
        this.quotaTimes = times;
        return this;
    }

    /** Adds a file that is not Parquet to every export, so that reading the export fails. */
    public FakeBigQuery corruptExport(boolean corrupt) {
        this.corruptExport = corrupt;
        return this;
    }

    /** Answers every job that reads {@code dataset.table} with 403 accessDenied naming bigquery.tables.getData. */
    public FakeBigQuery denyTable(String datasetTable) {
        deniedTables.add(datasetTable);
        return this;
    }

    /**
     * How many job requests of a kind reached the fake (counted when they arrive, before anything
     * runs): {@code dry_run} (jobs.insert with dryRun), {@code query} (a billed query: jobs.query or
     * jobs.insert) and {@code export} (a billed EXPORT DATA).
     */
    public int jobs(String kind) {
        AtomicInteger count = jobsByKind.get(kind);
        return count == null ? 0 : count.get();
    }

    /**
     * The bytes BigQuery would process for {@code sql} as the fake reckons them: for each table it
     * names, the data size of the columns it names ({@code *}: every column), by BigQuery's rule —
     * INT64, FLOAT64, DATE, TIME, DATETIME, TIMESTAMP 8 bytes, BOOL 1, NUMERIC 16, BIGNUMERIC 32,
     * STRING, JSON and BYTES 2 + their length in bytes, NULL 0.
     */
    public synchronized long bytesProcessed(String sql, String defaultDataset) {
        try {
            return bytesRead(translate(sql), defaultDataset);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "METHOD /path" of every request, in order. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Every statement the client sent (jobs.query and jobs.insert, dry runs too), in order, with ZetaSQL's verdict. */
    public List<Statement> statements() {
        synchronized (statements) {
            return List.copyOf(statements);
        }
    }

    /** The Authorization header of every request ("" when absent). */
    public List<String> authorizations() {
        synchronized (authorizations) {
            return List.copyOf(authorizations);
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getRawPath();
            requests.add(ex.getRequestMethod() + " " + path);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            byte[] body = ex.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
            }
            int at = path.indexOf("/projects/");
            if (at < 0) {
                send(ex, 404, error(404, "notFound", "Not found: " + path));
                return;
            }
            String[] parts = path.substring(at + 1).split("/");
            String project = parts[1];
            String method = ex.getRequestMethod();
            if (deniedPermission != null) {
                send(ex, 403, error(403, "accessDenied", "Access Denied: Project " + project + ": User does not have "
                        + deniedPermission + " permission in project " + project + "."));
                return;
            }
            if (quotaTimes > 0 && method.equals("POST")) {
                quotaTimes--;
                send(ex, 403, error(403, quotaReason, quotaReason.equals("rateLimitExceeded")
                        ? "Exceeded rate limits: too many concurrent queries for this project_and_region."
                        : "Quota exceeded: Your project exceeded quota for free query bytes scanned. For more information, see "
                                + "https://cloud.google.com/bigquery/docs/troubleshoot-quotas"));
                return;
            }
            ObjectNode answer;
            synchronized (this) {
                if (method.equals("POST") && parts.length == 3 && parts[2].equals("queries")) {
                    answer = jobsQuery(project, JSON.readTree(body));
                } else if (method.equals("GET") && parts.length == 4 && parts[2].equals("queries")) {
                    answer = getQueryResults(parts[3]);
                } else if (method.equals("POST") && parts.length == 3 && parts[2].equals("jobs")) {
                    answer = jobsInsert(project, JSON.readTree(body));
                } else if (method.equals("GET") && parts.length == 4 && parts[2].equals("jobs")) {
                    answer = jobResources.get(parts[3]);
                    if (answer == null) {
                        throw new Failure(404, "notFound", "Not found: Job " + project + ":" + parts[3]);
                    }
                } else if (method.equals("GET") && parts.length == 7 && parts[2].equals("datasets") && parts[6].equals("data")) {
                    answer = tableData(parts[3], parts[5], query);
                } else {
                    throw new Failure(400, "invalid", "The fake does not answer " + method + " " + path);
                }
            }
            send(ex, 200, answer);
        } catch (Failure f) {
            send(ex, f.code, error(f.code, f.reason, f.getMessage()));
        } catch (RuntimeException | SQLException | IOException | Error e) {
            e.printStackTrace();
            send(ex, 500, error(500, "internalError", String.valueOf(e)));
        } finally {
            ex.close();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> result = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                result.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return result;
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ObjectNode error(int code, String reason, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ObjectNode item = error.putArray("errors").addObject();
        item.put("message", message);
        item.put("domain", "global");
        item.put("reason", reason);
        error.put("status", code == 404 ? "NOT_FOUND" : code == 403 ? "PERMISSION_DENIED" : code == 400 ? "INVALID_ARGUMENT" : "INTERNAL");
        return root;
    }

    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;
        final String reason;

        Failure(int code, String reason, String message) {
            super(message);
            this.code = code;
            this.reason = reason;
        }
    }

    // ---------------------------------------------------------------- jobs

    private ObjectNode jobsQuery(String project, JsonNode request) throws SQLException, IOException {
        String location = request.path("location").asText("US");
        String jobId = "job_" + jobs.incrementAndGet();
        count(request.path("query").asText(), false);
        long bytes = checkAccessAndLimit(project, request.path("query").asText(), request.path("defaultDataset"),
                request.hasNonNull("maximumBytesBilled") ? Long.parseLong(request.get("maximumBytesBilled").asText()) : null, false);
        Result result = execute(project, location, jobId, request.path("query").asText(), request.path("defaultDataset"),
                request.path("queryParameters"), false);
        result = new Result(result.table, result.schema, bytes);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", "bigquery#queryResponse");
        answer.put("totalBytesProcessed", String.valueOf(bytes));
        answer.set("jobReference", reference(project, jobId, location));
        answer.put("jobComplete", true);
        if (result.table != null) {
            answer.set("schema", result.schema);
            long maxResults = request.hasNonNull("maxResults") ? request.get("maxResults").asLong() : Long.MAX_VALUE;
            page(answer, result, 0, maxResults);
        }
        jobResources.put(jobId, job(project, location, jobId, request.path("query").asText(), result, false));
        return answer;
    }

    private ObjectNode getQueryResults(String jobId) throws SQLException {
        ObjectNode job = jobResources.get(jobId);
        if (job == null) {
            throw new Failure(404, "notFound", "Not found: Job " + jobId);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", "bigquery#getQueryResultsResponse");
        answer.set("jobReference", job.get("jobReference"));
        answer.put("jobComplete", true);
        JsonNode destination = job.path("configuration").path("query").path("destinationTable");
        if (destination.isMissingNode()) {
            answer.put("totalRows", "0");
            answer.putObject("schema").putArray("fields");
        } else {
            answer.set("schema", job.path("statistics").path("query").path("schema"));
            answer.put("totalRows", String.valueOf(count(destination.path("tableId").asText())));
        }
        return answer;
    }

    private ObjectNode jobsInsert(String project, JsonNode job) throws SQLException, IOException {
        JsonNode configuration = job.path("configuration");
        JsonNode q = configuration.path("query");
        String location = job.path("jobReference").path("location").asText("US");
        String jobId = job.path("jobReference").path("jobId").asText("job_" + jobs.incrementAndGet());
        boolean dryRun = configuration.path("dryRun").asBoolean(false);
        count(q.path("query").asText(), dryRun);
        long bytes = checkAccessAndLimit(project, q.path("query").asText(), q.path("defaultDataset"),
                q.hasNonNull("maximumBytesBilled") ? Long.parseLong(q.get("maximumBytesBilled").asText()) : null, dryRun);
        Result result = execute(project, location, jobId, q.path("query").asText(), q.path("defaultDataset"),
                q.path("queryParameters"), dryRun);
        result = new Result(result.table, result.schema, bytes);
        ObjectNode resource = job(project, location, jobId, q.path("query").asText(), result, dryRun);
        if (!dryRun) {
            jobResources.put(jobId, resource);
        }
        return resource;
    }

    private ObjectNode job(String project, String location, String jobId, String sql, Result result, boolean dryRun) {
        ObjectNode job = JSON.createObjectNode();
        job.put("kind", "bigquery#job");
        job.put("id", project + ":" + location + "." + jobId);
        job.set("jobReference", reference(project, jobId, location));
        ObjectNode configuration = job.putObject("configuration");
        configuration.put("jobType", "QUERY");
        if (dryRun) {
            configuration.put("dryRun", true);
        }
        ObjectNode query = configuration.putObject("query");
        query.put("query", sql);
        query.put("useLegacySql", false);
        if (result.table != null && !dryRun) {
            ObjectNode table = query.putObject("destinationTable");
            table.put("projectId", project);
            table.put("datasetId", ANON);
            table.put("tableId", result.table);
        }
        job.putObject("status").put("state", "DONE");
        ObjectNode statistics = job.putObject("statistics");
        long now = System.currentTimeMillis();
        statistics.put("creationTime", String.valueOf(now));
        statistics.put("startTime", String.valueOf(now));
        statistics.put("endTime", String.valueOf(now));
        ObjectNode queryStatistics = statistics.putObject("query");
        queryStatistics.put("totalBytesProcessed", String.valueOf(result.bytes));
        queryStatistics.put("statementType", result.table == null ? "EXPORT_DATA" : "SELECT");
        if (result.schema != null) {
            queryStatistics.set("schema", result.schema);
        }
        return job;
    }

    private static ObjectNode reference(String project, String jobId, String location) {
        ObjectNode reference = JSON.createObjectNode();
        reference.put("projectId", project);
        reference.put("jobId", jobId);
        reference.put("location", location);
        return reference;
    }

    private ObjectNode tableData(String dataset, String table, Map<String, String> query) throws SQLException {
        if (!dataset.equals(ANON) || !table.matches("job_\\d+")) {
            throw new Failure(404, "notFound", "Not found: Table " + dataset + "." + table);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", "bigquery#tableDataList");
        long offset = query.containsKey("pageToken") ? Long.parseLong(query.get("pageToken")) : 0;
        long maxResults = query.containsKey("maxResults") ? Long.parseLong(query.get("maxResults")) : Long.MAX_VALUE;
        ObjectNode job = jobResources.get(table);
        Result result = new Result(table, (ObjectNode) job.path("statistics").path("query").path("schema"));
        page(answer, result, offset, maxResults);
        return answer;
    }

    // ---------------------------------------------------------------- SQL

    private record Result(String table, ObjectNode schema, long bytes) {
        Result(String table, ObjectNode schema) {
            this(table, schema, 0);
        }
    }

    private void count(String sql, boolean dryRun) {
        String kind = dryRun ? "dry_run" : EXPORT.matcher(sql).matches() ? "export" : "query";
        jobsByKind.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * As BigQuery before it runs a job: a table the caller may not read is refused (403 accessDenied
     * naming bigquery.tables.getData), and a job that would bill more than its {@code maximumBytesBilled}
     * (400 bytesBilledLimitExceeded; a dry run is never refused for it). Returns the bytes it processes.
     */
    private long checkAccessAndLimit(String project, String sql, JsonNode defaultDataset, Long maximumBytesBilled, boolean dryRun)
            throws SQLException {
        String dataset = defaultDataset.path("datasetId").asText(null);
        Matcher export = EXPORT.matcher(sql);
        String translated = translate(export.matches() ? export.group(2) : sql);
        for (String[] table : tablesOf(translated, dataset)) {
            if (deniedTables.contains(table[0] + "." + table[1])) {
                throw new Failure(403, "accessDenied", "Access Denied: Table " + project + ":" + table[0] + "." + table[1]
                        + ": User does not have bigquery.tables.getData permission for table " + project + ":" + table[0] + "."
                        + table[1] + ".");
            }
        }
        long bytes = bytesRead(translated, dataset);
        if (!dryRun && maximumBytesBilled != null && bytes > maximumBytesBilled) {
            throw new Failure(400, "bytesBilledLimitExceeded", "Query exceeded limit for bytes billed: " + maximumBytesBilled + ". "
                    + bytes + " or higher required.");
        }
        return bytes;
    }

    /** The fake's tables that {@code sql} (translated to DuckDB's quoting) names: {schema, table} each. */
    private List<String[]> tablesOf(String sql, String defaultDataset) throws SQLException {
        List<String[]> named = new ArrayList<>();
        try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = 'memory' AND table_schema <> '"
                        + ANON + "'")) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(2);
                String qualified = "\"" + schema + "\".\"" + table + "\"";
                boolean bare = schema.equals(defaultDataset) && Pattern.compile("(?i)(\\bFROM|\\bJOIN|,)\\s+(\"" + Pattern.quote(table)
                        + "\"|" + Pattern.quote(table) + "\\b)").matcher(sql).find();
                if (sql.contains(qualified) || bare) {
                    named.add(new String[] {schema, table});
                }
            }
        }
        return named;
    }

    /** The data size of the columns {@code sql} reads (see {@link #bytesProcessed}). */
    private long bytesRead(String sql, String defaultDataset) throws SQLException {
        long bytes = 0;
        boolean star = Pattern.compile("(?i)SELECT\\s+(DISTINCT\\s+)?(\\w+\\.)?\\*").matcher(sql).find();
        for (String[] table : tablesOf(sql, defaultDataset)) {
            List<String> sums = new ArrayList<>();
            try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '" + table[0]
                            + "' AND table_name = '" + table[1] + "' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    String column = rs.getString(1);
                    if (!star && !Pattern.compile("(?i)\\b" + Pattern.quote(column) + "\\b").matcher(sql).find()) {
                        continue;
                    }
                    String c = "\"" + column.replace("\"", "\"\"") + "\"";
                    sums.add("coalesce(sum(" + size(c, rs.getString(2), column) + "), 0)");
                }
            }
            if (sums.isEmpty()) {
                continue;
            }
            try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(
                    "SELECT " + String.join(" + ", sums) + " FROM \"" + table[0] + "\".\"" + table[1] + "\"")) {
                rs.next();
                bytes += rs.getLong(1);
            }
        }
        return bytes;
    }

    /** BigQuery's data size of one value of a column (NULL: 0). */
    private String size(String c, String duckType, String name) {
        String type = duckType.toUpperCase(java.util.Locale.ROOT);
        String bq = typeOverrides.getOrDefault(name, "");
        String expression;
        if (bq.equals("BIGNUMERIC")) {
            expression = "32";
        } else if (bq.equals("JSON") || type.equals("VARCHAR") || type.equals("JSON")) {
            expression = "2 + strlen(CAST(" + c + " AS VARCHAR))";
        } else if (type.equals("BLOB")) {
            expression = "2 + octet_length(" + c + ")";
        } else if (type.equals("BOOLEAN")) {
            expression = "1";
        } else if (type.startsWith("DECIMAL")) {
            expression = type.equals("DECIMAL(38,9)") ? "16" : "32";
        } else {
            expression = "8";
        }
        return "CASE WHEN " + c + " IS NULL THEN 0 ELSE " + expression + " END";
    }

    private Result execute(String project, String location, String jobId, String sql, JsonNode defaultDataset,
            JsonNode parameters, boolean dryRun) throws SQLException, IOException {
        String dataset = defaultDataset.path("datasetId").asText(null);
        try (java.sql.Statement statement = db.createStatement()) {
            statement.execute("USE memory." + (dataset == null ? "main" : "\"" + dataset + "\""));
        } catch (SQLException e) {
            throw new Failure(404, "notFound", "Not found: Dataset " + project + ":" + dataset + " was not found in location " + location);
        }
        List<com.google.zetasql.Type> types = new ArrayList<>();
        List<com.google.zetasql.Value> values = new ArrayList<>();
        List<String> typeNames = new ArrayList<>();
        if (parameters != null && parameters.isArray()) {
            for (JsonNode p : parameters) {
                com.google.zetasql.Type type = ZetaValues.parameterType(p);
                types.add(type);
                typeNames.add(p.path("parameterType").path("type").asText());
                values.add(ZetaValues.parameterValue(p, type));
            }
        }
        syncCatalog();
        GoogleSql.Analysis analysis;
        try {
            analysis = googleSql.analyze(sql, dataset, types);
        } catch (GoogleSql.Rejected r) {
            statements.add(new Statement(sql, typeNames, dryRun, r.getMessage(), "none"));
            throw new Failure(r.notFound ? 404 : 400, r.notFound ? "notFound" : "invalidQuery",
                    r.getMessage() + (r.notFound ? " in location " + location : ""));
        }
        Matcher export = EXPORT.matcher(sql);
        String inner = export.matches() ? export.group(2) : sql;
        boolean evaluable = evaluable(inner, dataset);
        statements.add(new Statement(sql, typeNames, dryRun, null, dryRun ? "none" : evaluable ? "zetasql" : "duckdb"));
        if (export.matches()) {
            if (!dryRun) {
                if (evaluable) {
                    exportRows(export.group(1), googleSql.query(inner, dataset, types, values), jobId);
                } else {
                    exportData(project, location, jobId, export.group(1), translate(inner));
                }
            }
            return new Result(null, null);
        }
        if (dryRun) {
            return new Result(null, schema(analysis.names(), analysis.types()));
        }
        if (evaluable) {
            GoogleSql.Rows rows;
            try {
                rows = googleSql.query(sql, dataset, types, values);
            } catch (GoogleSql.Rejected r) {
                throw new Failure(400, "invalidQuery", r.getMessage());
            }
            evaluated.put(jobId, rows);
            googleSql.add(new GoogleSql.Table(ANON, jobId, rows.names(), rows.types(), rows.rows()));
            return new Result(jobId, schema(rows.names(), rows.types()));
        }
        String select = translate(sql);
        try {
            run("CREATE TABLE " + ANON + "." + jobId + " AS " + select, parameters);
        } catch (SQLException e) {
            throw failure(project, location, dataset, e);
        }
        catalogFresh = false;
        return new Result(jobId, schema(describe("SELECT * FROM " + ANON + "." + jobId, null)));
    }

    /** Whether every table {@code sql} names has rows ZetaSQL's evaluator can hold (no GEOGRAPHY, INTERVAL or STRUCT). */
    private boolean evaluable(String sql, String dataset) {
        for (List<String> name : GoogleSql.tablesNamed(sql)) {
            GoogleSql.Table table = googleSql.resolve(name, dataset);
            if (table != null && table.rows() == null) {
                return false;
            }
        }
        return true;
    }

    /** Loads the fake's tables (DuckDB's schemas are datasets) into the ZetaSQL catalog, with BigQuery's types. */
    private void syncCatalog() throws SQLException {
        if (catalogFresh) {
            return;
        }
        googleSql.clear();
        List<String[]> columns = new ArrayList<>();
        try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
                        + "WHERE table_catalog = 'memory' ORDER BY table_schema, table_name, ordinal_position")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT schema_name FROM information_schema.schemata WHERE catalog_name = 'memory'")) {
            while (rs.next()) {
                googleSql.addDataset(rs.getString(1));
            }
        }
        Map<String, List<String[]>> byTable = new LinkedHashMap<>();
        for (String[] column : columns) {
            byTable.computeIfAbsent(column[0] + "\u0000" + column[1], k -> new ArrayList<>()).add(column);
        }
        for (List<String[]> table : byTable.values()) {
            String schema = table.get(0)[0];
            String name = table.get(0)[1];
            List<String> names = new ArrayList<>();
            List<com.google.zetasql.Type> types = new ArrayList<>();
            List<String> reads = new ArrayList<>();
            for (String[] column : table) {
                ObjectNode field = field(column[2], column[3]);
                com.google.zetasql.Type type = ZetaValues.type(field.path("type").asText(), field.path("mode").asText().equals("REPEATED"));
                names.add(column[2]);
                types.add(type);
                reads.add(ZetaValues.readExpression("\"" + column[2].replace("\"", "\"\"") + "\"", type));
            }
            List<List<com.google.zetasql.Value>> rows = new ArrayList<>();
            try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery("SELECT " + String.join(", ", reads)
                    + " FROM memory.\"" + schema + "\".\"" + name + "\"")) {
                while (rs.next()) {
                    List<com.google.zetasql.Value> row = new ArrayList<>();
                    for (int i = 0; i < types.size(); i++) {
                        Object raw = types.get(i).isBytes() ? rs.getBytes(i + 1) : rs.getString(i + 1);
                        row.add(ZetaValues.fromText(raw, types.get(i)));
                    }
                    rows.add(row);
                }
            } catch (ZetaValues.Unsupported e) {
                rows = null;
            }
            googleSql.add(new GoogleSql.Table(schema, name, names, types, rows));
        }
        for (Map.Entry<String, GoogleSql.Rows> result : evaluated.entrySet()) {
            GoogleSql.Rows rows = result.getValue();
            googleSql.add(new GoogleSql.Table(ANON, result.getKey(), rows.names(), rows.types(), rows.rows()));
        }
        catalogFresh = true;
    }

    /**
     * A result's REST schema. A column that keeps the name of a fixture column with a declared
     * precision (DECIMAL(P,S) other than NUMERIC's 38,9) keeps that precision, as BigQuery keeps a
     * parameterized NUMERIC/BIGNUMERIC column's in a result that selects it unchanged.
     */
    private ObjectNode schema(List<String> names, List<com.google.zetasql.Type> types) throws SQLException {
        ObjectNode schema = JSON.createObjectNode();
        ArrayNode fields = schema.putArray("fields");
        for (int i = 0; i < names.size(); i++) {
            ObjectNode field = ZetaValues.field(names.get(i), types.get(i));
            if (typeOverrides.containsKey(names.get(i)) && !types.get(i).isArray()) {
                field.put("type", typeOverrides.get(names.get(i)));
            } else if (types.get(i).isNumeric() || types.get(i).isBigNumeric()) {
                declaredPrecision(names.get(i), field);
            }
            fields.add(field);
        }
        return schema;
    }

    private void declaredPrecision(String column, ObjectNode field) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement("SELECT DISTINCT data_type FROM information_schema.columns "
                + "WHERE column_name = ? AND table_schema <> '" + ANON + "'")) {
            statement.setString(1, column);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    ObjectNode declared = field(column, rs.getString(1));
                    if (declared.has("precision") && !rs.next()) {
                        field.put("type", declared.path("type").asText());
                        field.set("precision", declared.get("precision"));
                        field.set("scale", declared.get("scale"));
                    }
                }
            }
        }
    }

    private void run(String sql, JsonNode parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            bind(statement, parameters);
            statement.execute();
        }
    }

    private static void bind(PreparedStatement statement, JsonNode parameters) throws SQLException {
        if (parameters == null || !parameters.isArray()) {
            return;
        }
        int i = 1;
        for (JsonNode p : parameters) {
            String type = p.path("parameterType").path("type").asText();
            JsonNode value = p.path("parameterValue").path("value");
            if (value.isMissingNode() || value.isNull()) {
                statement.setObject(i++, null);
            } else if (type.equals("INT64")) {
                statement.setLong(i++, Long.parseLong(value.asText()));
            } else if (type.equals("FLOAT64")) {
                statement.setDouble(i++, Double.parseDouble(value.asText()));
            } else if (type.equals("BOOL")) {
                statement.setBoolean(i++, Boolean.parseBoolean(value.asText()));
            } else if (type.equals("NUMERIC") || type.equals("BIGNUMERIC")) {
                statement.setBigDecimal(i++, new BigDecimal(value.asText()));
            } else {
                statement.setString(i++, value.asText());
            }
        }
    }

    private static final Pattern ESCAPE_CLAUSE = Pattern.compile("(?i)\\bLIKE\\s+(\\?|'[^'\\\\]*')\\s+ESCAPE\\b");
    private static final Pattern LIKE_OPERAND = Pattern.compile("(?i)\\bLIKE\\s+(\\?|'[^'\\\\]*')");

    /**
     * GoogleSQL's LIKE: it has no ESCAPE clause (refused as BigQuery refuses it), and a backslash in
     * the pattern escapes the next character ({@code \\%} a percent sign, {@code \\_} an
     * underscore, {@code \\\\} a backslash), which DuckDB's LIKE does only when told.
     */
    static String likeAsGoogleSql(String sql) {
        Matcher escape = ESCAPE_CLAUSE.matcher(sql);
        if (escape.find()) {
            throw new Failure(400, "invalidQuery", "Syntax error: Expected end of input but got keyword ESCAPE at [1:" + (escape.end() - 5) + "]");
        }
        return LIKE_OPERAND.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(m.group() + " ESCAPE '\\'"));
    }

    /** BigQuery names to DuckDB's: `project.dataset.table` → "dataset"."table", `name` → "name"; INT64 → BIGINT. */
    static String translate(String sql) {
        sql = likeAsGoogleSql(sql);
        Matcher m = BACKQUOTED.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String[] parts = m.group(1).split("\\.");
            List<String> kept = new ArrayList<>(List.of(parts));
            if (kept.size() == 3) {
                kept.remove(0);
            }
            StringBuilder name = new StringBuilder();
            for (String part : kept) {
                name.append(name.length() == 0 ? "" : ".").append('"').append(part.replace("\"", "\"\"")).append('"');
            }
            m.appendReplacement(out, Matcher.quoteReplacement(name.toString()));
        }
        m.appendTail(out);
        return out.toString().replaceAll("(?i)\\bAS\\s+INT64\\b", "AS BIGINT").replaceAll("(?i)\\bAS\\s+FLOAT64\\b", "AS DOUBLE")
                .replaceAll("(?i)\\bAS\\s+STRING\\b", "AS VARCHAR").replaceAll("(?i)\\bAS\\s+BOOL\\b", "AS BOOLEAN");
    }

    private Failure failure(String project, String location, String dataset, SQLException e) {
        String message = String.valueOf(e.getMessage());
        Matcher table = Pattern.compile("Table with name \"?([^ \"]+)\"? does not exist").matcher(message);
        if (table.find() && table.group(1).contains(".") && !schemaExists(table.group(1).substring(0, table.group(1).lastIndexOf('.')))) {
            return new Failure(404, "notFound", "Not found: Dataset " + project + ":" + table.group(1).substring(0, table.group(1).lastIndexOf('.'))
                    + " was not found in location " + location);
        }
        if (table.find(0)) {
            return new Failure(404, "notFound", "Not found: Table " + project + ":" + (dataset == null ? "" : dataset + ".")
                    + table.group(1) + " was not found in location " + location);
        }
        Matcher schema = Pattern.compile("Schema with name \"?([^ \"]+)\"? does not exist|Catalog \"?([^ \"]+)\"? does not exist").matcher(message);
        if (schema.find()) {
            String name = schema.group(1) != null ? schema.group(1) : schema.group(2);
            return new Failure(404, "notFound", "Not found: Dataset " + project + ":" + name + " was not found in location " + location);
        }
        String first = message.lines().filter(l -> !l.isBlank()).findFirst().orElse(message)
                .replaceFirst("^(Parser|Binder|Catalog|Conversion) Error: ", "");
        return new Failure(400, "invalidQuery", (message.contains("Parser Error") ? "Syntax error: " : "") + first + " at [1:1]");
    }

    private boolean schemaExists(String name) {
        try (PreparedStatement statement = db.prepareStatement("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    private List<String[]> describe(String select, JsonNode parameters) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (PreparedStatement statement = db.prepareStatement("DESCRIBE " + select)) {
            bind(statement, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString("column_name"), rs.getString("column_type")});
                }
            }
        }
        return columns;
    }

    private ObjectNode schema(List<String[]> columns) {
        ObjectNode schema = JSON.createObjectNode();
        ArrayNode fields = schema.putArray("fields");
        for (String[] column : columns) {
            fields.add(field(column[0], column[1]));
        }
        return schema;
    }

    private ObjectNode field(String name, String duckType) {
        ObjectNode field = JSON.createObjectNode();
        field.put("name", name);
        String type = duckType.toUpperCase(java.util.Locale.ROOT);
        String mode = "NULLABLE";
        if (type.endsWith("[]")) {
            mode = "REPEATED";
            type = type.substring(0, type.length() - 2);
        }
        String bq;
        Matcher decimal = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)").matcher(type);
        if (typeOverrides.containsKey(name)) {
            bq = typeOverrides.get(name);
        } else if (decimal.matches()) {
            if (decimal.group(1).equals("38") && decimal.group(2).equals("9")) {
                bq = "NUMERIC";
            } else {
                bq = "BIGNUMERIC";
                field.put("precision", decimal.group(1));
                field.put("scale", decimal.group(2));
            }
        } else if (type.startsWith("STRUCT")) {
            bq = "RECORD";
            field.putArray("fields").addObject().put("name", "value").put("type", "STRING");
        } else {
            bq = switch (type) {
                case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER" -> "INTEGER";
                case "DOUBLE", "FLOAT" -> "FLOAT";
                case "BOOLEAN" -> "BOOLEAN";
                case "BLOB" -> "BYTES";
                case "DATE" -> "DATE";
                case "TIME" -> "TIME";
                case "TIMESTAMP" -> "DATETIME";
                case "TIMESTAMP WITH TIME ZONE" -> "TIMESTAMP";
                case "JSON" -> "JSON";
                default -> "STRING";
            };
        }
        field.put("type", bq);
        field.put("mode", mode);
        return field;
    }

    private long count(String table) throws SQLException {
        if (evaluated.containsKey(table)) {
            return evaluated.get(table).rows().size();
        }
        try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + ANON + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Adds totalRows, rows from {@code offset} and, when more remain, a pageToken. */
    private void page(ObjectNode answer, Result result, long offset, long maxResults) throws SQLException {
        long total = count(result.table);
        answer.put("totalRows", String.valueOf(total));
        long size = Math.min(maxResults, pageRows);
        GoogleSql.Rows evaluatedRows = evaluated.get(result.table);
        if (evaluatedRows != null) {
            ArrayNode rows = answer.putArray("rows");
            List<List<com.google.zetasql.Value>> all = evaluatedRows.rows();
            for (long r = offset; r < Math.min(total, offset + size); r++) {
                ArrayNode cells = rows.addObject().putArray("f");
                for (com.google.zetasql.Value value : all.get((int) r)) {
                    cells.add(ZetaValues.cell(value));
                }
            }
            if (offset + size < total) {
                answer.put("pageToken", String.valueOf(offset + size));
            }
            return;
        }
        List<ObjectNode> fields = new ArrayList<>();
        result.schema.path("fields").forEach(f -> fields.add((ObjectNode) f));
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < fields.size(); i++) {
            select.append(i == 0 ? "" : ", ").append(valueExpression(fields.get(i)));
        }
        select.append(" FROM ").append(ANON).append('.').append(result.table).append(" LIMIT ").append(size).append(" OFFSET ").append(offset);
        ArrayNode rows = answer.putArray("rows");
        long read = 0;
        try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(select.toString())) {
            while (rs.next()) {
                ArrayNode cells = rows.addObject().putArray("f");
                for (int i = 0; i < fields.size(); i++) {
                    cells.add(cell(fields.get(i), rs.getString(i + 1)));
                }
                read++;
            }
        }
        if (offset + read < total) {
            answer.put("pageToken", String.valueOf(offset + read));
        }
    }

    private static String valueExpression(ObjectNode field) {
        String c = "\"" + field.path("name").asText().replace("\"", "\"\"") + "\"";
        if (field.path("mode").asText().equals("REPEATED")) {
            return "CAST(to_json(" + c + ") AS VARCHAR)";
        }
        return switch (field.path("type").asText()) {
            case "BYTES" -> "base64(" + c + ")";
            case "DATETIME" -> "strftime(" + c + ", '%Y-%m-%dT%H:%M:%S.%f')";
            case "TIMESTAMP" -> "CAST(epoch_us(" + c + ") AS VARCHAR)";
            case "RECORD" -> "CAST(to_json(" + c + ") AS VARCHAR)";
            default -> "CAST(" + c + " AS VARCHAR)";
        };
    }

    private static ObjectNode cell(ObjectNode field, String text) {
        ObjectNode cell = JSON.createObjectNode();
        if (text == null) {
            cell.putNull("v");
            return cell;
        }
        if (field.path("mode").asText().equals("REPEATED")) {
            ArrayNode list = cell.putArray("v");
            try {
                for (JsonNode item : JSON.readTree(text)) {
                    list.addObject().put("v", item.asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return cell;
        }
        if (field.path("type").asText().equals("RECORD")) {
            cell.putObject("v").putArray("f").addObject().put("v", text);
            return cell;
        }
        if (field.path("type").asText().equals("TIMESTAMP")) {
            cell.put("v", epochSeconds(Long.parseLong(text)));
            return cell;
        }
        cell.put("v", text);
        return cell;
    }

    /** Epoch microseconds as BigQuery writes a TIMESTAMP: seconds in E notation, e.g. 1.700000000123456E9. */
    static String epochSeconds(long micros) {
        BigDecimal seconds = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        if (seconds.signum() == 0) {
            return "0.0";
        }
        String digits = seconds.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - seconds.scale();
        String mantissa = digits.charAt(0) + "." + (digits.length() > 1 ? digits.substring(1) : "0");
        return (seconds.signum() < 0 ? "-" : "") + mantissa + "E" + exponent;
    }

    // ---------------------------------------------------------------- EXPORT DATA

    /**
     * EXPORT DATA of a query ZetaSQL evaluated: the rows go into a DuckDB table only for DuckDB to
     * write them as Parquet files (ZetaSQL writes no files).
     */
    private void exportRows(String options, GoogleSql.Rows rows, String jobId) throws SQLException, IOException {
        String table = ANON + ".export_" + jobId;
        StringBuilder create = new StringBuilder("CREATE TABLE " + table + " (");
        StringBuilder insert = new StringBuilder("INSERT INTO " + table + " VALUES (");
        for (int i = 0; i < rows.names().size(); i++) {
            String type = ZetaValues.duckType(rows.types().get(i));
            create.append(i == 0 ? "" : ", ").append('"').append(rows.names().get(i).replace("\"", "\"\"")).append("\" ").append(type);
            insert.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(type).append(')');
        }
        execute(create.append(')').toString());
        try (PreparedStatement statement = db.prepareStatement(insert.append(')').toString())) {
            for (List<com.google.zetasql.Value> row : rows.rows()) {
                for (int i = 0; i < row.size(); i++) {
                    statement.setObject(i + 1, ZetaValues.jdbc(row.get(i)));
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
        writeExport(options, table);
    }

    /** EXPORT DATA of a query over a table ZetaSQL's evaluator cannot hold: the query runs in DuckDB. */
    private void exportData(String project, String location, String jobId, String options, String select) throws SQLException, IOException {
        String table = ANON + ".export_" + jobId;
        try {
            run("CREATE TABLE " + table + " AS " + select, null);
        } catch (SQLException e) {
            throw failure(project, location, null, e);
        }
        writeExport(options, table);
    }

    /** Writes a table as Parquet files of at most {@link #exportFileRows} rows under the statement's {@code uri}, then drops it. */
    private void writeExport(String options, String table) throws SQLException, IOException {
        Matcher uri = URI.matcher(options);
        if (!uri.find() || !uri.group(1).startsWith("gs://") || !uri.group(1).contains("*")) {
            execute("DROP TABLE " + table);
            throw new Failure(400, "invalidQuery", "EXPORT DATA requires a uri option of the form gs://bucket/path*, got " + options);
        }
        String target = uri.group(1).substring("gs://".length());
        String bucket = target.substring(0, target.indexOf('/'));
        String pattern = target.substring(bucket.length() + 1);
        long total;
        try (java.sql.Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            total = rs.getLong(1);
        }
        int file = 0;
        for (long offset = 0; offset == 0 || offset < total; offset += exportFileRows) {
            Path local = Files.createTempFile(dir, "export-", ".parquet");
            execute("COPY (SELECT * FROM " + table + " LIMIT " + exportFileRows + " OFFSET " + offset + ") TO '"
                    + local.toAbsolutePath().toString().replace("'", "''") + "' (FORMAT parquet)");
            gcs.putObject(bucket, pattern.replace("*", String.format("%012d", file++)), Files.readAllBytes(local),
                    "application/octet-stream");
            Files.delete(local);
        }
        if (corruptExport) {
            gcs.putObject(bucket, pattern.replace("*", String.format("%012d", file)), "not parquet".getBytes(StandardCharsets.UTF_8),
                    "application/octet-stream");
        }
        execute("DROP TABLE " + table);
    }


    @Override
    public void close() {
        server.stop(0);
        try {
            db.close();
        } catch (SQLException ignored) {
            // in memory
        }
    }
}
