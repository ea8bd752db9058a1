package dev.sluice.plan;

/** What an output holds, and the suffix its file names carry. */
public enum OutputKind {
    ALL(""), ADDED("_added"), UPDATED("_updated"), REMOVED("_removed"), ADDED_AND_UPDATED("");

    private final String suffix;

    OutputKind(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }
}
