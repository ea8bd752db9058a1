package dev.sluice.notify;

/**
 * One attempt to deliver a notification failed. {@code retryable}: whether trying again may help
 * (a timeout, a refused connection, a 5xx, 408 or 429), as opposed to a refusal that will not
 * change (another 4xx, a rejected address, wrong credentials).
 */
public final class DeliveryFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public DeliveryFailure(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
