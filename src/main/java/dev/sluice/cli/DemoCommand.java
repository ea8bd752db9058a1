package dev.sluice.cli;

import dev.sluice.source.Model;

import dev.sluice.config.Problem;
import dev.sluice.config.WorkspaceException;
import dev.sluice.demo.DemoWorkspace;
import dev.sluice.history.Counts;
import dev.sluice.history.RunRecord;
import dev.sluice.run.Runner;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Catalog;
import dev.sluice.workspace.SchemaCheck;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice demo}: builds a sample workspace with synthetic data and shows what it holds. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Builds a sample workspace and runs it: the quick start.",
                "The workspace (in the folder sluice-demo unless --dir says otherwise) has a DuckDB database of synthetic "
                        + "customers, a model, two segments and one activation per sync mode; the demo previews it, then "
                        + "runs every activation twice with a change of the data in between."})
public final class DemoCommand extends WorkspaceCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "sluice-demo",
            description = "Where to build the demo (default: ${DEFAULT-VALUE}). A folder the demo made before is rebuilt; "
                    + "an edited one, or one the demo did not make, is refused without --force.")
    Path dir;

    @Option(names = "--force", description = "Rebuild the demo in --dir even if it was edited or holds other files "
            + "(the demo's own files are rewritten; other files are kept).")
    boolean force;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "100000",
            description = "How many customers to generate (default: ${DEFAULT-VALUE}).")
    long rows;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        Path file = DemoWorkspace.create(dir, rows, force);
        out().printf("Built the demo workspace %s with %,d customers in %.1f s.%n%n", file, rows,
                (System.nanoTime() - started) / 1e9);
        Workspace workspace = new WorkspaceLoader(name -> null).load(file);
        try (Catalog catalog = new Catalog(workspace, Clock.systemUTC())) {
            SchemaCheck.Result check = SchemaCheck.run(workspace, catalog);
            if (!check.ok()) {
                throw new WorkspaceException(check.problems().isEmpty()
                        ? java.util.List.of(new Problem(file.toString(), "", check.failures().get(0).getMessage()))
                        : check.problems());
            }
            out().println(Terminal.bold("Workspace") + ": " + ValidateCommand.summary(workspace) + ", all valid.");
            PreviewCommand preview = new PreviewCommand();
            preview.spec = spec;
            for (String target : workspace.models().keySet()) {
                out().println();
                out().println(Terminal.bold("Model " + target));
                preview.preview(catalog, target, 5);
            }
            for (String target : workspace.segments().keySet()) {
                out().println();
                out().println(Terminal.bold("Segment " + target));
                preview.preview(catalog, target, 5);
            }
        }
        out().println();
        out().println(Terminal.bold("Activations") + " (to the local folder " + dir.resolve("exports") + "):");
        for (Activation activation : workspace.activations().values()) {
            out().printf("  %-22s %s %s, %s × %s, %s files in %s/%n", activation.name(),
                    activation.model() != null ? "model" : "segment", activation.target(),
                    lower(activation.runType()), lower(activation.syncMode()), activation.format().type(),
                    activation.folder());
        }
        Runner runner = new Runner(workspace, Runner.stateDir(workspace, null), Clock.systemUTC(), line -> { }, null);
        out().println();
        out().println(Terminal.bold("First run of each activation") + " (everything is new):");
        runAll(workspace, runner);
        DemoWorkspace.applyChanges(dir);
        out().println();
        out().println(Terminal.bold("The data changed") + " (1% of customers updated, 0.5% removed, 0.5% added). Second run:");
        runAll(workspace, runner);
        out().println();
        out().println("The files are in " + dir.resolve("exports") + "; the run history: ./sluice runs -c " + file);
        out().println("Next: edit " + file + ", then try");
        out().println("  ./sluice validate -c " + file);
        out().println("  ./sluice preview vip_fr -c " + file + " --limit 20");
        out().println("  ./sluice run vip_fr_upsert -c " + file);
        out().println("  ./sluice serve -c " + file + "      # web UI and scheduler at http://127.0.0.1:8080");
        out().flush();
        return 0;
    }

    private void runAll(Workspace workspace, Runner runner) {
        for (Activation activation : workspace.activations().values()) {
            RunRecord record = runner.run(new Runner.Request(activation.name(), false, false, "manual"));
            Counts c = record.counts();
            out().printf(java.util.Locale.ROOT, "  %-22s %-5s read %,7d  added %,7d  updated %,6d  removed %,6d  → %d file(s): %s%n",
                    activation.name(), record.kind(), c.read(), c.added(), c.updated(), c.removed(), record.files().size(),
                    record.files().stream().map(f -> f.object() + " (" + f.rows() + " rows)")
                            .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}
