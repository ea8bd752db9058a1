package dev.sluice.bench;

import dev.sluice.engine.ColumnTypes;
import dev.sluice.engine.Engine;
import dev.sluice.format.ExportColumn;
import dev.sluice.source.Model;
import dev.sluice.sync.Extractor;
import dev.sluice.sync.OutputWriter;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One measurement of the formats benchmark, in its own JVM (started by {@link FormatBench}) so that
 * its peak RSS is its own: an engine session like a run's reads the bench workspace's model, then
 * either Sluice's writer for the activation (the path a run takes, {@link OutputWriter}) or the
 * engine's bare {@code COPY … TO} with the given options writes it into OUT_DIR. Only the write is
 * timed. Prints one JSON line: rows written, wall and CPU seconds, bytes, peak RSS.
 *
 * <p>Arguments: WORKSPACE ACTIVATION OUT_DIR [COPY_OPTIONS].
 */
public final class WriteProbe {
    private WriteProbe() {}

    public static void main(String[] args) throws IOException, SQLException {
        Workspace workspace = WorkspaceLoader.withSystemEnv().load(Path.of(args[0]));
        Activation activation = workspace.activation(args[1]);
        Path out = Path.of(args[2]).toAbsolutePath();
        String copyOptions = args.length > 3 ? args[3] : null;
        Model model = workspace.modelOf(activation.target());
        BenchData.deleteTree(out);
        Files.createDirectories(out);
        Path spill = out.resolveSibling(out.getFileName() + ".engine");
        try (Engine engine = Engine.open(spill, workspace.baseDir(), null, null)) {
            String sql = "SELECT * FROM " + workspace.sourceOf(model).loadInto(engine, model);
            long started = System.nanoTime();
            double cpuStarted = ChildProcess.ownCpuSeconds();
            long rows;
            if (copyOptions == null) {
                List<ExportColumn> columns = Extractor.exportColumns(ColumnTypes.describe(engine.connection(), sql), activation.mapping());
                rows = OutputWriter.write(activation, engine.connection(), sql, columns, out, activation.name()).rows();
            } else {
                Path target = out.resolve(activation.name() + activation.format().extension());
                try (Statement statement = engine.connection().createStatement()) {
                    rows = statement.executeUpdate("COPY (" + sql + ") TO " + Engine.literal(target.toString()) + " (" + copyOptions + ")");
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double cpu = ChildProcess.ownCpuSeconds() - cpuStarted;
            long bytes;
            try (Stream<Path> files = Files.walk(out)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
            System.out.printf(Locale.ROOT, "{\"rows\": %d, \"seconds\": %.6f, \"cpu_seconds\": %.6f, \"bytes\": %d, \"peak_rss_bytes\": %d}%n",
                    rows, seconds, cpu, bytes, ChildProcess.highWaterMark(Path.of("/proc/self/status")));
        } finally {
            BenchData.deleteTree(spill);
        }
    }
}
