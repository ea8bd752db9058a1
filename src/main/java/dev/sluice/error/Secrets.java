package dev.sluice.error;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret value Sluice has read (passwords, keys, tokens), so that any text leaving the
 * process — messages, logs, records — can be scrubbed of them. Values shorter than four characters
 * are not registered: replacing them would mangle ordinary text and they protect nothing.
 */
public final class Secrets {
    public static final String MASK = "****";
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    private Secrets() {}

    public static void register(String value) {
        if (value != null && value.length() >= 4) {
            VALUES.add(value);
        }
    }

    /** Returns {@code text} with every registered secret replaced by {@value #MASK}. */
    public static String redact(String text) {
        if (text == null || VALUES.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : VALUES) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }

    static Set<String> registered() {
        return Collections.unmodifiableSet(VALUES);
    }
}
