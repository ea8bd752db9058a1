package dev.sluice.gcs;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * For tests and benchmarks only — Sluice itself never uses it. It lives in the main tree so that
 * {@link UploadBench} can upload to it from the application jar.
 *
 * <p>An in-process fake of the Google Cloud Storage JSON API, on the JDK's HTTP server, for the
 * official client and other GCS clients (rclone) to talk to over HTTP. It implements what the
 * clients send (see DESIGN §4): bucket get/create; multipart and resumable uploads (every
 * {@code Content-Range} form, gzip and chunked bodies); object get, download with {@code Range},
 * list with prefix/delimiter/paging, delete, rewrite/copy, compose and metadata update;
 * generation preconditions answered with 412. Object bytes stream to files on disk, never to
 * memory, so multi-gigabyte objects cost no heap.
 *
 * <p>Faults: {@link #fail} answers chosen requests with an error status, {@link #dropMidUpload}
 * closes the connection halfway through a request body, {@link #revoke} removes a permission (403
 * naming it), {@link #rejectCredentials} answers 401, and the token endpoint can refuse a key.
 *
 * <p>Bucket Lock: {@link #bucketRetention} and {@link #defaultEventBasedHold} set what
 * {@code GET /storage/v1/b/B} reports ({@code retentionPolicy}, {@code defaultEventBasedHold}); an
 * object younger than the period, or under an event-based hold, cannot be deleted or replaced (by an
 * upload, a copy or a compose onto its name): 403 with GCS's reason ({@code retentionPolicyNotMet},
 * {@code objectUnderActiveHold}) and wording.
 */
public final class FakeGcs implements AutoCloseable {
    static {
        // Answers go out as headers then body: without TCP_NODELAY each would wait ~40 ms for a delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");

    /** A stored object version. The data file is never modified once the object exists. */
    public record StoredObject(String bucket, String name, long generation, long metageneration, long size, String crc32c,
            String md5, String contentType, Map<String, String> metadata, Path data, Instant created, String kmsKeyName) {}

    /** A request as the fault rules see it. */
    public record Request(int number, String method, String path, String query) {
        public boolean isUpload() {
            return path.startsWith("/upload/");
        }

        public boolean isResumableChunk() {
            return method.equals("PUT") && path.startsWith("/upload/");
        }
    }

    private record Fault(Predicate<Request> when, int status, AtomicInteger remaining) {}

    private static final class Session {
        final String bucket;
        final String name;
        final ObjectNode resource;
        final Map<String, String> preconditions;
        final Path file;
        long committed;
        StoredObject result;

        Session(String bucket, String name, ObjectNode resource, Map<String, String> preconditions, Path file) {
            this.bucket = bucket;
            this.name = name;
            this.resource = resource;
            this.preconditions = preconditions;
            this.file = file;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path dir;
    private final Set<String> buckets = ConcurrentHashMap.newKeySet();
    private final Map<String, NavigableMap<String, StoredObject>> objects = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
    private final AtomicLong files = new AtomicLong();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Fault> drops = new CopyOnWriteArrayList<>();
    private final List<Fault> losses = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Boolean> LOSE_ANSWER = ThreadLocal.withInitial(() -> false);
    private final List<String> encodings = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<Predicate<Request>, java.util.function.Consumer<Request>>> hooks = new CopyOnWriteArrayList<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Set<String> deniedKeys = ConcurrentHashMap.newKeySet();
    /** Permissions held only on object names under a prefix (an IAM condition), by permission. */
    private final Map<String, String> conditioned = new ConcurrentHashMap<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Long> times = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger corruptions = new AtomicInteger();
    private volatile Predicate<String> retained = name -> false;
    /** Bucket retention policies and default event-based holds, by bucket. */
    private final Map<String, BucketLock> locks = new ConcurrentHashMap<>();
    /** "bucket/name" of the live objects under an event-based hold. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile boolean rejectCredentials;
    private volatile boolean refuseKeys;
    private volatile String account = "sluice-test@sluice-project.iam.gserviceaccount.com";

    /** Starts on a free loopback port; objects are kept under {@code dir}. */
    public FakeGcs(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-gcs");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}: the destination's {@code endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public FakeGcs createBucket(String bucket) {
        buckets.add(bucket);
        objects.computeIfAbsent(bucket, b -> Collections.synchronizedNavigableMap(new TreeMap<>()));
        return this;
    }

    // ---------------------------------------------------------------- faults

    /** Answers the next {@code times} requests matching {@code when} with {@code status} (before reading them). */
    public void fail(Predicate<Request> when, int status, int times) {
        faults.add(new Fault(when, status, new AtomicInteger(times)));
    }

    /** Answers request number {@code n} (1-based, counted from now) with {@code status}. */
    public void failRequestNumber(int n, int status) {
        int target = requestCount.get() + n;
        fail(r -> r.number() == target, status, 1);
    }

    /** For the next {@code times} requests matching {@code when}: reads half the body, then closes the connection without answering. */
    public void dropMidUpload(Predicate<Request> when, int times) {
        drops.add(new Fault(when, 0, new AtomicInteger(times)));
    }

    /** For the next {@code times} requests matching {@code when}: does what they ask, then closes the connection instead of answering. */
    public void loseAnswer(Predicate<Request> when, int times) {
        losses.add(new Fault(when, 0, new AtomicInteger(times)));
    }

    /** Damages the next {@code times} uploads of at least one byte after they arrive (their stored CRC32C differs). */
    public void corruptUploads(int times) {
        corruptions.addAndGet(times);
    }

    /**
     * Grants a permission such as {@code storage.objects.create} only on objects whose names start
     * with {@code prefix}, as an IAM condition on the object name does: requests on other names get a
     * 403, and the bucket-level {@code testIamPermissions} answers that the permission is not held.
     */
    public void grantOnlyUnder(String permission, String prefix) {
        conditioned.put(permission, prefix);
    }

    /** Gives back a permission {@link #revoke} removed. */
    public void restore(String permission) {
        revoked.remove(permission);
    }

    /** Removes a permission such as {@code storage.objects.delete}: requests needing it get a 403 naming it. */
    public void revoke(String permission) {
        revoked.add(permission);
    }

    /**
     * Makes a Cloud KMS key unusable, as when the bucket's service agent was not granted
     * roles/cloudkms.cryptoKeyEncrypterDecrypter on it: writes with it, copies to it and reads of
     * objects encrypted with it answer 403 with GCS's message.
     */
    public void denyKmsKey(String key) {
        deniedKeys.add(key);
    }

    private void checkKey(String key) {
        if (key != null && deniedKeys.contains(key.replaceAll("/cryptoKeyVersions/\\d+$", ""))) {
            throw new HttpError(403, "forbidden", "Permission denied on Cloud KMS key. Please ensure that your Cloud Storage service "
                    + "account has been authorized to use this key.");
        }
    }

    /**
     * Puts the objects whose names match under a bucket retention policy they have not met: a
     * delete of one answers 403 with reason {@code retentionPolicyNotMet}, as GCS does.
     */
    public void retentionPolicy(Predicate<String> names) {
        retained = names;
    }

    /**
     * A bucket's retention policy and default event-based hold, as GCS keeps them: {@code period}
     * null for no policy. Objects created while a policy is in force cannot be deleted or replaced
     * before they are {@code period} old; objects created while {@code defaultEventBasedHold} is on
     * carry an event-based hold until {@link #releaseHold} (GCS's own rules, see Bucket Lock).
     */
    private record BucketLock(java.time.Duration period, Instant effective, boolean locked, boolean defaultEventBasedHold) {}

    /**
     * Sets a bucket retention policy of {@code period} (null removes it), as {@code gcloud storage
     * buckets update --retention-period} does; {@code locked} as after {@code --lock-retention-period}.
     */
    public FakeGcs bucketRetention(String bucket, java.time.Duration period, boolean locked) {
        locks.compute(bucket, (b, old) -> new BucketLock(period, Instant.now(), period != null && locked,
                old != null && old.defaultEventBasedHold()));
        return this;
    }

    /** Turns the bucket's default event-based hold on or off: new objects are held from then on. */
    public FakeGcs defaultEventBasedHold(String bucket, boolean on) {
        locks.compute(bucket, (b, old) -> new BucketLock(old == null ? null : old.period(), old == null ? Instant.now() : old.effective(),
                old != null && old.locked(), on));
        return this;
    }

    /** Releases an object's event-based hold. */
    public void releaseHold(String bucket, String name) {
        held.remove(bucket + "/" + name);
    }

    /** Whether an object carries an event-based hold. */
    public boolean isHeld(String bucket, String name) {
        return held.contains(bucket + "/" + name);
    }

    /** The 403 GCS answers for a delete or a replacement of {@code o} that its bucket's policy or a hold refuses, or null. */
    private HttpError protection(StoredObject o) {
        if (o == null) {
            return null;
        }
        if (held.contains(o.bucket() + "/" + o.name())) {
            return new HttpError(403, "objectUnderActiveHold", "Object '" + o.bucket() + "/" + o.name()
                    + "' is under active Event-Based hold and cannot be deleted, overwritten or archived until hold is removed.");
        }
        Instant until = retentionExpiration(o);
        if (until != null && until.isAfter(Instant.now())) {
            return new HttpError(403, "retentionPolicyNotMet", "Object '" + o.bucket() + "/" + o.name()
                    + "' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until " + until);
        }
        return null;
    }

    /** When the bucket's retention policy lets the object go: its creation plus the period; null without a policy. */
    private Instant retentionExpiration(StoredObject o) {
        BucketLock lock = locks.get(o.bucket());
        return lock == null || lock.period() == null ? null : o.created().plus(lock.period());
    }

    /** Answers every storage request with 401, as GCS does for a token it does not accept. */
    public void rejectCredentials(boolean reject) {
        rejectCredentials = reject;
    }

    /** Makes the token endpoint refuse every key with {@code invalid_grant}, as for a deleted service account. */
    public void refuseKeys(boolean refuse) {
        refuseKeys = refuse;
    }

    /** Runs {@code action} (on the server's thread, before the request is handled) for each request matching {@code when}. */
    public void onRequest(Predicate<Request> when, java.util.function.Consumer<Request> action) {
        hooks.add(Map.entry(when, action));
    }

    /** Faults injected and not yet triggered. */
    public int pendingFaults() {
        return faults.stream().mapToInt(f -> Math.max(0, f.remaining().get())).sum()
                + losses.stream().mapToInt(f -> Math.max(0, f.remaining().get())).sum()
                + drops.stream().mapToInt(f -> Math.max(0, f.remaining().get())).sum();
    }

    /** Writes an object directly, as another writer of the bucket would. */
    public StoredObject putObject(String bucket, String name, byte[] content, String contentType) {
        try {
            Path data = newDataFile();
            Files.write(data, content);
            ObjectNode resource = JSON.createObjectNode();
            resource.put("contentType", contentType);
            return store(bucket, name, resource, Map.of(), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void clearFaults() {
        hooks.clear();
        corruptions.set(0);
        losses.clear();
        faults.clear();
        drops.clear();
        revoked.clear();
        conditioned.clear();
        rejectCredentials = false;
        refuseKeys = false;
    }

    /** Every request so far: "METHOD path?query [Content-Range]". */
    public List<String> requests() {
        return List.copyOf(log);
    }

    /** When each request of {@link #requests()} arrived, in {@link System#nanoTime()}. */
    public List<Long> requestTimes() {
        return List.copyOf(times);
    }

    /** Requests that came with a Content-Encoding: "METHOD path encoding". */
    public List<String> encodedRequests() {
        return List.copyOf(encodings);
    }

    /** The Authorization headers the fake received (for tests that a key was used). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    // ---------------------------------------------------------------- direct access for tests

    /** The live objects of a bucket by name. */
    public TreeMap<String, StoredObject> objects(String bucket) {
        NavigableMap<String, StoredObject> map = objects.get(bucket);
        if (map == null) {
            return new TreeMap<>();
        }
        synchronized (map) {
            return new TreeMap<>(map);
        }
    }

    /** Upload sessions started and not finished (e.g. of a killed run). */
    public int openSessions() {
        return (int) sessions.values().stream().filter(s -> s.result == null).count();
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
            if (override != null) {
                method = override.toUpperCase(Locale.ROOT);
            }
            String path = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            Request request = new Request(requestCount.incrementAndGet(), method, path, rawQuery == null ? "" : rawQuery);
            String range = exchange.getRequestHeaders().getFirst("Content-Range");
            times.add(System.nanoTime());
            log.add(method + " " + path + (rawQuery == null ? "" : "?" + rawQuery) + (range == null ? "" : " [" + range + "]"));
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null) {
                encodings.add(method + " " + path + " " + encoding);
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                authorizations.add(authorization);
            }
            try {
                if (path.equals("/token")) {
                    token(exchange);
                    return;
                }
                for (var hook : hooks) {
                    if (hook.getKey().test(request)) {
                        hook.getValue().accept(request);
                    }
                }
                for (Fault fault : faults) {
                    if (fault.when().test(request) && fault.remaining().getAndDecrement() > 0) {
                        drain(exchange);
                        error(exchange, fault.status(), fault.status() == 429 ? "rateLimitExceeded" : "backendError",
                                fault.status() == 429 ? "The rate of requests is too high." : "Backend Error (injected)");
                        return;
                    }
                }
                for (Fault drop : drops) {
                    if (drop.when().test(request) && drop.remaining().getAndDecrement() > 0) {
                        dropConnection(exchange);
                        return;
                    }
                }
                for (Fault loss : losses) {
                    if (loss.when().test(request) && loss.remaining().getAndDecrement() > 0) {
                        LOSE_ANSWER.set(true);
                    }
                }
                if (rejectCredentials) {
                    drain(exchange);
                    error(exchange, 401, "authError", "Invalid Credentials");
                    return;
                }
                route(exchange, request, query(rawQuery));
            } catch (HttpError e) {
                drain(exchange);
                error(exchange, e.status, e.reason, e.getMessage());
            } finally {
                LOSE_ANSWER.remove();
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or a dropped connection: nothing to answer
        }
    }

    /** An error answer, as GCS sends it. */
    static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String reason;

        HttpError(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }
    }

    private void route(HttpExchange ex, Request request, Map<String, String> q) throws IOException {
        String method = request.method();
        List<String> parts = segments(request.path());
        // /storage/v1/b , /storage/v1/b/B , /storage/v1/b/B/o , /storage/v1/b/B/o/NAME[...]
        if (parts.size() >= 3 && parts.get(0).equals("storage") && parts.get(1).equals("v1") && parts.get(2).equals("b")) {
            if (parts.size() == 3) {
                if (method.equals("POST")) {
                    createBucket(ex);
                    return;
                }
                throw new HttpError(405, "methodNotAllowed", "not supported: " + method + " on buckets");
            }
            String bucket = parts.get(3);
            if (parts.size() == 4) {
                if (method.equals("GET")) {
                    permission("storage.buckets.get", bucket, null);
                    send(ex, 200, bucketJson(bucket));
                    return;
                }
                throw new HttpError(405, "methodNotAllowed", "not supported: " + method + " on a bucket");
            }
            if (parts.size() == 6 && parts.get(4).equals("iam") && parts.get(5).equals("testPermissions") && method.equals("GET")) {
                testPermissions(ex, bucket, request.query());
                return;
            }
            if (!parts.get(4).equals("o")) {
                throw new HttpError(404, "notFound", "Not Found");
            }
            if (parts.size() == 5) {
                if (method.equals("GET")) {
                    list(ex, bucket, q);
                    return;
                }
                throw new HttpError(405, "methodNotAllowed", "not supported: " + method + " on objects");
            }
            String name = parts.get(5);
            if (parts.size() == 6) {
                switch (method) {
                    case "GET" -> {
                        if ("media".equals(q.get("alt"))) {
                            download(ex, bucket, name, q);
                        } else {
                            permission("storage.objects.get", bucket, name);
                            send(ex, 200, objectJson(get(bucket, name, q)));
                        }
                    }
                    case "DELETE" -> delete(ex, bucket, name, q);
                    case "PATCH", "PUT" -> update(ex, bucket, name, q);
                    default -> throw new HttpError(405, "methodNotAllowed", "not supported: " + method + " on an object");
                }
                return;
            }
            if (parts.size() == 7 && parts.get(6).equals("compose") && method.equals("POST")) {
                compose(ex, bucket, name, q);
                return;
            }
            if (parts.size() == 11 && (parts.get(6).equals("rewriteTo") || parts.get(6).equals("copyTo")) && method.equals("POST")) {
                rewrite(ex, bucket, name, parts.get(8), parts.get(10), q, parts.get(6).equals("rewriteTo"));
                return;
            }
        }
        if (parts.size() == 6 && parts.get(0).equals("download") && parts.get(1).equals("storage") && parts.get(3).equals("b")
                && parts.get(5).length() > 0) {
            download(ex, parts.get(4), parts.get(5), q);
            return;
        }
        if (parts.size() == 7 && parts.get(0).equals("download") && parts.get(4).equals("b") && parts.get(6).equals("o")) {
            throw new HttpError(404, "notFound", "Not Found");
        }
        if (parts.size() >= 6 && parts.get(0).equals("download") && parts.get(3).equals("b")) {
            download(ex, parts.get(4), parts.get(6), q);
            return;
        }
        if (parts.size() == 6 && parts.get(0).equals("upload") && parts.get(1).equals("storage") && parts.get(3).equals("b")
                && parts.get(5).equals("o")) {
            String bucket = parts.get(4);
            String type = q.getOrDefault("uploadType", "");
            if (method.equals("POST") && type.equals("multipart")) {
                multipart(ex, bucket, q);
                return;
            }
            if (method.equals("POST") && type.equals("resumable")) {
                startResumable(ex, bucket, q);
                return;
            }
            if (method.equals("PUT") && q.containsKey("upload_id")) {
                resumableChunk(ex, q.get("upload_id"));
                return;
            }
            if (method.equals("POST") && type.equals("media")) {
                media(ex, bucket, q);
                return;
            }
            if (method.equals("DELETE") && q.containsKey("upload_id")) {
                sessions.remove(q.get("upload_id"));
                drain(ex);
                ex.sendResponseHeaders(499, -1);
                return;
            }
        }
        throw new HttpError(404, "notFound", "Not Found: " + method + " " + request.path());
    }

    // ---------------------------------------------------------------- buckets and permissions

    private void requireBucket(String bucket) {
        if (!buckets.contains(bucket)) {
            throw new HttpError(404, "notFound", "The specified bucket does not exist.");
        }
    }

    private void permission(String permission, String bucket, String name) {
        requireBucket(bucket);
        String prefix = conditioned.get(permission);
        if (revoked.contains(permission) || prefix != null && (name == null || !name.startsWith(prefix))) {
            String on = name == null ? "the Google Cloud Storage bucket" : "the Google Cloud Storage object";
            throw new HttpError(403, "forbidden", account + " does not have " + permission + " access to " + on
                    + ". Permission '" + permission + "' denied on resource (or it may not exist).");
        }
    }

    /**
     * {@code buckets.testIamPermissions}: of the {@code permissions} asked (a repeated parameter),
     * those held on the bucket itself. Needs no permission of its own, as on GCS; a permission held
     * only under a prefix (an IAM condition) is not held on the bucket.
     */
    private void testPermissions(HttpExchange ex, String bucket, String rawQuery) throws IOException {
        requireBucket(bucket);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", "storage#testIamPermissionsResponse");
        var held = answer.putArray("permissions");
        for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals("permissions")) {
                String permission = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!revoked.contains(permission) && !conditioned.containsKey(permission)) {
                    held.add(permission);
                }
            }
        }
        drain(ex);
        send(ex, 200, answer);
    }

    private void createBucket(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(body(ex));
        String bucket = body.path("name").asText();
        if (buckets.contains(bucket)) {
            throw new HttpError(409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.");
        }
        createBucket(bucket);
        send(ex, 200, bucketJson(bucket));
    }

    private ObjectNode bucketJson(String bucket) {
        ObjectNode b = JSON.createObjectNode();
        b.put("kind", "storage#bucket");
        b.put("id", bucket);
        b.put("name", bucket);
        b.put("selfLink", endpoint() + "/storage/v1/b/" + bucket);
        b.put("projectNumber", "123456789");
        b.put("metageneration", "1");
        b.put("location", "US");
        b.put("storageClass", "STANDARD");
        b.put("etag", "CAE=");
        b.put("timeCreated", "2026-01-01T00:00:00.000Z");
        b.put("updated", "2026-01-01T00:00:00.000Z");
        BucketLock lock = locks.get(bucket);
        if (lock != null && lock.period() != null) {
            ObjectNode policy = b.putObject("retentionPolicy");
            policy.put("retentionPeriod", Long.toString(lock.period().toSeconds()));
            policy.put("effectiveTime", lock.effective().toString());
            policy.put("isLocked", lock.locked());
        }
        if (lock != null && lock.defaultEventBasedHold()) {
            b.put("defaultEventBasedHold", true);
        }
        return b;
    }

    // ---------------------------------------------------------------- objects

    private NavigableMap<String, StoredObject> bucket(String bucket) {
        requireBucket(bucket);
        return objects.get(bucket);
    }

    private StoredObject get(String bucket, String name, Map<String, String> q) {
        StoredObject o = bucket(bucket).get(name);
        if (o == null) {
            throw new HttpError(404, "notFound", "No such object: " + bucket + "/" + name);
        }
        if (q.containsKey("generation") && Long.parseLong(q.get("generation")) != o.generation()) {
            throw new HttpError(404, "notFound", "No such object: " + bucket + "/" + name + "#" + q.get("generation"));
        }
        checkMatch(o, q, "");
        return o;
    }

    /** Generation/metageneration preconditions (prefix "" for the target, "Source" for a copy's source). */
    private static void checkMatch(StoredObject current, Map<String, String> q, String which) {
        String gm = q.get("if" + which + "GenerationMatch");
        if (gm != null) {
            long want = Long.parseLong(gm);
            long have = current == null ? 0 : current.generation();
            if (want != have) {
                throw new HttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
            }
        }
        String gnm = q.get("if" + which + "GenerationNotMatch");
        if (gnm != null) {
            long have = current == null ? 0 : current.generation();
            if (Long.parseLong(gnm) == have) {
                throw new HttpError(current == null ? 412 : 304, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
            }
        }
        String mm = q.get("if" + which + "MetagenerationMatch");
        if (mm != null && (current == null || Long.parseLong(mm) != current.metageneration())) {
            throw new HttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
        }
        String mnm = q.get("if" + which + "MetagenerationNotMatch");
        if (mnm != null && current != null && Long.parseLong(mnm) == current.metageneration()) {
            throw new HttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
        }
    }

    private ObjectNode objectJson(StoredObject o) {
        ObjectNode j = JSON.createObjectNode();
        j.put("kind", "storage#object");
        j.put("id", o.bucket() + "/" + o.name() + "/" + o.generation());
        j.put("selfLink", endpoint() + "/storage/v1/b/" + o.bucket() + "/o/" + encode(o.name()));
        j.put("mediaLink", endpoint() + "/download/storage/v1/b/" + o.bucket() + "/o/" + encode(o.name()) + "?generation="
                + o.generation() + "&alt=media");
        j.put("name", o.name());
        j.put("bucket", o.bucket());
        j.put("generation", Long.toString(o.generation()));
        j.put("metageneration", Long.toString(o.metageneration()));
        j.put("contentType", o.contentType());
        j.put("storageClass", "STANDARD");
        j.put("size", Long.toString(o.size()));
        j.put("md5Hash", o.md5());
        j.put("crc32c", o.crc32c());
        j.put("etag", Base64.getEncoder().encodeToString(Long.toString(o.generation()).getBytes(StandardCharsets.UTF_8)));
        String time = o.created().toString();
        j.put("timeCreated", time);
        j.put("updated", time);
        j.put("timeStorageClassUpdated", time);
        Instant expiration = retentionExpiration(o);
        if (expiration != null) {
            j.put("retentionExpirationTime", expiration.toString());
        }
        if (held.contains(o.bucket() + "/" + o.name())) {
            j.put("eventBasedHold", true);
        }
        if (o.kmsKeyName() != null) {
            // GCS names the key version that encrypted the object.
            j.put("kmsKeyName", o.kmsKeyName() + "/cryptoKeyVersions/1");
        }
        if (!o.metadata().isEmpty()) {
            ObjectNode m = j.putObject("metadata");
            o.metadata().forEach(m::put);
        }
        return j;
    }

    private Path newDataFile() {
        return dir.resolve("data-" + files.incrementAndGet());
    }

    /** Copies a stream to a file, computing size, CRC32C and MD5 on the way; returns them. */
    private record Written(long size, String crc32c, String md5) {}

    private static Written digest(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        MessageDigest md5 = md5();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
                md5.update(buffer, 0, n);
                size += n;
            }
        }
        return new Written(size, crc32c(crc.getValue()), Base64.getEncoder().encodeToString(md5.digest()));
    }

    static String crc32c(long v) {
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> metadataOf(JsonNode resource) {
        Map<String, String> metadata = new LinkedHashMap<>();
        resource.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
        return metadata;
    }

    /** Stores a finished upload as the live version of its name, checking preconditions and any hashes the client sent. */
    private StoredObject store(String bucket, String name, JsonNode resource, Map<String, String> q, Path data) throws IOException {
        if (corruptions.getAndUpdate(n -> Math.max(0, n - 1)) > 0 && Files.size(data) > 0) {
            // A storage fault: the first byte is flipped after it arrived, so the stored checksum differs from the one sent.
            try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
                int first = file.read();
                file.seek(0);
                file.write(first ^ 0xFF);
            }
        }
        return store(bucket, name, resource, q, data, digest(data));
    }

    private StoredObject store(String bucket, String name, JsonNode resource, Map<String, String> q, Path data, Written w)
            throws IOException {
        if (resource.hasNonNull("crc32c") && !resource.path("crc32c").asText().equals(w.crc32c())) {
            Files.deleteIfExists(data);
            throw new HttpError(400, "invalid", "Provided CRC32C \"" + resource.path("crc32c").asText()
                    + "\" doesn't match calculated CRC32C \"" + w.crc32c() + "\".");
        }
        if (resource.hasNonNull("md5Hash") && !resource.path("md5Hash").asText().equals(w.md5())) {
            Files.deleteIfExists(data);
            throw new HttpError(400, "invalid", "Provided MD5 hash \"" + resource.path("md5Hash").asText()
                    + "\" doesn't match calculated MD5 hash \"" + w.md5() + "\".");
        }
        NavigableMap<String, StoredObject> map = bucket(bucket);
        synchronized (map) {
            checkMatch(map.get(name), q, "");
            HttpError refused = protection(map.get(name));
            if (refused != null) {
                Files.deleteIfExists(data);
                throw refused;
            }
            String type = resource.path("contentType").asText("application/octet-stream");
            String key = q.containsKey("kmsKeyName") ? q.get("kmsKeyName") : resource.path("kmsKeyName").asText(null);
            StoredObject o = new StoredObject(bucket, name, generations.incrementAndGet(), 1, w.size(), w.crc32c(), w.md5(), type,
                    metadataOf(resource), data, Instant.now(), key);
            StoredObject old = map.put(name, o);
            if (old != null) {
                Files.deleteIfExists(old.data());
            }
            newObject(o);
            return o;
        }
    }

    /** A new live object takes the bucket's default event-based hold, as GCS gives it. */
    private void newObject(StoredObject o) {
        BucketLock lock = locks.get(o.bucket());
        if (lock != null && lock.defaultEventBasedHold()) {
            held.add(o.bucket() + "/" + o.name());
        } else {
            held.remove(o.bucket() + "/" + o.name());
        }
    }

    private void list(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
        permission("storage.objects.list", bucket, null);
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.get("delimiter");
        int max = q.containsKey("maxResults") ? Math.max(1, Integer.parseInt(q.get("maxResults"))) : 1000;
        String after = q.containsKey("pageToken") ? new String(Base64.getUrlDecoder().decode(q.get("pageToken")), StandardCharsets.UTF_8) : null;
        String startOffset = q.get("startOffset");
        String endOffset = q.get("endOffset");
        ArrayNode items = JSON.createArrayNode();
        TreeSet<String> prefixes = new TreeSet<>();
        String last = null;
        boolean more = false;
        int count = 0;
        for (StoredObject o : objects(bucket).values()) {
            String name = o.name();
            if (!name.startsWith(prefix) || (after != null && name.compareTo(after) <= 0)
                    || (startOffset != null && name.compareTo(startOffset) < 0) || (endOffset != null && name.compareTo(endOffset) >= 0)) {
                continue;
            }
            String entry = name;
            boolean isPrefix = false;
            if (delimiter != null && !delimiter.isEmpty()) {
                int at = name.indexOf(delimiter, prefix.length());
                if (at >= 0) {
                    entry = name.substring(0, at + delimiter.length());
                    isPrefix = true;
                }
            }
            if (isPrefix && prefixes.contains(entry)) {
                last = name;
                continue;
            }
            if (count == max) {
                more = true;
                break;
            }
            if (isPrefix) {
                prefixes.add(entry);
                // Skip the rest of this prefix on the next page too.
                last = name;
            } else {
                items.add(objectJson(o));
                last = name;
            }
            count++;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", "storage#objects");
        if (more && last != null) {
            String token = last;
            if (delimiter != null && !delimiter.isEmpty() && !prefixes.isEmpty() && last.startsWith(prefixes.last())) {
                token = prefixes.last() + "\uffff";
            }
            answer.put("nextPageToken", Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        if (!prefixes.isEmpty()) {
            ArrayNode p = answer.putArray("prefixes");
            prefixes.forEach(p::add);
        }
        if (!items.isEmpty()) {
            answer.set("items", items);
        }
        send(ex, 200, answer);
    }

    private void delete(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException {
        permission("storage.objects.delete", bucket, name);
        NavigableMap<String, StoredObject> map = bucket(bucket);
        StoredObject removed;
        synchronized (map) {
            StoredObject o = map.get(name);
            if (o == null) {
                throw new HttpError(404, "notFound", "No such object: " + bucket + "/" + name);
            }
            if (q.containsKey("generation") && Long.parseLong(q.get("generation")) != o.generation()) {
                throw new HttpError(404, "notFound", "No such object: " + bucket + "/" + name);
            }
            checkMatch(o, q, "");
            HttpError refused = protection(o);
            if (refused != null) {
                throw refused;
            }
            if (retained.test(name)) {
                throw new HttpError(403, "retentionPolicyNotMet", "Object '" + bucket + "/" + name + "' is subject to bucket's "
                        + "retention policy or object retention and cannot be deleted or overwritten until 2099-01-01T00:00:00Z");
            }
            removed = map.remove(name);
            held.remove(bucket + "/" + name);
        }
        Files.deleteIfExists(removed.data());
        drain(ex);
        ex.sendResponseHeaders(204, -1);
    }

    private void update(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException {
        permission("storage.objects.update", bucket, name);
        JsonNode patch = JSON.readTree(body(ex));
        NavigableMap<String, StoredObject> map = bucket(bucket);
        StoredObject updated;
        synchronized (map) {
            StoredObject o = get(bucket, name, q);
            Map<String, String> metadata = new LinkedHashMap<>(o.metadata());
            if (patch.has("metadata")) {
                if (patch.get("metadata").isNull()) {
                    metadata.clear();
                } else {
                    patch.get("metadata").properties().forEach(e -> {
                        if (e.getValue().isNull()) {
                            metadata.remove(e.getKey());
                        } else {
                            metadata.put(e.getKey(), e.getValue().asText());
                        }
                    });
                }
            }
            String type = patch.hasNonNull("contentType") ? patch.get("contentType").asText() : o.contentType();
            updated = new StoredObject(bucket, name, o.generation(), o.metageneration() + 1, o.size(), o.crc32c(), o.md5(), type, metadata,
                    o.data(), o.created(), o.kmsKeyName());
            map.put(name, updated);
        }
        send(ex, 200, objectJson(updated));
    }

    private void rewrite(HttpExchange ex, String srcBucket, String srcName, String dstBucket, String dstName, Map<String, String> q,
            boolean rewrite) throws IOException {
        permission("storage.objects.get", srcBucket, srcName);
        permission("storage.objects.create", dstBucket, dstName);
        byte[] body = body(ex);
        JsonNode override = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        checkKey(q.get("destinationKmsKeyName"));
        StoredObject source;
        NavigableMap<String, StoredObject> srcMap = bucket(srcBucket);
        synchronized (srcMap) {
            source = srcMap.get(srcName);
            if (source == null) {
                throw new HttpError(404, "notFound", "No such object: " + srcBucket + "/" + srcName);
            }
            if (q.containsKey("sourceGeneration") && Long.parseLong(q.get("sourceGeneration")) != source.generation()) {
                throw new HttpError(404, "notFound", "No such object: " + srcBucket + "/" + srcName);
            }
            checkMatch(source, q, "Source");
            checkKey(source.kmsKeyName());
        }
        Path data = newDataFile();
        try {
            Files.createLink(data, source.data());
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source.data(), data);
        }
        NavigableMap<String, StoredObject> map = bucket(dstBucket);
        StoredObject copy;
        synchronized (map) {
            try {
                checkMatch(map.get(dstName), q, "");
                HttpError refused = protection(map.get(dstName));
                if (refused != null) {
                    throw refused;
                }
            } catch (HttpError e) {
                Files.deleteIfExists(data);
                throw e;
            }
            boolean hasOverride = override.size() > 0;
            String type = hasOverride && override.hasNonNull("contentType") ? override.get("contentType").asText() : source.contentType();
            Map<String, String> metadata = hasOverride && override.has("metadata") ? metadataOf(override) : source.metadata();
            // As GCS: a copy is written with the key asked for (destinationKmsKeyName), not the source's.
            copy = new StoredObject(dstBucket, dstName, generations.incrementAndGet(), 1, source.size(), source.crc32c(), source.md5(), type,
                    metadata, data, Instant.now(), q.get("destinationKmsKeyName"));
            StoredObject old = map.put(dstName, copy);
            if (old != null) {
                Files.deleteIfExists(old.data());
            }
            newObject(copy);
        }
        if (!rewrite) {
            send(ex, 200, objectJson(copy));
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", "storage#rewriteResponse");
        answer.put("totalBytesRewritten", Long.toString(copy.size()));
        answer.put("objectSize", Long.toString(copy.size()));
        answer.put("done", true);
        answer.set("resource", objectJson(copy));
        send(ex, 200, answer);
    }

    private void compose(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException {
        permission("storage.objects.create", bucket, name);
        JsonNode request = JSON.readTree(body(ex));
        Path data = newDataFile();
        try (OutputStream out = Files.newOutputStream(data)) {
            for (JsonNode source : request.path("sourceObjects")) {
                StoredObject o = objects(bucket).get(source.path("name").asText());
                if (o == null) {
                    throw new HttpError(404, "notFound", "No such object: " + bucket + "/" + source.path("name").asText());
                }
                Files.copy(o.data(), out);
            }
        }
        JsonNode destination = request.path("destination");
        StoredObject o = store(bucket, name, destination.isMissingNode() ? JSON.createObjectNode() : destination, q, data);
        send(ex, 200, objectJson(o));
    }

    private void download(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException {
        permission("storage.objects.get", bucket, name);
        StoredObject o = get(bucket, name, q);
        checkKey(o.kmsKeyName());
        drain(ex);
        long start = 0;
        long end = o.size() - 1;
        String range = ex.getRequestHeaders().getFirst("Range");
        boolean partial = false;
        if (range != null && range.startsWith("bytes=")) {
            String spec = range.substring(6);
            int dash = spec.indexOf('-');
            String a = spec.substring(0, dash);
            String b = spec.substring(dash + 1);
            if (a.isEmpty()) {
                start = Math.max(0, o.size() - Long.parseLong(b));
            } else {
                start = Long.parseLong(a);
                if (!b.isEmpty()) {
                    end = Math.min(end, Long.parseLong(b));
                }
            }
            if (start >= o.size() && o.size() > 0 || (o.size() == 0 && start > 0)) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + o.size());
                throw new HttpError(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied.");
            }
            partial = o.size() > 0;
        }
        long length = Math.max(0, end - start + 1);
        ex.getResponseHeaders().set("Content-Type", o.contentType());
        ex.getResponseHeaders().set("x-goog-generation", Long.toString(o.generation()));
        ex.getResponseHeaders().set("x-goog-metageneration", Long.toString(o.metageneration()));
        ex.getResponseHeaders().set("x-goog-stored-content-length", Long.toString(o.size()));
        ex.getResponseHeaders().set("x-goog-stored-content-encoding", "identity");
        ex.getResponseHeaders().set("x-goog-hash", "crc32c=" + o.crc32c() + ",md5=" + o.md5());
        ex.getResponseHeaders().set("ETag", "\"" + o.generation() + "\"");
        if (partial) {
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + o.size());
        }
        ex.sendResponseHeaders(partial ? 206 : 200, length == 0 ? -1 : length);
        if (length == 0) {
            return;
        }
        try (RandomAccessFile file = new RandomAccessFile(o.data().toFile(), "r"); OutputStream out = ex.getResponseBody()) {
            file.seek(start);
            byte[] buffer = new byte[1 << 16];
            long left = length;
            while (left > 0) {
                int n = file.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    // ---------------------------------------------------------------- uploads

    private void media(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
        permission("storage.objects.create", bucket, q.get("name"));
        Path data = newDataFile();
        try (InputStream in = bodyStream(ex)) {
            Files.copy(in, data);
        }
        ObjectNode resource = JSON.createObjectNode();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            resource.put("contentType", type);
        }
        checkKey(q.get("kmsKeyName"));
        StoredObject o = store(bucket, q.get("name"), resource, q, data);
        send(ex, 200, objectJson(o));
    }

    /** {@code multipart/related}: part 1 the JSON resource, part 2 the bytes; streamed to a file, then split. */
    private void multipart(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        Matcher m = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType == null ? "" : contentType);
        if (!m.find()) {
            drain(ex);
            throw new HttpError(400, "invalid", "multipart upload without a boundary");
        }
        byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        Path raw = newDataFile();
        try (InputStream in = bodyStream(ex)) {
            Files.copy(in, raw);
        }
        try {
            long size = Files.size(raw);
            JsonNode resource;
            long dataStart;
            long dataEnd;
            try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "r")) {
                // The first part (JSON) is small: find its end within the first 64 KiB.
                byte[] head = new byte[(int) Math.min(size, 1 << 16)];
                file.readFully(head);
                int first = indexOf(head, delimiter, 0);
                int headersEnd = indexOf(head, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), first);
                int second = indexOf(head, delimiter, headersEnd);
                if (first < 0 || headersEnd < 0 || second < 0) {
                    throw new HttpError(400, "invalid", "malformed multipart body");
                }
                resource = JSON.readTree(new String(head, headersEnd + 4, second - 2 - (headersEnd + 4), StandardCharsets.UTF_8));
                int dataHeadersEnd = indexOf(head, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), second);
                if (dataHeadersEnd < 0) {
                    throw new HttpError(400, "invalid", "malformed multipart body");
                }
                dataStart = dataHeadersEnd + 4;
                // The closing delimiter "\r\n--B--" is at the end, perhaps followed by a line break.
                int tailLength = (int) Math.min(size - dataStart, delimiter.length + 16);
                byte[] tail = new byte[tailLength];
                file.seek(size - tailLength);
                file.readFully(tail);
                int close = lastIndexOf(tail, ("\r\n" + new String(delimiter, StandardCharsets.ISO_8859_1) + "--").getBytes(StandardCharsets.ISO_8859_1));
                if (close < 0) {
                    throw new HttpError(400, "invalid", "multipart body without its closing delimiter");
                }
                dataEnd = size - tailLength + close;
            }
            Path data = newDataFile();
            try (RandomAccessFile in = new RandomAccessFile(raw.toFile(), "r"); OutputStream out = Files.newOutputStream(data)) {
                in.seek(dataStart);
                byte[] buffer = new byte[1 << 16];
                long left = dataEnd - dataStart;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
            String name = resource.path("name").asText(q.get("name"));
            permission("storage.objects.create", bucket, name);
            checkKey(q.containsKey("kmsKeyName") ? q.get("kmsKeyName") : resource.path("kmsKeyName").asText(null));
            StoredObject o = store(bucket, name, resource, q, data);
            send(ex, 200, objectJson(o));
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        if (from < 0) {
            return -1;
        }
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int lastIndexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = data.length - pattern.length; i >= 0; i--) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void startResumable(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
        byte[] body = body(ex);
        ObjectNode resource = body.length == 0 ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(body);
        String name = resource.hasNonNull("name") ? resource.get("name").asText() : q.get("name");
        if (name == null || name.isEmpty()) {
            throw new HttpError(400, "required", "Required: object name");
        }
        permission("storage.objects.create", bucket, name);
        checkMatch(bucket(bucket).get(name), q, "");
        if (q.containsKey("kmsKeyName")) {
            resource.put("kmsKeyName", q.get("kmsKeyName"));
        }
        checkKey(resource.path("kmsKeyName").asText(null));
        if (!resource.hasNonNull("contentType")) {
            String type = ex.getRequestHeaders().getFirst("X-Upload-Content-Type");
            if (type != null) {
                resource.put("contentType", type);
            }
        }
        String id = "up" + generations.incrementAndGet();
        Map<String, String> preconditions = new HashMap<>();
        q.forEach((k, v) -> {
            if (k.startsWith("if")) {
                preconditions.put(k, v);
            }
        });
        Session session = new Session(bucket, name, resource, preconditions, newDataFile());
        Files.createFile(session.file);
        sessions.put(id, session);
        ex.getResponseHeaders().set("Location", endpoint() + "/upload/storage/v1/b/" + bucket + "/o?uploadType=resumable&upload_id=" + id);
        ex.getResponseHeaders().set("X-GUploader-UploadID", id);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(200, -1);
    }

    /**
     * A PUT to a session: {@code bytes A-B/*} (more to come), {@code bytes A-B/T} (the last
     * chunk), {@code bytes *}{@code /T} (finish, nothing more), {@code bytes *}{@code /*} (a status
     * query). Bytes the session already holds are skipped; 308 with {@code Range} while
     * incomplete, the object when complete.
     */
    private void resumableChunk(HttpExchange ex, String id) throws IOException {
        Session session = sessions.get(id);
        if (session == null) {
            drain(ex);
            throw new HttpError(404, "notFound", "No such upload session: " + id);
        }
        synchronized (session) {
            if (session.result != null) {
                drain(ex);
                send(ex, 200, objectJson(session.result));
                return;
            }
            String header = ex.getRequestHeaders().getFirst("Content-Range");
            Long total = null;
            long first = -1;
            long last = -1;
            if (header != null) {
                Matcher m = CONTENT_RANGE.matcher(header.trim());
                if (!m.matches()) {
                    drain(ex);
                    throw new HttpError(400, "invalid", "Failed to parse Content-Range header: " + header);
                }
                if (m.group(2) != null) {
                    first = Long.parseLong(m.group(2));
                    last = Long.parseLong(m.group(3));
                }
                if (!m.group(4).equals("*")) {
                    total = Long.parseLong(m.group(4));
                }
            }
            if (first >= 0) {
                if (first > session.committed) {
                    drain(ex);
                    incomplete(ex, session);
                    return;
                }
                long skip = session.committed - first;
                long length = last - first + 1;
                try (InputStream in = bodyStream(ex);
                        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(session.file, java.nio.file.StandardOpenOption.WRITE)) {
                    long skipped = skip(in, skip);
                    channel.position(session.committed);
                    long copied = copy(in, java.nio.channels.Channels.newOutputStream(channel), length - skipped);
                    if (copied < length - skipped) {
                        // Bytes count only once the whole chunk is in: a connection lost mid-chunk commits nothing of it.
                        channel.truncate(session.committed);
                        throw new IOException("the connection ended mid-chunk");
                    }
                    session.committed += copied;
                } catch (IOException e) {
                    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(session.file, java.nio.file.StandardOpenOption.WRITE)) {
                        channel.truncate(session.committed);
                    }
                    throw e;
                }
            } else {
                drain(ex);
                if (header == null) {
                    // A PUT with the whole body and no Content-Range: a single-request upload.
                    total = session.committed;
                }
            }
            if (total != null && session.committed == total) {
                Map<String, String> q = new HashMap<>(session.preconditions);
                session.result = store(session.bucket, session.name, session.resource, q, session.file);
                send(ex, 200, objectJson(session.result));
                return;
            }
            if (total != null && session.committed > total) {
                throw new HttpError(400, "invalid", "more bytes than the declared total " + total);
            }
            incomplete(ex, session);
        }
    }

    private static void incomplete(HttpExchange ex, Session session) throws IOException {
        if (session.committed > 0) {
            ex.getResponseHeaders().set("Range", "bytes=0-" + (session.committed - 1));
        }
        ex.getResponseHeaders().set("X-Http-Status-Code-Override", "308");
        ex.sendResponseHeaders(308, -1);
    }

    private static long skip(InputStream in, long count) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long skipped = 0;
        int n;
        while (skipped < count && (n = in.read(buffer, 0, (int) Math.min(buffer.length, count - skipped))) > 0) {
            skipped += n;
        }
        return skipped;
    }

    private static long copy(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while (total < max && (n = in.read(buffer, 0, (int) Math.min(buffer.length, max - total))) > 0) {
            out.write(buffer, 0, n);
            total += n;
        }
        // whatever the client sent beyond the declared range is ignored
        in.transferTo(OutputStream.nullOutputStream());
        return total;
    }

    // ---------------------------------------------------------------- tokens

    /** The OAuth token endpoint a test key's {@code token_uri} points at. */
    private void token(HttpExchange ex) throws IOException {
        String form = new String(body(ex), StandardCharsets.UTF_8);
        if (refuseKeys) {
            ObjectNode e = JSON.createObjectNode();
            e.put("error", "invalid_grant");
            e.put("error_description", "Invalid grant: account not found");
            send(ex, 400, e);
            return;
        }
        if (!form.contains("assertion=")) {
            ObjectNode e = JSON.createObjectNode();
            e.put("error", "invalid_request");
            send(ex, 400, e);
            return;
        }
        ObjectNode t = JSON.createObjectNode();
        t.put("access_token", "fake-access-token");
        t.put("expires_in", 3600);
        t.put("token_type", "Bearer");
        send(ex, 200, t);
    }

    // ---------------------------------------------------------------- plumbing

    /** The request body, decoded when gzip-encoded (chunked transfer is undone by the HTTP server). */
    private static InputStream bodyStream(HttpExchange ex) throws IOException {
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        InputStream in = ex.getRequestBody();
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip") ? new GZIPInputStream(in) : in;
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = bodyStream(ex)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // nothing more to read
        }
    }

    /** Reads about half of the body (at most 1 MiB), then closes the connection without answering. */
    private static void dropConnection(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        long half = length == null ? 1024 : Math.min(1 << 20, Long.parseLong(length) / 2);
        InputStream in = ex.getRequestBody();
        in.readNBytes((int) half);
        // Without response headers, closing the exchange closes the connection: the client sees it reset mid-request.
        ex.close();
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        if (LOSE_ANSWER.get()) {
            // The request took effect; its answer is lost with the connection.
            ex.close();
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void error(HttpExchange ex, int status, String reason, String message) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", status);
        error.put("message", message);
        ObjectNode detail = error.putArray("errors").addObject();
        detail.put("message", message);
        detail.put("domain", "global");
        detail.put("reason", reason);
        send(ex, status, root);
    }

    private static List<String> segments(String rawPath) {
        List<String> parts = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                parts.add(percentDecode(part));
            }
        }
        return parts;
    }

    /** Decodes %XX escapes only ('+' stays '+' in a path). */
    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String encode(String name) {
        return java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.putIfAbsent(key, value);
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
