package dev.sluice.cli;

/**
 * A command that leaves work going after its outcome is known (a run's notifications): when it
 * fails, {@link ErrorReporter} prints the error first, then lets it finish that work.
 */
interface AfterError {
    void afterError();
}
