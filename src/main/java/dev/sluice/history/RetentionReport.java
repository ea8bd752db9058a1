package dev.sluice.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What an activation's retention did after a run: the objects it deleted ({@code wouldDelete} in a
 * dry run instead), those it left because they are no longer what Sluice wrote ({@code changed}),
 * and those the bucket refused to delete (a retention policy or a hold: {@code refused}, tried
 * again after the next run).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RetentionReport(List<String> deleted, List<String> wouldDelete, List<String> changed, List<String> refused) {

    public RetentionReport {
        deleted = deleted == null ? List.of() : List.copyOf(deleted);
        wouldDelete = wouldDelete == null ? List.of() : List.copyOf(wouldDelete);
        changed = changed == null ? List.of() : List.copyOf(changed);
        refused = refused == null ? List.of() : List.copyOf(refused);
    }

    public static RetentionReport dryRun(List<String> wouldDelete) {
        return new RetentionReport(List.of(), wouldDelete, List.of(), List.of());
    }
}
