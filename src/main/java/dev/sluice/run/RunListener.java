package dev.sluice.run;

import java.util.function.Consumer;

/** Who listens to a run's {@link RunEvent}s. Called on the run's thread, in order; it should be quick and never throw. */
@FunctionalInterface
public interface RunListener {
    /** Nobody listens. */
    RunListener NONE = event -> { };

    void on(RunEvent event);

    /** A listener that gives the run's log lines ({@link RunEvent.Message}) to {@code log} and ignores the rest. */
    static RunListener lines(Consumer<String> log) {
        return event -> {
            if (event instanceof RunEvent.Message message) {
                log.accept(message.text());
            }
        };
    }

    /** This listener, then {@code next}. */
    default RunListener and(RunListener next) {
        return event -> {
            on(event);
            next.on(event);
        };
    }
}
