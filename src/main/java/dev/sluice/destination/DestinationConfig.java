package dev.sluice.destination;

/**
 * A destination's settings, as written in the workspace. Each built-in type is listed in
 * {@link DestinationTypes} and parses its own settings.
 */
public interface DestinationConfig {
    /** The destination's name in the workspace. */
    String name();

    /** The workspace {@code type} value. */
    String type();

    /** Where it is, for messages: never holds a secret. */
    /** The OpenLineage namespace of what it holds (docs/workspace.md#lineage): {@code gs://BUCKET}, {@code file://PATH}; by default its type. */
    default String lineageNamespace() {
        return type();
    }

    String describe();

    /** Opens the destination for a run or a check. */
    Destination open();

    /**
     * Checks what can be checked without the network (a key file that exists, is readable and holds
     * a key), as {@code sluice validate} does; a user error naming the setting otherwise.
     */
    default void checkLocally() {}
}
