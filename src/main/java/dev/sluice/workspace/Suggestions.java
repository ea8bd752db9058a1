package dev.sluice.workspace;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean …?" for misspelt keys and values: the closest candidate by edit distance. */
public final class Suggestions {
    private Suggestions() {}

    public static Optional<String> closest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = input.toLowerCase(java.util.Locale.ROOT);
        for (String candidate : candidates) {
            int distance = distance(lower, candidate.toLowerCase(java.util.Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int allowed = Math.max(1, Math.min(3, best.length() / 3));
        boolean prefix = best.length() >= 3 && lower.length() >= 3
                && (best.startsWith(lower) || lower.startsWith(best.toLowerCase(java.util.Locale.ROOT)));
        return bestDistance <= allowed || prefix ? Optional.of(best) : Optional.empty();
    }

    /** ", did you mean X?" or the empty string. */
    public static String didYouMean(String input, Collection<String> candidates) {
        return closest(input, candidates).map(s -> ", did you mean " + s + "?").orElse("");
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
