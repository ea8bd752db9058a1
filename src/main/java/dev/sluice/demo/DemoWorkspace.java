package dev.sluice.demo;

import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the demo workspace: {@code sluice.yaml}, a DuckDB database of synthetic customers with
 * nulls and awkward strings, and an empty {@code exports} folder for the local destination.
 */
public final class DemoWorkspace {
    public static final String DATABASE = "warehouse.duckdb";

    private DemoWorkspace() {}

    /**
     * Marks a folder as the demo's: it holds the SHA-256 of the {@code sluice.yaml} the demo wrote,
     * so that a later demo can tell its own untouched folder from one a user edited.
     */
    static final String MARKER = ".sluice-demo";
    /** What the demo writes at the top of its folder; anything else there was put by someone else. */
    private static final Set<String> OWN = Set.of("sluice.yaml", DATABASE, DATABASE + ".wal", "exports", ".sluice", MARKER);

    /** As {@link #create(Path, long, boolean)} without {@code force}. */
    public static Path create(Path dir, long rows) {
        return create(dir, rows, false);
    }

    /**
     * Creates (or recreates) the demo in {@code dir} and returns the workspace file. An existing
     * folder is recreated only if the demo made it and nobody changed its {@code sluice.yaml} or put
     * other files in it, unless {@code force}: then the demo's own files are rewritten and anything
     * else in the folder is left as it is.
     */
    public static Path create(Path dir, long rows, boolean force) {
        if (rows < 1) {
            throw SluiceException.user("--rows: must be at least 1, got " + rows);
        }
        if (!force) {
            refuseForeign(dir);
        }
        try {
            deleteTree(dir.resolve("exports"));
            deleteTree(dir.resolve(".sluice"));
            Files.createDirectories(dir.resolve("exports"));
            Path workspace = dir.resolve("sluice.yaml");
            String yaml = resource("sluice.yaml");
            Files.writeString(workspace, yaml);
            Files.writeString(dir.resolve(MARKER), sha256(yaml.getBytes(StandardCharsets.UTF_8)) + "\n");
            Path database = dir.resolve(DATABASE);
            Files.deleteIfExists(database);
            Files.deleteIfExists(dir.resolve(DATABASE + ".wal"));
            String sql = resource("customers.sql").replace("${ROWS}", Long.toString(rows));
            try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath());
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            return workspace;
        } catch (IOException e) {
            throw SluiceException.external("cannot write the demo in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw SluiceException.internal("cannot build the demo database: " + e.getMessage(), e);
        }
    }

    /** Refuses (user error) a folder that holds something the demo did not make or that was edited since. */
    private static void refuseForeign(Path dir) {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw SluiceException.user("--dir " + dir + ": is a file, not a folder; choose another --dir");
            }
            return;
        }
        String again = "; nothing was changed. To rebuild the demo there anyway, run `sluice demo --force"
                + (dir.toString().equals("sluice-demo") ? "" : " --dir " + dir) + "` (the demo's own files are rewritten, "
                + "your other files are kept), or choose another folder with --dir";
        try {
            List<String> entries;
            try (Stream<Path> list = Files.list(dir)) {
                entries = list.map(p -> p.getFileName().toString()).sorted().toList();
            }
            if (entries.isEmpty()) {
                return;
            }
            Path marker = dir.resolve(MARKER);
            if (!Files.isRegularFile(marker)) {
                throw SluiceException.user("--dir " + dir + ": this folder was not made by `sluice demo` and is not empty "
                        + "(it holds " + String.join(", ", entries.subList(0, Math.min(5, entries.size())))
                        + (entries.size() > 5 ? ", ..." : "") + ")" + again);
            }
            List<String> foreign = entries.stream().filter(e -> !OWN.contains(e)).toList();
            if (!foreign.isEmpty()) {
                throw SluiceException.user("--dir " + dir + ": files were added to the demo folder since the demo built it ("
                        + String.join(", ", foreign) + ")" + again);
            }
            Path workspace = dir.resolve("sluice.yaml");
            if (!Files.isRegularFile(workspace)
                    || !sha256(Files.readAllBytes(workspace)).equals(Files.readString(marker, StandardCharsets.UTF_8).strip())) {
                throw SluiceException.user("--dir " + dir + ": " + workspace + " was edited (or removed) since the demo built it, "
                        + "and the demo would replace it" + again);
            }
        } catch (IOException e) {
            throw SluiceException.external("cannot read the demo folder " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Changes the demo data as a day would: some customers change, some leave, some arrive. */
    public static void applyChanges(Path dir) {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DATABASE).toAbsolutePath());
                Statement statement = connection.createStatement()) {
            statement.execute(resource("changes.sql"));
        } catch (IOException | SQLException e) {
            throw SluiceException.internal("cannot change the demo data: " + e.getMessage(), e);
        }
    }

    /** Deletes a folder the demo owns (its exports and state), so that a new demo starts clean. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoWorkspace.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) {
                throw new IOException("resource /demo/" + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
