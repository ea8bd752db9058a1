package dev.sluice.sync;

/** How the rows of this run compare with the previous snapshot, by primary key over the exported attributes. */
public record Changes(long added, long updated, long removed, long unchanged) {
    public static Changes allAdded(long rows) {
        return new Changes(rows, 0, 0, 0);
    }
}
