package dev.sluice.server;

import dev.sluice.config.WorkspaceException;
import dev.sluice.history.Pauses;
import dev.sluice.history.RunStore;
import dev.sluice.run.Upstreams;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The scheduler's side of {@code after}: on each tick, starts each activation without a schedule of
 * its own whose upstream activations have all succeeded since its last run, and says once in the log
 * what each one waits for. Also keeps the paused and waiting gauges of {@link Metrics}.
 */
final class UpstreamRuns {
    private final Workspaces workspaces;
    private final RunDispatcher dispatcher;
    private final Predicate<String> paused;
    private final Metrics metrics;
    private final Consumer<String> log;
    private final java.time.Clock clock;
    /** What each activation was last said to wait for, so that the log says it once. */
    private final Map<String, String> said = new ConcurrentHashMap<>();

    /** {@code paused}: whether the scheduler skips an activation (it says so in the log itself). */
    UpstreamRuns(Workspaces workspaces, RunDispatcher dispatcher, Predicate<String> paused, Metrics metrics, java.time.Clock clock,
            Consumer<String> log) {
        this.clock = clock;
        this.workspaces = workspaces;
        this.dispatcher = dispatcher;
        this.paused = paused;
        this.metrics = metrics;
        this.log = log;
    }

    void tick(Workspace workspace) {
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            Map<String, Pauses.Pause> pauses = new Pauses(store.database()).all();
            for (Activation activation : workspace.activations().values()) {
                String name = activation.name();
                boolean skipped = !activation.enabled() || pauses.containsKey(name);
                if (activation.after().isEmpty()) {
                    metrics.activationState(name, skipped, null, false);
                    continue;
                }
                Upstreams.State state = Upstreams.of(store, activation);
                metrics.activationState(name, skipped, state.ready() || state.since() == null ? null
                        : java.time.Duration.between(state.since(), clock.instant()), true);
                if (activation.schedule() != null || dispatcher.activeRun(name).isPresent()) {
                    continue;
                }
                if (!state.ready()) {
                    if (!state.reason().equals(said.put(name, state.reason()))) {
                        log.accept(name + ": " + state.reason());
                    }
                    continue;
                }
                said.remove(name);
                if (!paused.test(name) && dispatcher.afterUpstreams(name)) {
                    log.accept(name + ": its upstream activations (" + String.join(", ", activation.after())
                            + ") have all succeeded since its last run; starting it");
                }
            }
        }
    }

    /** What {@code name} waits for before a run: empty when it has no {@code after} or its upstream activations have all succeeded. */
    Optional<String> waitReason(String name) {
        Activation activation;
        try {
            activation = workspaces.load().activations().get(name);
        } catch (WorkspaceException e) {
            return Optional.empty();
        }
        if (activation == null || activation.after().isEmpty()) {
            return Optional.empty();
        }
        try (RunStore store = new RunStore(workspaces.stateDir())) {
            Upstreams.State state = Upstreams.of(store, activation);
            return state.ready() ? Optional.empty() : Optional.of(state.reason());
        }
    }
}
