package dev.sluice.config;

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

    /**
     * Edit distance where an insertion, a deletion, a substitution or a swap of two adjacent
     * characters each count one (optimal string alignment): {@code paht} is one edit from
     * {@code path}, as typing mistakes usually are.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
