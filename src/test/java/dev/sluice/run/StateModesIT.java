package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.workspace.WorkspaceLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state folder is private to the user running Sluice: every folder in it {@code rwx------},
 * every file {@code rw-------}, during a run (history with its write-ahead log, lock, work folder)
 * and after it (snapshots, pointer files); a state folder left with open modes is tightened as it
 * is used. The one exception: the output files in {@code work/RUN/files}, which a local
 * destination links into place, keep the usual mode (their folder keeps them private).
 */
class StateModesIT {
    private static final String FOLDER = "folder rwx------";
    private static final String FILE = "file rw-------";

    @TempDir
    Path dir;

    private Fixture fx;

    @BeforeEach
    void workspace() {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        fx = new Fixture(dir);
        People.create(fx);
        fx.workspace(People.WORKSPACE + """
                  deltas:
                    model: eu_people
                    destination: out
                    file_name: "{activation}_{run}"
                    format: {type: parquet}
                    run_type: full_then_delta
                    sync_mode: upsert
                    manifest: true
                  full:
                    model: all_people
                    destination: out
                    file_name: "{activation}_{run}"
                    format: {type: csv}
                    run_type: full_only
                    sync_mode: snapshot
                """);
    }

    @Test
    void everyFolderAndFileOfTheStateIsOwnerOnlyDuringAndAfterRuns() {
        assertThat(fx.cli("runs").exitCode()).isZero();
        assertThat(modes(fx.state)).as("the history alone, created by 'sluice runs'").containsOnlyKeys(".", "runs.db")
                .containsEntry(".", FOLDER).containsEntry("runs.db", FILE);

        fx.run("deltas");
        People.step(fx, 0);
        Map<String, String> during = runPausedAtFirstUpload("deltas");
        assertThat(during).as("the state while a run is publishing")
                .containsKeys("runs.db-wal", "runs.db-shm", "locks/deltas.lock", "activations/deltas/current.json")
                .anySatisfy((path, mode) -> assertThat(path).matches("work/[^/]+/engine"))
                .anySatisfy((path, mode) -> assertThat(path).matches("work/[^/]+/files/.+\\.parquet"));
        assertOwnerOnly(during);

        fx.run("full");
        People.step(fx, 2);
        fx.run("full");
        fx.run("deltas", "--dry-run");
        fx.run("deltas");
        assertThat(fx.cli("reset", "full").exitCode()).isZero();
        Map<String, String> after = modes(fx.state);
        assertThat(after).as("the state after the runs")
                .containsKeys("work", "locks/full.lock", "activations/full")
                .anySatisfy((path, mode) -> assertThat(path).matches("activations/deltas/snapshot-.+\\.duckdb"));
        assertOwnerOnly(after);
    }

    @Test
    void aStateFolderWithOpenModesIsTightenedAsItIsUsed() throws IOException {
        fx.run("deltas");
        fx.run("full");
        try (Stream<Path> paths = Files.walk(fx.state)) {
            for (Path path : paths.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        People.step(fx, 0);
        fx.run("deltas");
        fx.run("full");
        Map<String, String> modes = modes(fx.state);
        assertThat(modes).as("the state folder itself, which may be a folder the user chose, is left as it was")
                .containsEntry(".", "folder rwxr-xr-x");
        modes.remove(".");
        assertOwnerOnly(modes);
    }

    /** Runs ACTIVATION in-process and returns the modes of the state folder once its first file is uploaded. */
    private Map<String, String> runPausedAtFirstUpload(String activation) {
        Map<String, String> seen = new TreeMap<>();
        Runner runner = new Runner(WorkspaceLoader.withSystemEnv().load(fx.yaml), fx.state, Clock.systemUTC(), line -> { }, null,
                config -> {
                    FaultyDestination destination = new FaultyDestination(config.open(), FaultyDestination.Fault.NONE);
                    destination.afterUpload = n -> {
                        if (seen.isEmpty()) {
                            seen.putAll(modes(fx.state));
                        }
                    };
                    return destination;
                });
        runner.run(new Runner.Request(activation, false, false, "manual"));
        assertThat(seen).as("the state seen at the first upload").isNotEmpty();
        return seen;
    }

    /** Every folder and file under {@code root} (relative, '/'-separated; the root is ".") with its kind and mode. */
    private static Map<String, String> modes(Path root) {
        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                String name = root.equals(path) ? "." : root.relativize(path).toString().replace('\\', '/');
                modes.put(name, (Files.isDirectory(path) ? "folder " : "file ") + PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return modes;
    }

    private static void assertOwnerOnly(Map<String, String> modes) {
        modes.forEach((path, mode) -> {
            if (path.matches("work/[^/]+/files/.+")) {
                return; // output files: a local destination links them into place, so they keep the usual mode
            }
            assertThat(mode).as(path).isEqualTo(mode.startsWith("folder") ? FOLDER : FILE);
        });
    }
}
