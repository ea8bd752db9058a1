package dev.sluice.format;

import java.util.List;

/** The files of one output, in part order, with the rows written and any warnings (e.g. replaced characters). */
public record WriteResult(List<WrittenFile> files, long rows, List<String> warnings) {
    public WriteResult {
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }
}
