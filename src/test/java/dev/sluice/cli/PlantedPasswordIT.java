package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.postgres.PasswordPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One distinctive password, planted in every place a source's connection settings allow (and in
 * URLs the drivers cannot read), must never come out of Sluice: {@code sluice validate}, {@code run}
 * and {@code runs --json} run as separate processes from the application jar, and their stdout,
 * stderr (where the drivers' own log lines go), the run records and every file under the state
 * folder and the destination are searched for it. The password is the right one for the role
 * {@code alice} of a real PostgreSQL, so the well-formed sources connect and their runs succeed.
 */
class PlantedPasswordIT {
    private static final String PLANTED = "Pl4nted-Pa55word-8817";
    private static final Path JAR = Path.of("target", "sluice.jar").toAbsolutePath();

    private static PasswordPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = PasswordPostgres.start(PLANTED, "CREATE TABLE people (id int, name text)",
                "INSERT INTO people VALUES (1, 'Ann'), (2, 'Bob')", "GRANT SELECT ON people TO alice");
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private record Cli(List<String> args, int exitCode, String out, String err) {
        String all() {
            return "$ sluice " + String.join(" ", args) + "\n" + out + err;
        }
    }

    private Cli sluice(Path workspaceDir, String... args) throws Exception {
        assertThat(JAR).as("the application jar; build it with 'mvn -DskipTests package' (mvn verify does)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", JAR.toString(), "dev.sluice.cli.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("-c", workspaceDir.resolve("sluice.yaml").toString(), "--state-dir", workspaceDir.resolve("state").toString()));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(workspaceDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("sluice " + String.join(" ", args) + " did not finish");
        }
        Cli cli = new Cli(List.of(args), process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return cli;
    }

    /** A workspace of one activation per source, all reading the people table. */
    private Path workspace(String name, Map<String, String> sources) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        StringBuilder yaml = new StringBuilder("sources:\n");
        sources.forEach((source, settings) -> yaml.append("  ").append(source).append(": ").append(settings).append('\n'));
        yaml.append("models:\n");
        sources.keySet().forEach(source -> yaml.append("  ").append(source)
                .append(": {source: ").append(source).append(", sql: \"SELECT id, name FROM people\", primary_key: [id]}\n"));
        yaml.append("destinations:\n  out: {type: local, path: out}\nactivations:\n");
        sources.keySet().forEach(source -> yaml.append("  ").append(source).append(": {model: ").append(source)
                .append(", destination: out, file_name: ").append(source).append(", format: csv}\n"));
        Files.writeString(folder.resolve("sluice.yaml"), yaml);
        return folder;
    }

    /** validate, run of every activation, runs --json; none may print the password. */
    private List<Cli> everyCommand(Path workspace, Iterable<String> activations) throws Exception {
        List<Cli> runs = new ArrayList<>();
        runs.add(sluice(workspace, "validate"));
        for (String activation : activations) {
            runs.add(sluice(workspace, "run", activation));
        }
        runs.add(sluice(workspace, "runs", "--json"));
        for (Cli cli : runs) {
            assertThat(cli.out()).as(cli.all()).doesNotContain(PLANTED);
            assertThat(cli.err()).as(cli.all()).doesNotContain(PLANTED);
        }
        return runs;
    }

    /** Every file Sluice wrote: the state folder (run history, locks, snapshots, logs) and the destination. */
    private static void assertNoFileHolds(Path workspace) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(workspace)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("sluice.yaml")).toList();
        }
        byte[] planted = PLANTED.getBytes(StandardCharsets.UTF_8);
        for (Path file : files) {
            assertThat(file.toString()).doesNotContain(PLANTED);
            byte[] content = Files.readAllBytes(file);
            assertThat(indexOf(content, planted)).as("the password in " + file).isNegative();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aPasswordInAnyWellFormedSettingIsUsedAndNeverShown() throws Exception {
        int port = postgres.port();
        Path sqlite = dir.resolve("shop.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (id int, name text)");
            s.execute("INSERT INTO people VALUES (1, 'Ann'), (2, 'Bob')");
        }
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("pg_setting", "{type: postgres, host: localhost, port: %d, database: postgres, user: alice, password: \"%s\"}"
                .formatted(port, PLANTED));
        sources.put("pg_url_parameter", "{type: postgres, url: \"jdbc:postgresql://localhost:%d/postgres?user=alice&password=%s\"}"
                .formatted(port, PLANTED));
        sources.put("pg_property", "{type: postgres, url: \"jdbc:postgresql://localhost:%d/postgres\", user: alice, properties: {password: \"%s\"}}"
                .formatted(port, PLANTED));
        sources.put("jdbc_url_parameter", "{type: jdbc, url: \"jdbc:postgresql://localhost:%d/postgres?user=alice&password=%s\"}"
                .formatted(port, PLANTED));
        sources.put("jdbc_setting", "{type: jdbc, url: \"jdbc:postgresql://localhost:%d/postgres\", user: alice, password: \"%s\"}"
                .formatted(port, PLANTED));
        sources.put("sqlite_url_parameter", "{type: jdbc, url: \"jdbc:sqlite:%s?password=%s\"}".formatted(sqlite, PLANTED));
        // libpq's form, as DATABASE_URL holds it, with the password in the user info
        sources.put("libpq_form", "{type: postgres, url: \"postgresql://alice:%s@localhost:%d/postgres\"}".formatted(PLANTED, port));
        Path workspace = workspace("good", sources);

        List<Cli> runs = everyCommand(workspace, sources.keySet());

        for (Cli cli : runs) {
            assertThat(cli.exitCode()).as(cli.all()).isZero();
        }
        assertThat(runs.get(runs.size() - 1).out()).contains("\"status\":\"succeeded\"").doesNotContain("\"status\":\"failed\"");
        assertThat(workspace.resolve("out/pg_url_parameter.csv")).exists();
        assertNoFileHolds(workspace);
    }

    @Test
    void aMalformedUrlIsAWorkspaceProblemThatNeverReachesTheDriver() throws Exception {
        int port = postgres.port();
        Map<String, String> sources = new LinkedHashMap<>();
        // jdbc: before a DATABASE_URL: the PostgreSQL driver reads 'alice:PASSWORD@localhost' as host and port
        sources.put("user_info", "{type: postgres, url: \"jdbc:postgresql://alice:%s@localhost/postgres\"}".formatted(PLANTED));
        sources.put("user_info_port", "{type: postgres, url: \"jdbc:postgresql://alice:%s@localhost:%d/postgres\"}".formatted(PLANTED, port));
        sources.put("jdbc_user_info", "{type: jdbc, url: \"jdbc:postgresql://alice:%s@localhost:%d/postgres\"}".formatted(PLANTED, port));
        sources.put("bad_port", "{type: postgres, url: \"jdbc:postgresql://localhost:5o432/postgres?user=alice&password=%s\"}".formatted(PLANTED));
        sources.put("no_slash", "{type: postgres, url: \"jdbc:postgresql://localhost:%d?user=alice&password=%s\"}".formatted(port, PLANTED));
        sources.put("bad_encoding", "{type: postgres, url: \"jdbc:postgresql://localhost:%d/postgres?user=alice&password=%s%%zz\"}".formatted(port, PLANTED));
        sources.put("semicolons", "{type: jdbc, url: \"jdbc:postgresql://localhost:%d/postgres;user=alice;password=%s\"}".formatted(port, PLANTED));
        sources.put("sqlite_semicolon", "{type: jdbc, url: \"jdbc:sqlite:shop.db;password=%s\"}".formatted(PLANTED));
        sources.put("libpq_bad_port", "{type: postgres, url: \"postgresql://alice:%s@localhost:5o432/postgres\"}".formatted(PLANTED));
        Path workspace = workspace("bad", sources);

        List<Cli> runs = everyCommand(workspace, sources.keySet());

        Cli validate = runs.get(0);
        assertThat(validate.exitCode()).as(validate.all()).isEqualTo(2);
        for (String source : sources.keySet()) {
            assertThat(validate.err()).as(validate.all()).contains("sources." + source + ".url: ");
        }
        assertThat(validate.err())
                .contains("sources.user_info.url: user names and passwords cannot be written before the host")
                .contains("got 'jdbc:postgresql://alice:****@localhost/postgres'")
                .contains("sources.bad_port.url: the port must be a number from 1 to 65535")
                .contains("got 'jdbc:postgresql://localhost:5o432/postgres?user=alice&password=****'")
                .contains("sources.semicolons.url: connection parameters follow '?'")
                .contains("sources.sqlite_semicolon.url: SQLite's driver reads parameters after '?'")
                .contains("sources.libpq_bad_port.url: the port must be a number from 1 to 65535, got 'postgresql://alice:****@localhost");
        for (Cli cli : runs) {
            // the drivers' own log lines ("WARNING: JDBC URL invalid port number: …") never appear
            assertThat(cli.err()).as(cli.all()).doesNotContain("WARNING").doesNotContain("Unable to parse URL");
        }
        for (Cli run : runs.subList(1, runs.size() - 1)) {
            assertThat(run.exitCode()).as(run.all()).isEqualTo(2);
            assertThat(run.err()).as(run.all()).contains("sources.");
        }
        assertNoFileHolds(workspace);
    }
}
