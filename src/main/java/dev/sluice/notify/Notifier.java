package dev.sluice.notify;

import java.time.Duration;

/**
 * Where a notification goes: one entry of the workspace's {@code notifications}. Each built-in type
 * is listed in {@link NotifierTypes} and reads its own settings. {@link #send} makes one attempt;
 * {@link Deliverer} retries it within the entry's {@code timeout}.
 */
public interface Notifier {
    /** The settings every type has: name, type, events, timeout, public URL. */
    NotifierSettings settings();

    default String name() {
        return settings().name();
    }

    default String type() {
        return settings().type();
    }

    /** Where it goes, for messages: never holds a secret. */
    String describe();

    /** One attempt to deliver {@code notice}, giving up after {@code timeout}. */
    void send(Notice notice, Duration timeout) throws DeliveryFailure;
}
