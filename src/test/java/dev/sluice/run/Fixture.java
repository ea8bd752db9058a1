package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import picocli.CommandLine;

/**
 * A workspace in a temporary folder: a DuckDB database file as the source (changed through the
 * test's own connection, closed again before every run), a local destination folder {@code out},
 * the state in {@code .sluice}, and the command line run in-process.
 */
final class Fixture {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final Path db;
    final Path yaml;
    final Path out;
    final Path state;
    /** How the test sees the destination: the local folder {@code out} unless a test sets another view. */
    DestinationView view;

    /**
     * The destination as a consumer sees it: every object with its size, and an object's bytes as a
     * local file to read back.
     */
    interface DestinationView {
        /** Every object, '/'-separated name → bytes. */
        TreeMap<String, Long> objects();

        /** The object's content as a local file (the file itself, or a fresh download). */
        Path file(String object);

        /** Names of objects, files or folders that are staging or half-written upload leftovers. */
        TreeSet<String> stagingLeftovers();
    }

    Fixture(Path dir) {
        this.dir = dir;
        this.db = dir.resolve("warehouse.duckdb");
        this.yaml = dir.resolve("sluice.yaml");
        this.out = dir.resolve("out");
        this.state = dir.resolve(".sluice");
        this.view = new LocalView(out);
    }

    /** An object's content as a local file, through the view. */
    Path file(String object) {
        return view.file(object);
    }

    /** Runs SQL statements on the source database through a connection of the test's own, then closes it. */
    void sql(String... statements) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath()); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
        }
    }

    /** A read-only connection to the source, for the test's own view of the truth. */
    Connection readSource() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        return DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath(), properties);
    }

    void workspace(String text) {
        try {
            Files.writeString(yaml, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one command printed and returned. */
    record Cli(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not one JSON object on stdout: " + out + "\nstderr: " + err, e);
            }
        }
    }

    Cli cli(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(outText, true));
        cmd.setErr(new PrintWriter(errText, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-c");
        all.add(yaml.toString());
        int code = cmd.execute(all.toArray(String[]::new));
        return new Cli(code, outText.toString(), errText.toString());
    }

    /** {@code sluice run ACTIVATION --json ...}, which must succeed. */
    Cli run(String activation, String... flags) {
        List<String> args = new ArrayList<>(List.of("run", activation, "--json"));
        args.addAll(List.of(flags));
        Cli result = cli(args.toArray(String[]::new));
        assertThat(result.exitCode()).as("exit code of run %s; stderr:%n%s", activation, result.err()).isZero();
        return result;
    }

    /** {@code sluice runs ACTIVATION --json}: newest first. */
    List<JsonNode> runs(String activation) {
        Cli result = cli("runs", activation, "--json", "--limit", "1000");
        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> list = new ArrayList<>();
        result.json().forEach(list::add);
        return list;
    }

    /** The activation's snapshot state as text: current.json plus every file of its folder with size and CRC32C. */
    String snapshotState(String activation) {
        Path folder = state.resolve("activations").resolve(activation);
        if (!Files.isDirectory(folder)) {
            return "<none>";
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                if (!Files.isRegularFile(file)) {
                    text.append(file.getFileName()).append(" (not a file)\n");
                    continue;
                }
                text.append(file.getFileName()).append(' ').append(Files.size(file)).append(' ').append(crc32c(file)).append('\n');
                if (file.getFileName().toString().equals("current.json")) {
                    text.append(Files.readString(file)).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Every object of the destination, with its size. */
    TreeMap<String, Long> objects() {
        return view.objects();
    }

    /** Every object, file or folder of the destination whose name mentions staging or a half-written upload. */
    TreeSet<String> stagingLeftovers() {
        return view.stagingLeftovers();
    }

    /** A local destination folder. */
    record LocalView(Path out) implements DestinationView {
        @Override
        public Path file(String object) {
            return out.resolve(object);
        }

    /** Every regular file under the destination folder, relative, '/'-separated, with its size. */
    @Override
    public TreeMap<String, Long> objects() {
        TreeMap<String, Long> names = new TreeMap<>();
        if (!Files.isDirectory(out)) {
            return names;
        }
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                names.put(out.relativize(p).toString().replace('\\', '/'), Files.size(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** Every path (file or folder) under the destination whose name mentions staging or a half-written upload. */
    @Override
    public TreeSet<String> stagingLeftovers() {
        TreeSet<String> names = new TreeSet<>();
        if (!Files.isDirectory(out)) {
            return names;
        }
        try (Stream<Path> files = Files.walk(out)) {
            files.map(p -> out.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.contains(".sluice-staging") || n.contains(".sluice-upload-"))
                    .forEach(names::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
    }

    /** Leftovers of runs in the state folder's work area. */
    List<String> workLeftovers() {
        Path work = state.resolve("work");
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(work)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CRC32C of a file, base64 of its big-endian bytes: computed here with the JDK, not with Sluice's code. */
    static String crc32c(Path file) {
        CRC32C crc = new CRC32C();
        try {
            crc.update(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long v = crc.getValue();
        byte[] bytes = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }
}
