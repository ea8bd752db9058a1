package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partition_by} through real runs on a local destination folder (and, in
 * {@link GcsPartitionIT}, a {@code gcs} destination on the fake, listed with rclone too): the
 * objects are read back by DuckDB with {@code hive_partitioning = true}, never by Sluice.
 */
class PartitionIT {
    @TempDir
    Path dir;

    Fixture fx;

    @BeforeEach
    void source() {
        fx = fixture();
        People.create(fx);
        // A city that Hive escapes, one with a space (kept), and a NULL city (Bob).
        fx.sql("UPDATE people SET city = 'Paris/Ouest: 50%' WHERE region = 'EU' AND id = 3",
                "UPDATE people SET city = 'La Rochelle' WHERE region = 'EU' AND id = 5");
    }

    Fixture fixture() {
        return new Fixture(dir);
    }

    String workspaceHeader() {
        return People.WORKSPACE;
    }

    /** Objects put by something other than Sluice. */
    void putForeign(String name, byte[] content) throws Exception {
        Path file = fx.out.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    void workspace(String activation) {
        fx.workspace(workspaceHeader() + activation);
    }

    /** Every published object of {@code folder}, copied to a local lake folder under its name, for DuckDB to read as a consumer would. */
    Path lake(String folder) throws Exception {
        Path lake = Files.createTempDirectory(dir, "lake");
        for (String object : fx.objects().keySet()) {
            if (object.startsWith(folder + "/")) {
                Path target = lake.resolve(object);
                Files.createDirectories(target.getParent());
                Files.copy(fx.file(object), target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return lake;
    }

    static List<String> query(String... statements) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            for (int i = 0; i < statements.length - 1; i++) {
                s.execute(statements[i]);
            }
            ResultSet rs = s.executeQuery(statements[statements.length - 1]);
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getMetaData().getColumnLabel(i) + "=" + rs.getString(i));
                }
                rows.add(String.join(" ", row));
            }
        }
        return rows;
    }

    /** The EU rows of the source as the lake should hold them. */
    List<String> sourceRows() throws Exception {
        return query("ATTACH '" + fx.db + "' AS source (READ_ONLY)", "SELECT id, name, city, CAST(year(born) AS VARCHAR) AS born_year "
                + "FROM source.people WHERE region = 'EU' ORDER BY id");
    }

    static final String SNAPSHOT = """
              lake:
                model: eu_people
                destination: out
                folder: lake/people
                format: parquet
                manifest: true
                mapping: [{from: id}, {from: name}, {from: city}, {from: born}]
                partition_by: [city, {column: born, as: year}]
            """;

    @Test
    void aSnapshotIsOneSetOfHivePartitionsThatDuckDbReadsBack() throws Exception {
        workspace(SNAPSHOT);
        // A dry run cannot know the partitions: it shows them as COLUMN=*.
        Fixture.Cli dry = fx.cli("run", "lake", "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(VerifyIT.objects(dry.json())).containsExactly("lake/people/city=*/born_year=*/lake.parquet",
                "lake/people/lake.manifest.json");
        assertThat(fx.objects()).isEmpty();
        JsonNode record = fx.run("lake").json();

        Set<String> objects = new TreeSet<>(fx.objects().keySet());
        assertThat(objects).contains(
                "lake/people/city=Paris/born_year=1990/lake.parquet",
                "lake/people/city=__HIVE_DEFAULT_PARTITION__/born_year=1985/lake.parquet",
                "lake/people/city=Paris%2FOuest%3A 50%25/born_year=__HIVE_DEFAULT_PARTITION__/lake.parquet",
                "lake/people/city=La Rochelle/born_year=1970/lake.parquet",
                "lake/people/lake.manifest.json");
        // One manifest lists every data object of the run; nothing else is in the folder.
        JsonNode manifest = Fixture.JSON.readTree(fx.file("lake/people/lake.manifest.json").toFile());
        Set<String> listed = new TreeSet<>();
        manifest.path("files").forEach(f -> listed.add(f.path("object").asText()));
        Set<String> data = new TreeSet<>(objects);
        data.remove("lake/people/lake.manifest.json");
        assertThat(listed).isEqualTo(data).hasSize(5);
        assertThat(VerifyIT.objects(record)).containsAll(data);

        // A partition column's value is in the folder names only (DuckDB adds it back from there); a derived part's column stays.
        Path lake = lake("lake/people");
        assertThat(query("SELECT name FROM parquet_schema('" + lake.resolve("lake/people/city=Paris/born_year=1990/lake.parquet")
                + "') WHERE name <> 'duckdb_schema' ORDER BY name")).containsExactly("name=born", "name=id", "name=name");
        assertThat(query("SELECT id, name, CASE WHEN city = '__HIVE_DEFAULT_PARTITION__' THEN NULL ELSE city END AS city, "
                + "CASE WHEN born_year = '__HIVE_DEFAULT_PARTITION__' THEN NULL ELSE born_year END AS born_year FROM read_parquet('"
                + lake + "/lake/people/**/*.parquet', hive_partitioning = true, hive_types_autocast = false) ORDER BY id"))
                .isEqualTo(sourceRows());

        Fixture.Cli verify = fx.cli("verify", "lake", "--json");
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(VerifyIT.findings(verify.json())).isEmpty();
    }

    @Test
    void aSnapshotRemovesThePartitionsThatNoLongerHaveRowsAndNothingSluiceDidNotPublish() throws Exception {
        workspace(SNAPSHOT);
        fx.run("lake");
        putForeign("lake/people/city=Lyon/born_year=1999/someone-elses.parquet", "not Sluice's".getBytes());
        putForeign("lake/people/city=Nice/born_year=2000/notes.txt", "not Sluice's".getBytes());

        // Nice's only row moves to Lyon (a partition emptied, one added); Rome's row goes (emptied).
        fx.sql("UPDATE people SET city = 'Lyon' WHERE region = 'EU' AND id = 4", "DELETE FROM people WHERE region = 'EU' AND id = 5");
        JsonNode second = fx.run("lake").json();

        Set<String> objects = fx.objects().keySet();
        assertThat(objects).doesNotContain("lake/people/city=Nice/born_year=2000/lake.parquet",
                "lake/people/city=La Rochelle/born_year=1970/lake.parquet");
        assertThat(objects).contains("lake/people/city=Lyon/born_year=2000/lake.parquet",
                "lake/people/city=Lyon/born_year=1999/someone-elses.parquet", "lake/people/city=Nice/born_year=2000/notes.txt");
        assertThat(second.path("retention").path("deleted").toString()).contains("city=Nice/born_year=2000/lake.parquet",
                "city=La Rochelle/born_year=1970/lake.parquet");
        Path lake = lake("lake/people");
        Files.delete(lake.resolve("lake/people/city=Lyon/born_year=1999/someone-elses.parquet"));
        assertThat(query("SELECT id, name, CASE WHEN city = '__HIVE_DEFAULT_PARTITION__' THEN NULL ELSE city END AS city, "
                + "CASE WHEN born_year = '__HIVE_DEFAULT_PARTITION__' THEN NULL ELSE born_year END AS born_year FROM read_parquet('"
                + lake + "/lake/people/**/*.parquet', hive_partitioning = true, hive_types_autocast = false) ORDER BY id"))
                .isEqualTo(sourceRows());

        // verify: what is published now is there; only the foreign objects are reported.
        Fixture.Cli verify = fx.cli("verify", "lake", "--json");
        assertThat(VerifyIT.findings(verify.json())).containsExactlyInAnyOrder(
                "unpublished lake/people/city=Lyon/born_year=1999/someone-elses.parquet",
                "unpublished lake/people/city=Nice/born_year=2000/notes.txt");
    }

    @Test
    void deltaRunsWriteTheirChangeFilesInsideEachPartitionSplitThere() throws Exception {
        workspace("""
                  changes:
                    model: all_people
                    destination: out
                    folder: lake/changes
                    file_name: "{run}"
                    format: csv
                    manifest: true
                    sync_mode: difference
                    max_rows_per_file: 2
                    mapping: [{from: region}, {from: id}, {from: name}]
                    partition_by: [region]
                """);
        JsonNode first = fx.run("changes").json();
        String run1 = first.path("id").asText();
        assertThat(fx.objects().keySet()).contains("lake/changes/region=EU/" + run1 + "_added-00001.csv",
                "lake/changes/region=EU/" + run1 + "_added-00003.csv", "lake/changes/region=US/" + run1 + "_added-00001.csv");
        People.step(fx, 0);
        JsonNode second = fx.run("changes").json();
        String run2 = second.path("id").asText();
        Path lake = lake("lake/changes");
        // Every file of each manifest, read with the region taken from its folder.
        List<String> changes = new ArrayList<>();
        for (String run : List.of(run1, run2)) {
            JsonNode manifest = Fixture.JSON.readTree(fx.file("lake/changes/" + run + ".manifest.json").toFile());
            for (JsonNode file : manifest.path("files")) {
                String object = file.path("object").asText();
                assertThat(object).matches("lake/changes/region=(EU|US)/" + run + "_(added|updated|removed)-0000\\d\\.csv");
                String output = object.replaceAll(".*_(added|updated|removed)-.*", "$1");
                for (String row : query("SELECT region, id, name FROM read_csv('" + lake.resolve(object)
                        + "', hive_partitioning = true, header = true) ORDER BY id")) {
                    changes.add(run.equals(run1) ? "1 " + output + " " + row : "2 " + output + " " + row);
                }
            }
        }
        assertThat(changes).filteredOn(c -> c.startsWith("2 ")).containsExactlyInAnyOrder(
                "2 added region=EU id=6 name=Fay", "2 added region=EU id=7 name=Gus", "2 added region=US id=3 name=Cal",
                "2 updated region=EU id=2 name=Bobby", "2 removed region=EU id=4 name=Dan", "2 removed region=US id=2 name=Ben");
        assertThat(changes).filteredOn(c -> c.startsWith("1 ")).hasSize(7);
        // A run without changes has no partition to write in: only its manifest, which lists no file.
        JsonNode third = fx.run("changes").json();
        String run3 = third.path("id").asText();
        assertThat(fx.objects().keySet()).filteredOn(o -> o.contains(run3)).containsExactly("lake/changes/" + run3 + ".manifest.json");
        assertThat(Fixture.JSON.readTree(fx.file("lake/changes/" + run3 + ".manifest.json").toFile()).path("files")).isEmpty();
        assertThat(fx.cli("verify", "changes").exitCode()).isZero();
    }

    @Test
    void moreThanMaxPartitionsFailsBeforeWritingAnything() throws Exception {
        workspace(SNAPSHOT + "    max_partitions: 3\n");
        Fixture.Cli failed = fx.cli("run", "lake");
        assertThat(failed.exitCode()).isNotZero();
        assertThat(failed.err()).contains("activations.lake.max_partitions: this run would write 5 partitions",
                "more than max_partitions (3)", "raise max_partitions to at least 5");
        assertThat(fx.objects()).isEmpty();
        assertThat(fx.stagingLeftovers()).isEmpty();
    }

    @Test
    void partitionByIsCheckedWhenTheWorkspaceLoadsAndAgainstTheModel() throws Exception {
        workspace("""
                  a:
                    model: eu_people
                    destination: out
                    mapping: [{from: id}, {from: name}]
                    partition_by: [city]
                  b:
                    model: eu_people
                    destination: out
                    partition_by: [{column: name, as: month}, {column: born, as: hour}, nope]
                """);
        Fixture.Cli validate = fx.cli("validate");
        assertThat(validate.exitCode()).isNotZero();
        assertThat(validate.out() + validate.err()).contains(
                "activations.a.partition_by[0]: column 'city' is not exported: the mapping does not list it");
        workspace("""
                  b:
                    model: eu_people
                    destination: out
                    partition_by: [{column: name, as: month}, {column: born, as: hour}, nope]
                """);
        validate = fx.cli("validate");
        assertThat(validate.exitCode()).isNotZero();
        assertThat(validate.out() + validate.err()).contains(
                "activations.b.partition_by[0]: as: month takes a date or timestamp column, and 'name' is",
                "activations.b.partition_by[1]: as: hour takes a timestamp column, and 'born' is a date",
                "activations.b.partition_by[2]: unknown column 'nope'");
    }
    /**
     * Every format in every sync mode, partitioned: each file of each manifest lies in its partition's
     * folder, holds the rows the manifest says (counted by DuckDB, or a JDK XML parser for XML), and
     * not the partition column; a snapshot's files hold every row, and the second run's files the
     * day's changes of the sync mode.
     */
    @Test
    void everyFormatInEverySyncModeWritesInsideItsPartitions() throws Exception {
        List<String[]> formats = List.of(new String[] {"csv", "csv", "csv"}, new String[] {"jsonl", "{type: json, layout: lines}", "jsonl"},
                new String[] {"json", "json", "json"}, new String[] {"xml", "xml", "xml"}, new String[] {"parquet", "parquet", "parquet"});
        List<String> modes = List.of("snapshot", "insert", "upsert", "difference");
        StringBuilder activations = new StringBuilder();
        for (String[] f : formats) {
            for (String mode : modes) {
                activations.append("""
                          p_%s_%s:
                            model: all_people
                            destination: out
                            folder: lake/%s_%s
                            file_name: "{run}"
                            format: %s
                            manifest: true
                            sync_mode: %s
                            mapping: [{from: region}, {from: id}, {from: name}]
                            partition_by: [region]
                        """.formatted(f[0], mode, f[0], mode, f[1], mode));
            }
        }
        workspace(activations.toString());
        long people = Long.parseLong(query("ATTACH '" + fx.db + "' AS source (READ_ONLY)",
                "SELECT count(*) AS n FROM source.people").get(0).substring(2));
        java.util.Map<String, String> firstRuns = new java.util.HashMap<>();
        for (String[] f : formats) {
            for (String mode : modes) {
                firstRuns.put(f[0] + "_" + mode, fx.run("p_" + f[0] + "_" + mode).json().path("id").asText());
            }
        }
        People.step(fx, 0);
        for (String[] f : formats) {
            for (String mode : modes) {
                String name = f[0] + "_" + mode;
                String second = fx.run("p_" + name).json().path("id").asText();
                // A snapshot replaces its previous run's objects: only the latest manifest's are there.
                for (String run : mode.equals("snapshot") ? List.of(second) : List.of(firstRuns.get(name), second)) {
                    JsonNode manifest = Fixture.JSON.readTree(fx.file("lake/" + name + "/" + run + ".manifest.json").toFile());
                    assertThat(manifest.path("files").size()).as(name + " " + run).isPositive();
                    long rows = 0;
                    for (JsonNode file : manifest.path("files")) {
                        String object = file.path("object").asText();
                        assertThat(object).as(name).matches("lake/" + name + "/region=(EU|US)/" + run + "(_(added|updated|removed))?\\." + f[2]);
                        long counted = count(f[0], fx.file(object));
                        assertThat(counted).as(object).isEqualTo(file.path("rows").asLong());
                        assertThat(Files.readString(fx.file(object), java.nio.charset.StandardCharsets.ISO_8859_1))
                                .as("the partition column is in the folder name only: " + object).doesNotContain("region");
                        rows += counted;
                    }
                    if (run.equals(firstRuns.get(name))) {
                        assertThat(rows).as(name + ": the first run exports every row").isEqualTo(people);
                    } else if (mode.equals("snapshot")) {
                        assertThat(fx.objects().keySet()).as(name + ": the first snapshot's data objects were replaced")
                                .noneMatch(o -> o.contains(firstRuns.get(name) + ".") && !o.endsWith(".manifest.json"));
                        assertThat(rows).as(name + ": a snapshot holds every row").isEqualTo(Long.parseLong(query("ATTACH '" + fx.db
                                + "' AS source (READ_ONLY)", "SELECT count(*) AS n FROM source.people").get(0).substring(2)));
                    }
                }
                assertThat(fx.cli("verify", "p_" + name).exitCode()).as(name).isZero();
            }
        }
    }

    /** The rows of a file, read by DuckDB (csv, json, jsonl, parquet) or the JDK's XML parser. */
    private static long count(String format, Path file) throws Exception {
        if (format.equals("xml")) {
            org.w3c.dom.Element root = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile())
                    .getDocumentElement();
            long records = 0;
            for (org.w3c.dom.Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n.getNodeType() == org.w3c.dom.Node.ELEMENT_NODE) {
                    records++;
                }
            }
            return records;
        }
        String reader = switch (format) {
            case "csv" -> "read_csv('%s', header = true)";
            case "jsonl" -> "read_json('%s', format = 'newline_delimited')";
            case "json" -> "read_json('%s', format = 'array')";
            default -> "read_parquet('%s')";
        };
        return Long.parseLong(query("SELECT count(*) AS n FROM " + reader.formatted(file)).get(0).substring(2));
    }
}
