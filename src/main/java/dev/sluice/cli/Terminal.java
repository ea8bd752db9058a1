package dev.sluice.cli;

/** Whether output goes to a terminal that shows colours (and NO_COLOR is not set). */
final class Terminal {
    private static final boolean COLOUR = System.console() != null && System.getenv("NO_COLOR") == null
            && !"dumb".equals(System.getenv("TERM"));

    private Terminal() {}

    static boolean interactive() {
        return System.console() != null;
    }

    static String red(String text) {
        return COLOUR ? "\u001b[31m" + text + "\u001b[0m" : text;
    }

    static String green(String text) {
        return COLOUR ? "\u001b[32m" + text + "\u001b[0m" : text;
    }

    static String yellow(String text) {
        return COLOUR ? "\u001b[33m" + text + "\u001b[0m" : text;
    }

    static String bold(String text) {
        return COLOUR ? "\u001b[1m" + text + "\u001b[0m" : text;
    }
}
