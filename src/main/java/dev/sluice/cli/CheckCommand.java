package dev.sluice.cli;

import dev.sluice.source.Source;
import dev.sluice.run.Runner;

import dev.sluice.config.Suggestions;
import dev.sluice.destination.Destination;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.error.SluiceException;
import dev.sluice.plan.FolderPath;
import dev.sluice.workspace.Workspace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice check DESTINATION}: writes, reads back and deletes a probe object. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Tests a destination: writes, reads and deletes a probe object.",
                "Connects with the destination's credentials and writes the probe under --folder; says plainly what is "
                        + "wrong when a step fails, and gives up on an endpoint that does not answer after about 15 seconds."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the destination works", "1:the destination could not be reached or failed",
                "2:a setting or a permission is wrong (the message names it)"})
public final class CheckCommand extends WorkspaceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = {"The destination (or source) to check.",
            "For a source: connects and runs a query; for a PostgreSQL source, also checks that the schema of state: source can be created;",
            "for a BigQuery source, runs dry-run jobs (its models, nothing billed) and checks the export bucket's permissions."})
    String destination;

    @Option(names = "--folder", paramLabel = "PATH", description = "Where to write the probe object (default: the bucket's root).")
    String folder;

    @Override
    public Integer call() {
        Workspace workspace = loadWorkspace();
        DestinationConfig config = workspace.destinations().get(destination);
        if (config == null && workspace.sources().containsKey(destination)) {
            Source source = workspace.sources().get(destination);
            workspace.requireSet("check source " + destination, List.of("sources." + destination));
            err().println("checking source " + destination + " (" + source.describe() + ")…");
            err().flush();
            String checked = Runner.checkSource(workspace, source);
            out().println(Terminal.green("ok: ") + "source " + destination + " (" + source.describe() + ") works: " + checked);
            out().flush();
            return 0;
        }
        if (config == null) {
            throw SluiceException.user("no destination named '" + destination + "'"
                    + Suggestions.didYouMean(destination, workspace.destinations().keySet())
                    + (workspace.destinations().isEmpty() ? "; the workspace defines none"
                            : "; known: " + String.join(", ", workspace.destinations().keySet())));
        }
        workspace.requireSet("check destination " + destination, List.of("destinations." + destination));
        String path;
        try {
            path = FolderPath.normalise(folder); // the rules of an activation's folder
        } catch (IllegalArgumentException e) {
            throw SluiceException.user("--folder: " + e.getMessage());
        }
        err().println("checking destination " + destination + " (" + config.describe() + ")"
                + (config.describe().contains("://") ? ": connecting…" : "…"));
        err().flush();
        Destination.Lock lock = probe(config, path);
        String under = path.isEmpty() ? "" : " under " + path + "/";
        if (lock.locked()) {
            out().println(Terminal.green("ok: ") + "destination " + destination + " (" + config.describe()
                    + ") works: wrote, read back and listed a probe object" + under);
            out().println("note: " + lock.rule() + ". Sluice never deletes or replaces anything there: an activation on this "
                    + "destination needs publish: direct, a file_name that changes every run ({run}, {X}, {x}, or the date and time "
                    + "down to {ss}) and manifest: true, or its runs are refused before reading anything. The probe object"
                    + " (.sluice-check-…" + (path.isEmpty() ? "" : " under " + path + "/")
                    + ") stays in the bucket until the bucket lets it go.");
        } else {
            out().println(Terminal.green("ok: ") + "destination " + destination + " (" + config.describe()
                    + ") works: wrote, read back, listed and deleted a probe object" + under);
            if (lock.unknown() != null) {
                out().println("note: " + lock.unknown() + "; without it Sluice cannot tell whether the bucket has a retention policy "
                        + "or a default event-based hold, and runs as if it had neither");
            }
        }
        out().flush();
        return 0;
    }

    /** How long the check may take before it gives up: the client's own retries may go on for minutes. */
    static Duration giveUpAfter = Duration.ofSeconds(15);
    /** When "no answer yet" is said, if the check is still going. */
    static final Duration STILL_WAITING = Duration.ofSeconds(2);

    /**
     * Opens the destination and writes, reads back and deletes the probe, on a thread of its own so
     * that an endpoint that does not answer (or refuses, retried with backoff) is given up on in
     * bounded time, saying so.
     */
    private Destination.Lock probe(DestinationConfig config, String path) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-check");
            t.setDaemon(true);
            return t;
        });
        Future<Destination.Lock> done = worker.submit(() -> {
            try (Destination opened = config.open()) {
                opened.check(path);
                return opened.lock();
            }
        });
        worker.shutdown();
        try {
            try {
                return done.get(Math.min(STILL_WAITING.toMillis(), giveUpAfter.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                err().println("no answer yet from " + config.describe() + "; retrying, giving up after "
                        + giveUpAfter.toSeconds() + " s");
                err().flush();
            }
            return done.get(Math.max(0, giveUpAfter.minus(STILL_WAITING).toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            done.cancel(true);
            throw SluiceException.external("destination " + destination + " (" + config.describe() + ") did not answer within "
                    + giveUpAfter.toSeconds() + " s; check that the endpoint or bucket address is right and reachable from "
                    + "this machine (a proxy or firewall in between?)", null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw SluiceException.internal("the check failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SluiceException.external("the check was interrupted", e);
        }
    }
}
