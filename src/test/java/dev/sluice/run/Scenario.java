package dev.sluice.run;


import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.plan.RunType;
import dev.sluice.plan.SyncMode;
import dev.sluice.run.ExportReader.Format;
import dev.sluice.run.ExportReader.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One activation followed through a sequence of syncs. Before every run it reads the true state
 * of the model from the source with its own SQL (the oracle), and after every run it checks,
 * against the oracle and the previous successful run's state: the run record (kind, reason,
 * counts, files with rows, bytes and CRC32C), the exact rows of every file read back
 * independently, the destination's content (nothing but the files of successful runs, no staging
 * leftovers), and that applying every exported file as a consumer of the sync mode would
 * reconstructs the true table state.
 */
final class Scenario {
    /** The true state of a model as the activation exports it: key → exported values, as text. */
    record State(List<String> columns, Map<List<String>, List<String>> rows) {
        int size() {
            return rows.size();
        }
    }

    final Fixture fx;
    final String activation;
    final RunType runType;
    final SyncMode mode;
    final Format format;
    final String folder;
    /** The model's rows, for the oracle: a query on the source. */
    final String modelSql;
    /** Source names of the key columns. */
    List<String> keys;
    /** Source name → exported name, in export order. */
    final LinkedHashMap<String, String> exported;
    boolean mappingGiven;

    boolean skipEmpty;
    boolean manifest;
    boolean direct;
    boolean skipInvalid;
    /** More settings of the activation, each line indented by four spaces. */
    String extraYaml = "";
    /** Rows the next run must leave out for an invalid key (the oracle's query leaves them out too). */
    long skipped;
    char delimiter = ',';
    String[] xmlNames = {"records", "record"};
    Set<String> jsonNumbers = Set.of();
    /** Expected Parquet column types, in order (null: not checked). */
    List<String> parquetTypes;
    /** How a run is made: flags → the run record as JSON. Default: the command line, in-process. */
    Function<String[], JsonNode> runner;

    /** The state the last successful run exported (null: none, the next run is a first run). */
    State previous;
    /** What a consumer of the files holds: key → row. */
    final Map<List<String>, List<String>> replica = new LinkedHashMap<>();
    /** For insert: each key's true row when it was last added (or when a full run exported it), from the oracle. */
    final Map<List<String>, List<String>> lastAdded = new LinkedHashMap<>();
    final Set<List<String>> everRemoved = new HashSet<>();
    /** Objects of successful runs: name → bytes. */
    final TreeMap<String, Long> published = new TreeMap<>();
    final List<JsonNode> successful = new ArrayList<>();
    /** What the last command-line run printed (default runner only). */
    Fixture.Cli lastCli;
    /**
     * What the snapshot holds: the state of the last successful run, kept when {@link #previous} is
     * cleared because the columns changed; null only before a first run or after {@code reset}.
     */
    State committed;
    /** A run that passed its decision point but could not finish publishing: the next run completes it. */
    private String pendingRun;
    private State pendingState;
    private boolean forgetPending;

    Scenario(Fixture fx, String activation, RunType runType, SyncMode mode, Format format, String folder, String modelSql,
            List<String> keys, List<String> columns, Map<String, String> mapping) {
        this.fx = fx;
        this.activation = activation;
        this.runType = runType;
        this.mode = mode;
        this.format = format;
        this.folder = folder;
        this.modelSql = modelSql;
        this.keys = List.copyOf(keys);
        this.mappingGiven = mapping != null;
        this.exported = new LinkedHashMap<>();
        if (mapping == null) {
            columns.forEach(c -> exported.put(c, c));
        } else {
            exported.putAll(mapping);
        }
        this.runner = flags -> {
            lastCli = fx.run(activation, flags);
            return lastCli.json();
        };
    }

    /** A new mapping and key: the state of the last run cannot be compared any more. */
    /** After {@code sluice reset}: no snapshot, the next run is a first run. */
    void forget() {
        if (pendingRun != null) {
            forgetPending = true; // the next run completes the pending run first
            return;
        }
        previous = null;
        committed = null;
    }

    void remap(List<String> newKeys, Map<String, String> mapping) {
        keys = List.copyOf(newKeys);
        exported.clear();
        exported.putAll(mapping);
        mappingGiven = true;
        previous = null;
    }

    /** The activation's YAML (indented for the {@code activations:} section). */
    String yaml(String model, String destination) {
        StringBuilder y = new StringBuilder();
        y.append("  ").append(activation).append(":\n");
        y.append("    model: ").append(model).append('\n');
        y.append("    destination: ").append(destination).append('\n');
        y.append("    folder: ").append(folder).append('\n');
        y.append("    file_name: \"{activation}_{run}\"\n");
        y.append("    format: ").append(switch (format) {
            case CSV -> "{type: csv, delimiter: \"" + delimiter + "\"}";
            case JSON_ARRAY -> "{type: json, layout: array}";
            case JSON_LINES -> "{type: json, layout: lines}";
            case XML -> "{type: xml, root_element: " + xmlNames[0] + ", record_element: " + xmlNames[1] + "}";
            case PARQUET -> "{type: parquet, compression: zstd}";
        }).append('\n');
        y.append("    run_type: ").append(runType.name().toLowerCase(Locale.ROOT)).append('\n');
        y.append("    sync_mode: ").append(mode.name().toLowerCase(Locale.ROOT)).append('\n');
        if (mappingGiven) {
            y.append("    mapping:\n");
            exported.forEach((from, to) -> y.append("      - {from: ").append(from).append(", to: ").append(to).append("}\n"));
        }
        if (skipEmpty) {
            y.append("    empty_files: skip\n");
        }
        if (manifest) {
            y.append("    manifest: true\n");
        }
        if (direct) {
            y.append("    publish: direct\n");
        }
        if (skipInvalid) {
            y.append("    invalid_rows: skip\n");
        }
        y.append(extraYaml);
        return y.toString();
    }

    // ---------------------------------------------------------------- the oracle

    /** Reads the model's rows from the source with the test's own connection. */
    State truth() {
        StringBuilder sql = new StringBuilder("SELECT ");
        List<String> all = new ArrayList<>(keys);
        all.addAll(exported.keySet());
        for (int i = 0; i < all.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("CAST(\"").append(all.get(i)).append("\" AS VARCHAR)");
        }
        sql.append(" FROM (").append(modelSql).append(") AS m");
        Map<List<String>, List<String>> rows = new LinkedHashMap<>();
        try (Connection c = fx.readSource(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            while (rs.next()) {
                List<String> key = new ArrayList<>();
                for (int i = 0; i < keys.size(); i++) {
                    key.add(rs.getString(i + 1));
                }
                List<String> row = new ArrayList<>();
                for (int i = keys.size(); i < all.size(); i++) {
                    row.add(rs.getString(i + 1));
                }
                assertThat(rows.put(key, row)).as("the test data has a duplicate key %s", key).isNull();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new State(List.copyOf(exported.values()), rows);
    }

    /** The changes from {@code before} to {@code after}, by key, comparing exported values (null equals null). */
    record Diff(List<List<String>> added, List<List<String>> updated, List<List<String>> removed, long unchanged) {
        static Diff of(State before, State after) {
            List<List<String>> added = new ArrayList<>();
            List<List<String>> updated = new ArrayList<>();
            List<List<String>> removed = new ArrayList<>();
            long unchanged = 0;
            for (var e : after.rows().entrySet()) {
                List<String> old = before == null ? null : before.rows().get(e.getKey());
                if (before == null || !before.rows().containsKey(e.getKey())) {
                    added.add(e.getKey());
                } else if (!Objects.equals(old, e.getValue())) {
                    updated.add(e.getKey());
                } else {
                    unchanged++;
                }
            }
            if (before != null) {
                for (var key : before.rows().keySet()) {
                    if (!after.rows().containsKey(key)) {
                        removed.add(key);
                    }
                }
            }
            return new Diff(added, updated, removed, unchanged);
        }
    }

    /** One expected output: its suffix, the content name in the record, and its rows. */
    record Expected(String suffix, String content, List<List<String>> rows) {}

    List<Expected> expectedOutputs(boolean full, Diff diff, State now) {
        List<List<String>> all = new ArrayList<>(now.rows().values());
        List<Expected> outputs = switch (mode) {
            case SNAPSHOT -> List.of(new Expected("", "all", all));
            case UPSERT -> full ? List.of(new Expected("", "all", all))
                    : List.of(new Expected("", "added_or_updated", rowsOf(now, concat(diff.added(), diff.updated()))));
            case INSERT -> full ? List.of(new Expected("", "all", all)) : List.of(new Expected("", "added", rowsOf(now, diff.added())));
            case DIFFERENCE -> full && committed != null
                    ? List.of(new Expected("_added", "new_keys", rowsOf(now, sinceCommitted(now).added())),
                            new Expected("_updated", "kept_keys", rowsOf(now, sinceCommitted(now).kept())),
                            new Expected("_removed", "removed", removedSinceCommitted(now)))
                    : full
                    ? List.of(new Expected("_added", "all", all), new Expected("_updated", "nothing", List.of()),
                            new Expected("_removed", "nothing", List.of()))
                    : List.of(new Expected("_added", "added", rowsOf(now, diff.added())),
                            new Expected("_updated", "updated", rowsOf(now, diff.updated())),
                            new Expected("_removed", "removed", rowsOf(previous, diff.removed())));
        };
        return skipEmpty ? outputs.stream().filter(o -> !o.rows().isEmpty()).toList() : outputs;
    }

    /** Keys compared with the snapshot's, as text; another number of key columns: no key is kept. */
    record KeyDiff(List<List<String>> added, List<List<String>> kept, List<List<String>> removed) {}

    KeyDiff sinceCommitted(State now) {
        boolean sameKeys = committed.rows().keySet().stream().findFirst().map(k -> k.size() == keys.size()).orElse(true);
        List<List<String>> added = new ArrayList<>();
        List<List<String>> kept = new ArrayList<>();
        for (List<String> key : now.rows().keySet()) {
            (sameKeys && committed.rows().containsKey(key) ? kept : added).add(key);
        }
        List<List<String>> removed = committed.rows().keySet().stream()
                .filter(k -> !sameKeys || !now.rows().containsKey(k)).toList();
        return new KeyDiff(added, kept, removed);
    }

    /**
     * The removed rows of a full difference run: the snapshot's last values, under this run's
     * columns (matched by name, null when the snapshot lacked one); a key attribute takes the key.
     */
    List<List<String>> removedSinceCommitted(State now) {
        KeyDiff diff = sinceCommitted(now);
        boolean sameKeys = diff.removed().stream().allMatch(k -> k.size() == keys.size());
        List<List<String>> rows = new ArrayList<>();
        for (List<String> key : diff.removed()) {
            List<String> old = committed.rows().get(key);
            List<String> row = new ArrayList<>();
            for (String column : now.columns()) {
                int keyIndex = sameKeys ? keys.stream().map(exported::get).toList().indexOf(column) : -1;
                int oldIndex = committed.columns().indexOf(column);
                row.add(keyIndex >= 0 ? key.get(keyIndex) : oldIndex >= 0 ? old.get(oldIndex) : null);
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<List<String>> concat(List<List<String>> a, List<List<String>> b) {
        List<List<String>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<List<String>> rowsOf(State state, List<List<String>> keys) {
        return keys.stream().map(k -> state.rows().get(k)).toList();
    }

    // ---------------------------------------------------------------- runs

    /** A run that must succeed as a delta, or as a first run when there is no previous state. */
    JsonNode sync(String... flags) {
        boolean resync = List.of(flags).contains("--full-resync");
        String reason = runType == RunType.FULL_ONLY ? "run_type is full_only"
                : committed == null && previous == null || forgetPending ? "first run: no previous successful run"
                : resync ? "--full-resync was given"
                : previous == null ? "first run: no previous successful run" : null;
        return syncExpecting(reason, flags);
    }

    /**
     * A run that must succeed; {@code fullReason} is the reason the record must give for a full run
     * (null: the run must be a delta). When the previous state is unusable (reset, mapping change),
     * the caller sets {@link #previous} to null first.
     */
    JsonNode syncExpecting(String fullReason, String... flags) {
        State now = truth();
        JsonNode record = runner.apply(flags);
        adoptPending();
        boolean full = fullReason != null;
        assertThat(record.path("status").asText()).as("status of %s", record).isEqualTo("succeeded");
        assertThat(record.path("error").isNull()).isTrue();
        assertThat(record.path("activation").asText()).isEqualTo(activation);
        assertThat(record.path("kind").asText()).as("kind").isEqualTo(full ? "full" : "delta");
        if (full) {
            assertThat(record.path("fullReason").asText()).isEqualTo(fullReason);
        } else {
            assertThat(record.path("fullReason").isNull()).as("fullReason of a delta run").isTrue();
        }
        Diff diff = Diff.of(previous, now);
        if (full && mode == SyncMode.DIFFERENCE && committed != null && previous == null) {
            // Columns changed: keys are classified, values not compared.
            KeyDiff keysNow = sinceCommitted(now);
            diff = new Diff(keysNow.added(), keysNow.kept(), keysNow.removed(), 0);
        } else if (full && previous == null && committed != null) {
            diff = new Diff(List.copyOf(now.rows().keySet()), List.of(), List.of(), 0);
        }
        JsonNode counts = record.path("counts");
        List<Expected> outputs = expectedOutputs(full, diff, now);
        long written = outputs.stream().mapToLong(o -> o.rows().size()).sum();
        assertThat(List.of(counts.path("read").asLong(), counts.path("added").asLong(), counts.path("updated").asLong(),
                counts.path("removed").asLong(), counts.path("unchanged").asLong(), counts.path("skipped").asLong(),
                counts.path("written").asLong()))
                .as("counts read, added, updated, removed, unchanged, skipped, written of %s", record)
                .containsExactly(now.size() + skipped, (long) diff.added().size(), (long) diff.updated().size(),
                        (long) diff.removed().size(), diff.unchanged(), skipped, written);
        checkFiles(record, outputs, now);
        for (List<String> key : full ? now.rows().keySet() : diff.added()) {
            lastAdded.put(key, now.rows().get(key));
        }
        applyToReplica(full, record, now, diff);
        checkReplica(now);
        previous = now;
        committed = now;
        successful.add(record);
        checkDestination();
        return record;
    }

    private void checkFiles(JsonNode record, List<Expected> outputs, State now) {
        String id = record.path("id").asText();
        List<JsonNode> files = new ArrayList<>();
        record.path("files").forEach(files::add);
        int data = outputs.size();
        assertThat(files).as("files of run %s", id).hasSize(data + (manifest ? 1 : 0));
        for (int i = 0; i < data; i++) {
            Expected expected = outputs.get(i);
            JsonNode file = files.get(i);
            String object = folder + "/" + activation + "_" + id + expected.suffix() + format.extension;
            assertThat(file.path("object").asText()).isEqualTo(object);
            assertThat(file.path("output").asText()).as("output of %s", object).isEqualTo(expected.content());
            assertThat(file.path("rows").asLong()).as("rows of %s", object).isEqualTo(expected.rows().size());
            Path path = fx.file(object);
            assertThat(path).as(object).isRegularFile();
            try {
                assertThat(file.path("bytes").asLong()).as("bytes of %s", object).isEqualTo(Files.size(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(file.path("crc32c").asText()).as("crc32c of %s", object).isEqualTo(Fixture.crc32c(path));
            Table table = ExportReader.read(path, format, delimiter, xmlNames, jsonNumbers);
            if (format == Format.CSV || format == Format.PARQUET || !table.rows().isEmpty()) {
                assertThat(table.columns()).as("columns of %s", object).containsExactlyElementsOf(now.columns());
            }
            if (parquetTypes != null && format == Format.PARQUET) {
                assertThat(table.types()).as("types of %s", object).containsExactlyElementsOf(parquetTypes);
            }
            assertThat(sorted(table.rows())).as("rows of %s", object).containsExactlyElementsOf(sorted(expected.rows()));
            published.put(object, file.path("bytes").asLong());
        }
        if (manifest) {
            JsonNode file = files.get(data);
            String object = folder + "/" + activation + "_" + id + ".manifest.json";
            assertThat(file.path("object").asText()).isEqualTo(object);
            assertThat(file.path("output").asText()).isEqualTo("manifest");
            Path path = fx.file(object);
            assertThat(file.path("crc32c").asText()).isEqualTo(Fixture.crc32c(path));
            JsonNode m;
            try {
                m = Fixture.JSON.readTree(path.toFile());
                assertThat(file.path("bytes").asLong()).isEqualTo(Files.size(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(m.path("run").asText()).isEqualTo(id);
            assertThat(m.path("activation").asText()).isEqualTo(activation);
            assertThat(m.path("run_type").asText()).isEqualTo(runType.name().toLowerCase(Locale.ROOT));
            assertThat(m.path("sync_mode").asText()).isEqualTo(mode.name().toLowerCase(Locale.ROOT));
            List<String> listed = new ArrayList<>();
            m.path("files").forEach(f -> listed.add(f.path("object").asText() + " " + f.path("rows").asLong() + " "
                    + f.path("bytes").asLong() + " " + f.path("crc32c").asText()));
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < data; i++) {
                JsonNode f = files.get(i);
                actual.add(f.path("object").asText() + " " + f.path("rows").asLong() + " " + f.path("bytes").asLong() + " "
                        + f.path("crc32c").asText());
            }
            assertThat(listed).as("files in the manifest").containsExactlyElementsOf(actual);
            published.put(object, file.path("bytes").asLong());
        }
    }

    static List<List<String>> sorted(List<List<String>> rows) {
        Comparator<List<String>> order = (a, b) -> {
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                int c = Comparator.<String>nullsFirst(Comparator.naturalOrder()).compare(a.get(i), b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.size(), b.size());
        };
        return rows.stream().sorted(order).toList();
    }

    // ---------------------------------------------------------------- the consumer's view

    private List<String> keyOf(List<String> row) {
        List<String> columns = List.copyOf(exported.values());
        return keys.stream().map(k -> row.get(columns.indexOf(exported.get(k)))).toList();
    }

    /** Applies a successful run's files the way a consumer of the sync mode would. */
    void applyToReplica(boolean full, JsonNode record, State now, Diff diff) {
        Map<String, List<List<String>>> byOutput = new LinkedHashMap<>();
        for (JsonNode file : record.path("files")) {
            if (file.path("output").asText().equals("manifest")) {
                continue;
            }
            Path path = fx.file(file.path("object").asText());
            byOutput.computeIfAbsent(file.path("output").asText(), k -> new ArrayList<>())
                    .addAll(ExportReader.read(path, format, delimiter, xmlNames, jsonNumbers).rows());
        }
        everRemoved.addAll(diff.removed());
        switch (mode) {
            case SNAPSHOT -> {
                replica.clear();
                byOutput.getOrDefault("all", List.of()).forEach(r -> replica.put(keyOf(r), r));
            }
            case UPSERT, INSERT -> byOutput.values().forEach(rows -> rows.forEach(r -> replica.put(keyOf(r), r)));
            case DIFFERENCE -> {
                if (full) {
                    // A full run: the consumer replaces its state with the run's rows (_added and
                    // _updated); _removed says which keys it held that are gone.
                    boolean sameKeys = committed == null
                            || committed.rows().keySet().stream().findFirst().map(k -> k.size() == keys.size()).orElse(true);
                    for (List<String> r : byOutput.getOrDefault("removed", List.of())) {
                        if (sameKeys) {
                            assertThat(now.rows()).as("a removed key is gone").doesNotContainKey(keyOf(r));
                        }
                    }
                    replica.clear();
                    for (String output : List.of("all", "new_keys", "kept_keys")) {
                        byOutput.getOrDefault(output, List.of()).forEach(r -> replica.put(keyOf(r), r));
                    }
                    return;
                }
                for (List<String> r : byOutput.getOrDefault("removed", List.of())) {
                    assertThat(replica.get(keyOf(r))).as("a removed row carries its last exported values").isEqualTo(r);
                    replica.remove(keyOf(r));
                }
                for (List<String> r : byOutput.getOrDefault("updated", List.of())) {
                    assertThat(replica).as("an updated key was exported before").containsKey(keyOf(r));
                    replica.put(keyOf(r), r);
                }
                for (List<String> r : byOutput.getOrDefault("added", List.of())) {
                    assertThat(replica).as("an added key is not held already").doesNotContainKey(keyOf(r));
                    replica.put(keyOf(r), r);
                }
            }
        }
    }

    /** The union of the exported changes against the true state. */
    void checkReplica(State now) {
        switch (mode) {
            case SNAPSHOT, DIFFERENCE -> assertThat(replica).as("the consumer's copy").isEqualTo(now.rows());
            case UPSERT -> {
                Map<List<String>, List<String>> held = new LinkedHashMap<>(replica);
                held.keySet().retainAll(now.rows().keySet());
                assertThat(held).as("the consumer's copy of the current keys").isEqualTo(now.rows());
                Set<List<String>> extra = new HashSet<>(replica.keySet());
                extra.removeAll(now.rows().keySet());
                assertThat(everRemoved).as("keys the consumer holds that are gone were removed at some point").containsAll(extra);
            }
            case INSERT -> {
                assertThat(replica.keySet()).as("every current key was inserted").containsAll(now.rows().keySet());
                for (List<String> key : now.rows().keySet()) {
                    assertThat(replica.get(key)).as("key %s as last inserted", key).isEqualTo(lastAdded.get(key));
                }
            }
        }
    }

    /** Under the activation's folder: exactly the files of successful runs; nowhere any staging or upload leftover. */
    void checkDestination() {
        TreeMap<String, Long> mine = new TreeMap<>(fx.objects());
        mine.keySet().removeIf(n -> !n.startsWith(folder + "/"));
        assertThat(mine).as("files under %s/", folder).isEqualTo(published);
        assertThat(fx.stagingLeftovers()).as("staging leftovers").isEmpty();
        assertThat(fx.workLeftovers()).as("work folders left in the state").isEmpty();
    }

    /**
     * Takes in a run whose record could not say so but whose files were published and whose
     * snapshot was committed: a consumer applies its files like those of a successful delta run.
     */
    void adopt(String run, State now) {
        JsonNode record = Fixture.JSON.createObjectNode();
        var files = ((com.fasterxml.jackson.databind.node.ObjectNode) record).putArray("files");
        fx.objects().forEach((name, bytes) -> {
            if (name.startsWith(folder + "/") && name.contains(run) && !name.endsWith(".manifest.json")) {
                String output = name.contains("_added") ? "added" : name.contains("_updated") ? "updated" : "removed";
                files.addObject().put("object", name).put("output", output);
            }
            if (name.contains(run)) {
                published.put(name, bytes);
            }
        });
        applyToReplica(false, record, now, Diff.of(previous, now));
        checkReplica(now);
        previous = now;
        committed = now;
    }

    /**
     * A run that must fail ({@code attempt} makes it and checks how it failed): the record says
     * failed with the error, none of its files exist, no staging leftovers, the snapshot and the
     * destination are as before.
     */
    JsonNode failed(Runnable attempt, String errorContains) {
        String snapshot = fx.snapshotState(activation);
        TreeMap<String, Long> before = fx.objects();
        int runsBefore = fx.runs(activation).size();
        attempt.run();
        List<JsonNode> runs = fx.runs(activation);
        assertThat(runs).hasSize(runsBefore + 1);
        JsonNode record = runs.get(0);
        assertThat(record.path("status").asText()).isEqualTo("failed");
        assertThat(record.path("error").asText()).contains(errorContains);
        assertThat(record.path("files")).isEmpty();
        String id = record.path("id").asText();
        assertThat(fx.objects().keySet()).as("objects after the failed run %s", id).noneMatch(n -> n.contains(id));
        assertThat(fx.objects()).as("the destination after a failed run").isEqualTo(before);
        assertThat(fx.stagingLeftovers()).as("staging leftovers after a failed run").isEmpty();
        assertThat(fx.snapshotState(activation)).as("the snapshot after a failed run").isEqualTo(snapshot);
        assertThat(fx.workLeftovers()).isEmpty();
        return record;
    }

    /**
     * A run that fails after its decision point ({@code attempt} makes it and checks how it
     * failed): its snapshot is committed, it stays recorded as running, and nothing of it is
     * withdrawn; the next run completes its publish, and the consumer then applies its files.
     */
    String decided(Runnable attempt) {
        State now = truth();
        String snapshot = fx.snapshotState(activation);
        int runsBefore = fx.runs(activation).size();
        attempt.run();
        List<JsonNode> runs = fx.runs(activation);
        assertThat(runs).hasSize(runsBefore + 1);
        JsonNode record = runs.get(0);
        String id = record.path("id").asText();
        assertThat(record.path("status").asText()).as("a decided run that could not publish").isEqualTo("running");
        assertThat(fx.snapshotState(activation)).as("the snapshot was committed").isNotEqualTo(snapshot);
        assertThat(fx.workLeftovers()).isEmpty();
        pendingRun = id;
        pendingState = now;
        return id;
    }

    private void adoptPending() {
        if (pendingRun == null) {
            return;
        }
        JsonNode completed = fx.runs(activation).stream().filter(r -> r.path("id").asText().equals(pendingRun)).findFirst()
                .orElseThrow();
        assertThat(completed.path("status").asText()).as("run %s completed by the next run", pendingRun).isEqualTo("succeeded");
        assertThat(completed.path("warnings").toString()).contains("completed its publish");
        String id = pendingRun;
        pendingRun = null;
        adopt(id, pendingState);
        if (forgetPending) {
            forgetPending = false;
            previous = null;
            committed = null;
        }
    }

    static String describeRows(List<List<String>> rows) {
        return rows.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }
}
