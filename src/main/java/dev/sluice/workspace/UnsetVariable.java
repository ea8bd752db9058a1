package dev.sluice.workspace;

/**
 * A {@code ${NAME}} reference in a workspace file whose environment variable is not set, at the
 * key path {@code path} of {@code file}. Commands that do not need that setting work without it;
 * the ones that need it refuse, naming the setting and the variable.
 */
public record UnsetVariable(String file, String path, String variable) {

    /** Whether this reference is the setting at {@code prefix} or inside it. */
    public boolean within(String prefix) {
        return within(path, prefix);
    }

    /** Whether the key path {@code path} is {@code prefix} or inside it ({@code prefix.key}, {@code prefix[i]}). */
    static boolean within(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
    }

    @Override
    public String toString() {
        return (file == null ? "" : file + ": ") + path + ": environment variable " + variable + " is not set";
    }
}
