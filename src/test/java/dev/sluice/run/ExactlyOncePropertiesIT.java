package dev.sluice.run;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStatus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.run.FaultyDestination.Fault;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Sluice's promise, as a property: whatever sequence of source changes, runs, resyncs, resets,
 * mapping changes, upload and publish faults (with failing clean-ups) and kills of a run in a child
 * JVM at any upload or publish happens, a consumer that applies every complete set it finds
 * (a manifest present) once, in run order, ends with the model's rows; no set is half there at the
 * end, and nothing is left in staging.
 *
 * <p>The consumer is not Sluice's code: it reads the manifests with Jackson and the CSV files with
 * DuckDB's {@code read_csv} on a connection of its own. It applies a difference set as deletes
 * ({@code _removed}), then upserts ({@code _updated}, {@code _added}); a full run with no previous
 * state ("first run") replaces its state. Names are never empty: in CSV an empty text and null read alike. Sequences come from a seeded {@link java.util.Random}: the run's seed is printed, each try is named
 * by its own seed, and {@code -Dsluice.properties.seed=N} replays a run, {@code
 * -Dsluice.properties.sequence=N} one try; {@code -Dsluice.properties.tries=N} sets how many (15 by default).
 */
class ExactlyOncePropertiesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Kills start a JVM each (about a second): on by default, off with -Dsluice.properties.kills=false. */
    private static final boolean KILLS = Boolean.parseBoolean(System.getProperty("sluice.properties.kills", "true"));
    /** What the generated sequences did, for the report printed at the end. */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> TALLY =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static void count(String what) {
        TALLY.computeIfAbsent(what, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    }

    @org.junit.jupiter.api.AfterAll
    static void report() throws java.io.IOException {
        String line = "ExactlyOncePropertiesIT: " + new TreeMap<>(TALLY);
        System.out.println(line);
        Files.writeString(Path.of("target", "exactly-once-tally.txt"), line + System.lineSeparator());
    }

    /** One step of a generated sequence. */
    sealed interface Step permits Insert, Update, Hidden, Delete, Run, Resync, Reset, Remap, FaultyRun, Kill, DiskFull, Guard, Accept, Partition {}

    record Insert(int key, String name) implements Step {}

    record Update(int key, int score) implements Step {}

    /** An update of a column the mapping does not export: nothing to send. */
    record Hidden(int key) implements Step {}

    record Delete(int key) implements Step {}

    record Run() implements Step {}

    record Resync() implements Step {}

    record Reset() implements Step {}

    /** Sets {@code guards: {max_changed_rows: N}} on the activation (none when negative): later runs may be held. */
    record Guard(int maxChanged) implements Step {}

    /** A run with {@code --accept-held}: the guards are lifted for it. */
    record Accept() implements Step {}

    /**
     * Partitions the activation by score ({@code partition_by: [score]}), or stops: the sets that
     * follow are written in folders {@code score=N/} (or {@code points=N/}), which the consumer reads
     * with DuckDB's {@code hive_partitioning}, taking the score back from the folder names.
     */
    record Partition() implements Step {}

    /** Exports score under another name (or back): the next run is full. */
    record Remap() implements Step {}

    /**
     * A run whose Nth upload or publish fails, and with {@code deletesFail} its clean-up too; then
     * the next step sees what it left.
     */
    record FaultyRun(boolean upload, int n, boolean deletesFail) implements Step {}

    /**
     * A run in a child JVM killed with SIGKILL after its Nth upload or publish ({@code at}), or once
     * its manifest is published and before its success is recorded ({@code manifest}); a run with
     * fewer such steps ends normally.
     */
    record Kill(String at, int n) implements Step {}

    /**
     * A run with the state folder ({@code state}) or the destination's folder on a small disk that
     * has about {@code freeKb} KB left (a tmpfs; a plain run where mounting is not allowed).
     */
    record DiskFull(boolean state, int freeKb) implements Step {}

    private static final int TRIES = Integer.getInteger("sluice.properties.tries", 15);
    private static final long SEED = Long.getLong("sluice.properties.seed", new java.security.SecureRandom().nextLong());
    private static final Long SEQUENCE = Long.getLong("sluice.properties.sequence");
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** A sequence of 3 to 14 steps drawn from {@code random}. */
    static List<Step> sequence(java.util.Random random) {
        int size = 3 + random.nextInt(12);
        List<Step> steps = new java.util.ArrayList<>();
        for (int i = 0; i < size; i++) {
            steps.add(step(random));
        }
        return steps;
    }

    /** One step, each kind with its weight (a kill only when kills are on). */
    static Step step(java.util.Random r) {
        int[] weights = {4, 4, 1, 3, 5, 1, 1, 1, 1, 1, 3, 2, 2, KILLS ? 1 : 0};
        int pick = r.nextInt(java.util.Arrays.stream(weights).sum());
        int kind = 0;
        while (pick >= weights[kind]) {
            pick -= weights[kind++];
        }
        int key = 1 + r.nextInt(12);
        return switch (kind) {
            case 0 -> {
                StringBuilder name = new StringBuilder();
                for (int i = 1 + r.nextInt(4); i > 0; i--) {
                    name.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
                }
                yield new Insert(key, name.toString());
            }
            case 1 -> new Update(key, r.nextInt(10));
            case 2 -> new Hidden(key);
            case 3 -> new Delete(key);
            case 4 -> new Run();
            case 5 -> new Resync();
            case 6 -> new Reset();
            case 7 -> new Remap();
            case 8 -> new Guard(r.nextInt(5) - 1);
            case 9 -> new Accept();
            case 10 -> new FaultyRun(r.nextBoolean(), 1 + r.nextInt(4), r.nextInt(3) == 2);
            case 11 -> new DiskFull(r.nextInt(3) < 2, r.nextInt(36_001));
            case 12 -> new Partition();
            default -> new Kill(List.of("upload", "publish", "manifest").get(r.nextInt(3)), 1 + r.nextInt(4));
        };
    }

    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> aConsumerApplyingEveryCompleteSetOnceEndsWithTheSource() {
        return tries("duckdb", fx -> DUCKDB);
    }

    /** The same sequences with the people table in PostgreSQL and the snapshot kept there ({@code state: source}). */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> theSameHoldsWithTheStateInPostgres() {
        return tries("postgres", fx -> new PostgresSide());
    }

    /** One dynamic test per try, named by the seed of its sequence; a failure names the seed and the steps. */
    private java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> tries(String name,
            java.util.function.Function<Fixture, Side> sides) {
        java.util.Random master = new java.util.Random(SEED ^ name.hashCode());
        List<Long> seeds = new java.util.ArrayList<>();
        if (SEQUENCE != null) {
            seeds.add(SEQUENCE);
        } else {
            for (int i = 0; i < TRIES; i++) {
                seeds.add(master.nextLong());
            }
        }
        System.out.println("ExactlyOncePropertiesIT " + name + ": seed " + SEED + " (replay: -Dsluice.properties.seed=" + SEED
                + "), " + seeds.size() + " tries");
        return seeds.stream().map(seed -> org.junit.jupiter.api.DynamicTest.dynamicTest(name + " sequence " + seed, () -> {
            List<Step> steps = sequence(new java.util.Random(seed));
            try {
                checkBoth(steps, sides);
            } catch (Throwable e) {
                throw new AssertionError("sequence " + seed + " of seed " + SEED + " (replay it alone: -Dsluice.properties.sequence="
                        + seed + "): " + steps, e);
            }
        }));
    }

    private void checkBoth(List<Step> steps, java.util.function.Function<Fixture, Side> sides) throws Exception {
        Path dir = Files.createTempDirectory("sluice-exactly-once-");
        try {
            for (boolean direct : new boolean[] {false, true}) {
                Path sub = dir.resolve(direct ? "direct" : "staged");
                Files.createDirectories(sub);
                Fixture fx = new Fixture(sub);
                check(fx, steps, direct, sides.apply(fx));
            }
        } finally {
            dev.sluice.run.TestFiles.deleteTree(dir);
        }
    }

    /** Where the people table lives, and so where the activation keeps its snapshot. */
    interface Side {
        void sql(Fixture fx, String... statements) throws Exception;

        Connection read(Fixture fx) throws Exception;

        /** The workspace's source entry (one line under {@code sources:}) and the activation's state line. */
        String source();

        String state();
    }

    /** The fixture's DuckDB file; the snapshot in the engine. */
    private static final Side DUCKDB = new Side() {
        @Override
        public void sql(Fixture fx, String... statements) {
            fx.sql(statements);
        }

        @Override
        public Connection read(Fixture fx) throws Exception {
            return fx.readSource();
        }

        @Override
        public String source() {
            return "  w: {type: duckdb, path: warehouse.duckdb}\n";
        }

        @Override
        public String state() {
            return "";
        }
    };

    @org.junit.jupiter.api.extension.RegisterExtension
    static final dev.sluice.postgres.SharedPostgres POSTGRES = new dev.sluice.postgres.SharedPostgres();
    private static final java.util.concurrent.atomic.AtomicInteger DATABASES = new java.util.concurrent.atomic.AtomicInteger();

    /** A database of its own in an embedded PostgreSQL; the snapshot kept there. */
    private static final class PostgresSide implements Side {
        private final String database = "eo_" + DATABASES.incrementAndGet();

        PostgresSide() throws RuntimeException {
            try {
                POSTGRES.recreate(database);
            } catch (Exception e) {
                throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
            }
        }

        @Override
        public void sql(Fixture fx, String... statements) throws Exception {
            try (Connection c = read(fx); Statement s = c.createStatement()) {
                for (String statement : statements) {
                    s.execute(statement);
                }
            }
        }

        @Override
        public Connection read(Fixture fx) throws Exception {
            return POSTGRES.connect(database);
        }

        @Override
        public String source() {
            return "  w: {type: postgres, host: localhost, port: " + POSTGRES.port() + ", database: " + database + ", user: postgres}\n";
        }

        @Override
        public String state() {
            return "    state: source\n";
        }
    }

    private void check(Fixture fx, List<Step> steps, boolean direct, Side side) throws Exception {
        boolean fills = steps.stream().anyMatch(DiskFull.class::isInstance);
        try (SmallDisk stateDisk = fills ? SmallDisk.mount(fx.state, 64) : null;
                SmallDisk outDisk = fills ? SmallDisk.mount(fx.out, 64) : null) {
            check(fx, steps, direct, stateDisk, outDisk, side);
        }
    }

    private void check(Fixture fx, List<Step> steps, boolean direct, SmallDisk stateDisk, SmallDisk outDisk, Side side) throws Exception {
        count(side == DUCKDB ? "sequences" : "sequences with the state in PostgreSQL");
        side.sql(fx, "CREATE TABLE people (id INTEGER, name VARCHAR, score INTEGER, note VARCHAR)",
                "INSERT INTO people VALUES (1, 'a', 1, 'x'), (2, 'b', 2, 'y'), (3, 'c', 3, 'z')");
        boolean remapped = false;
        boolean partitioned = false;
        int guard = -1;
        writeWorkspace(fx, remapped, partitioned, direct, guard, side);
        for (Step step : steps) {
            if (step instanceof Insert i) {
                side.sql(fx, "DELETE FROM people WHERE id = " + i.key(), "INSERT INTO people VALUES (" + i.key() + ", '" + i.name() + "', 0, 'n')");
            } else if (step instanceof Update u) {
                side.sql(fx, "UPDATE people SET score = " + u.score() + " WHERE id = " + u.key());
            } else if (step instanceof Hidden h) {
                side.sql(fx, "UPDATE people SET note = note || '+' WHERE id = " + h.key());
            } else if (step instanceof Delete d) {
                side.sql(fx, "DELETE FROM people WHERE id = " + d.key());
            } else if (step instanceof Run) {
                count("runs");
                run(fx, false, Fault.NONE);
            } else if (step instanceof Resync) {
                count("resyncs");
                run(fx, true, Fault.NONE);
            } else if (step instanceof Guard g) {
                guard = g.maxChanged();
                writeWorkspace(fx, remapped, partitioned, direct, guard, side);
            } else if (step instanceof Accept) {
                count("runs with --accept-held");
                run(fx, false, Fault.NONE, true);
            } else if (step instanceof Reset) {
                count("resets");
                // As `sluice reset` does: a decided run waiting for its publish is completed first.
                Workspace forReset = WorkspaceLoader.withSystemEnv().load(fx.yaml);
                new Runner(forReset, fx.state, Clock.systemUTC(), line -> {}, Engine.DEFAULT_MEMORY_LIMIT).reset("d");
            } else if (step instanceof Partition) {
                partitioned = !partitioned;
                count(partitioned ? "partitioned" : "partitioning stopped");
                writeWorkspace(fx, remapped, partitioned, direct, guard, side);
            } else if (step instanceof Remap) {
                remapped = !remapped;
                writeWorkspace(fx, remapped, partitioned, direct, guard, side);
            } else if (step instanceof FaultyRun f) {
                Fault fault = f.upload() ? Fault.upload(f.n()) : Fault.publish(f.n());
                count(f.deletesFail() ? "faults with failing deletes" : "faults");
                try {
                    run(fx, false, f.deletesFail() ? fault.withFailingDeletes() : fault);
                    count("faulty runs that succeeded (fewer steps than N)");
                } catch (SluiceException expected) {
                    count("faulty runs failed");
                    // the run failed; what it left is the next run's to sort out
                }
            } else if (step instanceof DiskFull full) {
                SmallDisk disk = full.state() ? stateDisk : outDisk;
                if (disk != null) {
                    disk.fill(full.freeKb() * 1024L);
                }
                count(disk == null ? "disk-full runs without a small disk (not root)" : "disk-full runs");
                try {
                    run(fx, false, Fault.NONE);
                } catch (SluiceException expected) {
                    count("disk-full runs failed");
                    // a full disk is an external failure; what the run left is the next run's to sort out
                } finally {
                    if (disk != null) {
                        disk.empty();
                    }
                }
            } else if (step instanceof Kill k) {
                ChildRun child = ChildRun.testMain(fx, PausingRun.class, fx.yaml.toString(), fx.state.toString(), "d", k.at(),
                        Integer.toString(k.n()));
                count("child runs");
                if (child.awaitOrEnd(PausingRun.MARKER)) {
                    child.kill();
                    count("kills landed");
                }
            }
        }
        // The last run publishes whatever held runs kept back.
        run(fx, false, Fault.NONE, true);

        Map<String, Map<String, String>> consumer = replay(fx, remapped);
        assertThat(consumer).as("the consumer's rows after %s (%s)", steps, direct ? "direct" : "staged")
                .isEqualTo(source(fx, side));
        assertThat(fx.stagingLeftovers()).as("staging leftovers").isEmpty();
        for (String object : fx.objects().keySet()) {
            assertThat(object).as("every data file belongs to a complete set").matches(name -> hasManifest(fx, name));
        }
        assertThat(fx.state.resolve("work")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    private static void writeWorkspace(Fixture fx, boolean remapped, boolean partitioned, boolean direct, int maxChanged, Side side) {
        fx.workspace("sources:\n" + side.source() + """
                models:
                  people: {sql: "SELECT * FROM people", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  d:
                    model: people
                    destination: out
                    folder: sets
                    file_name: "{run}"
                    format: csv
                    manifest: true
                    publish: %s
                    run_type: full_then_delta
                    sync_mode: difference
                    mapping: [{from: id, to: id}, {from: name, to: name}, {from: score, to: %s}]
                """.formatted(direct ? "direct" : "staged", remapped ? "points" : "score")
                + (maxChanged < 0 ? "" : "    guards: {max_changed_rows: " + maxChanged + "}\n")
                + (partitioned ? "    partition_by: [score]\n" : "") + side.state());
    }

    private static void run(Fixture fx, boolean fullResync, Fault fault) {
        run(fx, fullResync, fault, false);
    }

    private static void run(Fixture fx, boolean fullResync, Fault fault, boolean acceptHeld) {
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(fx.yaml);
        RunRecord record = new Runner(workspace, fx.state, Clock.systemUTC(), line -> {}, Engine.DEFAULT_MEMORY_LIMIT,
                (DestinationConfig config) -> new FaultyDestination(config.open(), fault))
                .run(new Runner.Request("d", fullResync, false, "manual", acceptHeld));
        if (record.status() == RunStatus.HELD) {
            count("held runs");
        }
    }

    private static boolean hasManifest(Fixture fx, String object) {
        if (object.endsWith(".manifest.json")) {
            return true;
        }
        String run = object.substring(object.lastIndexOf('/') + 1).replaceAll("_(added|updated|removed)\\.csv$", "");
        return fx.objects().containsKey("sets/" + run + ".manifest.json");
    }

    /** The consumer: every manifest in the order of its start, its files applied once. */
    static Map<String, Map<String, String>> replay(Fixture fx, boolean remapped) throws Exception {
        List<JsonNode> manifests = new ArrayList<>();
        for (String object : fx.objects().keySet()) {
            if (object.endsWith(".manifest.json")) {
                manifests.add(JSON.readTree(fx.file(object).toFile()));
            }
        }
        manifests.sort(Comparator.comparing((JsonNode m) -> m.path("started_at").asText()).thenComparing(m -> m.path("run").asText()));
        Map<String, Map<String, String>> state = new TreeMap<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            for (JsonNode manifest : manifests) {
                // A partitioned set has a file of each output in each partition (score=N/, or none when it has no rows).
                Map<String, List<Path>> byOutput = new TreeMap<>();
                for (JsonNode file : manifest.path("files")) {
                    String name = file.path("object").asText();
                    String output = name.replaceAll("^.*_(added|updated|removed)\\.csv$", "$1");
                    byOutput.computeIfAbsent(output, o -> new ArrayList<>()).add(fx.file(name));
                }
                String run = manifest.path("run").asText();
                if (manifest.path("kind").asText().equals("full") && manifest.path("full_reason").asText().startsWith("first run")) {
                    state.clear();
                }
                // Applied once, in order, a set fits the state the consumer holds: a removed key is
                // held, an updated key is held, an added key is not. A set applied twice, or one
                // that went missing before it, breaks one of these.
                for (Map<String, String> row : rows(duck, byOutput.get("removed"))) {
                    assertThat(state).as("run %s removes a key the consumer holds", run).containsKey(row.get("id"));
                    state.remove(row.get("id"));
                }
                for (Map<String, String> row : rows(duck, byOutput.get("updated"))) {
                    assertThat(state).as("run %s updates a key the consumer holds", run).containsKey(row.get("id"));
                    state.put(row.get("id"), normalise(row));
                }
                for (Map<String, String> row : rows(duck, byOutput.get("added"))) {
                    assertThat(state).as("run %s adds a key the consumer does not hold", run).doesNotContainKey(row.get("id"));
                    state.put(row.get("id"), normalise(row));
                }
            }
        }
        return state;
    }

    /** A row as the consumer keeps it: the exported score, whatever its column is called. */
    private static Map<String, String> normalise(Map<String, String> row) {
        Map<String, String> kept = new TreeMap<>();
        kept.put("id", row.get("id"));
        kept.put("name", row.get("name"));
        kept.put("score", row.containsKey("points") ? row.get("points") : row.get("score"));
        return kept;
    }

    private static List<Map<String, String>> rows(Connection duck, List<Path> files) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Path csv : files == null ? List.<Path>of() : files) {
            rows.addAll(rows(duck, csv));
        }
        return rows;
    }

    /** The rows of one CSV file; in a partition's folder ({@code score=3/}), with the partition's column from the folder's name. */
    private static List<Map<String, String>> rows(Connection duck, Path csv) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM read_csv(" + Engine.literal(csv.toString())
                        + ", header = true, all_varchar = true, auto_detect = true, hive_partitioning = "
                        + csv.getParent().getFileName().toString().contains("=") + ")")) {
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
        } catch (java.sql.SQLException e) {
            if (Files.size(csv) == 0 || Files.readString(csv).lines().count() <= 1) {
                return rows; // a header-only file
            }
            throw e;
        }
        return rows;
    }

    private static Map<String, Map<String, String>> source(Fixture fx, Side side) throws Exception {
        try (Connection c = side.read(fx)) {
            return people(c);
        }
    }

    /** The rows of the test's people table as the consumer keeps them (id, name, score), read with the test's own connection. */
    static Map<String, Map<String, String>> people(Connection c) throws Exception {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, name, score FROM people")) {
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                row.put("id", rs.getString(1));
                row.put("name", rs.getString(2));
                row.put("score", rs.getString(3));
                rows.put(rs.getString(1), row);
            }
        }
        return rows;
    }

}
