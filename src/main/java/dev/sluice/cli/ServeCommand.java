package dev.sluice.cli;

import dev.sluice.config.DurationText;
import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import dev.sluice.server.Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice serve}: the scheduler, the REST API and the web UI. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs scheduled activations and serves the REST API and the web UI.",
                "Serves the API under /api and the UI at /. Binds to 127.0.0.1 unless --host says otherwise; any other "
                        + "address needs a token in SLUICE_TOKEN. Stops on Ctrl-C or SIGTERM, letting runs going and notifications "
                        + "being sent finish within --grace-period."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (notifications still being sent at the end of the grace period are recorded as not delivered)",
                "1:could not start (port in use, state not readable), or a run was still going at the end of the grace period",
                "2:invalid workspace or options"})
public final class ServeCommand extends WorkspaceCommand implements Callable<Integer> {
    /** Log lines start with the date, the time to the second and the offset: 2026-11-30 15:04:00+01:00. */
    static final java.time.format.DateTimeFormatter LOG_TIME = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx");

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}). Any non-loopback address requires SLUICE_TOKEN.")
    String host;

    @Option(names = "--grace-period", paramLabel = "DURATION", defaultValue = "60s",
            description = "On shutdown, how long runs going and notifications being sent may take to end (default: ${DEFAULT-VALUE}).")
    String gracePeriod;

    @Option(names = "--max-concurrent-runs", paramLabel = "N", defaultValue = "2",
            description = "Runs of different activations going at once (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--activations-dir", paramLabel = "DIR",
            description = {"Where the web UI saves activations, one YAML file each (default: activations beside the workspace); "
                    + "the workspace must include it:", "include: [activations/*.yaml]"})
    Path activationsDir;

    @Option(names = "--no-scheduler", description = "Serve the API and UI only; run nothing by schedule.")
    boolean noScheduler;

    @Option(names = "--memory-limit", paramLabel = "SIZE", defaultValue = Engine.DEFAULT_MEMORY_LIMIT,
            description = "Each run's engine memory before it spills to disk (default: ${DEFAULT-VALUE}).")
    String memoryLimit;

    @Option(names = "--public-url", paramLabel = "URL",
            description = {"The address users reach the web UI at, for links to runs in notifications and as an origin whose pages "
                    + "may change things, such as:", "https://sluice.example.com"})
    String publicUrl;

    @Override
    public Integer call() throws InterruptedException {
        String token = System.getenv("SLUICE_TOKEN");
        dev.sluice.error.Secrets.register(token);
        if (!Server.isLoopback(host) && (token == null || token.isBlank())) {
            throw SluiceException.user("--host " + host + " is not a loopback address: set SLUICE_TOKEN to a long random "
                    + "value first (e.g. SLUICE_TOKEN=$(openssl rand -hex 32)); clients then send 'Authorization: Bearer TOKEN'");
        }
        if (token != null && !token.isBlank() && token.length() < 16) {
            throw SluiceException.user("SLUICE_TOKEN must have at least 16 characters, got " + token.length());
        }
        if (port < 0 || port > 65535) {
            throw SluiceException.user("--port must be between 0 and 65535, got " + port);
        }
        if (threads < 1 || threads > 64) {
            throw SluiceException.user("--max-concurrent-runs must be between 1 and 64, got " + threads);
        }
        if (publicUrl != null) {
            java.net.URI uri;
            try {
                uri = new java.net.URI(publicUrl.strip());
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
            if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw SluiceException.user("--public-url must be an http:// or https:// URL, got '" + publicUrl + "'");
            }
        }
        Duration grace;
        try {
            grace = DurationText.parse(gracePeriod);
        } catch (IllegalArgumentException e) {
            throw SluiceException.user("--grace-period: " + e.getMessage());
        }
        Path workspace = root.config;
        Server.Options options = Server.Options.of(workspace, StateOptions.checked(root.stateDir), activationsDir, host, port,
                token == null || token.isBlank() ? null : token, grace, threads, StateOptions.memoryLimit(memoryLimit), !noScheduler)
                .withPublicUrl(publicUrl == null ? null : publicUrl.strip());
        Server server;
        try {
            server = Server.start(options, line -> {
                err().println(LOG_TIME.format(java.time.ZonedDateTime.now()) + " " + line);
                err().flush();
            });
        } catch (io.javalin.util.JavalinBindException e) {
            throw SluiceException.external("cannot listen on " + host + ":" + port + " (another process may be using it; "
                    + "choose another port with --port): " + e.getMessage(), e);
        }
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port() + "/";
        out().println("sluice serve: " + url + " (workspace " + workspace + (noScheduler ? ", scheduler off" : "")
                + (options.token() != null ? ", token required" : "") + "); Ctrl-C stops");
        out().flush();
        // SIGTERM and SIGINT ask for a clean stop, handled here rather than in a shutdown hook, so
        // that the process exits with 0 after it (a JVM ended by a signal would exit 143 or 130).
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stopRequested.countDown());
            } catch (IllegalArgumentException unsupported) {
                // not on this platform: the shutdown hook below still stops the server
            }
        }
        Thread hook = new Thread(server::stop, "sluice-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopRequested.await();
        boolean allEnded = server.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway; stopping twice is harmless
        }
        // 1 when a run had to be abandoned at the end of the grace period (its next run recovers it).
        return allEnded ? 0 : 1;
    }
}
