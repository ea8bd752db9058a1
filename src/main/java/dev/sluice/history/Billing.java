package dev.sluice.history;

import java.util.List;

/**
 * What a run's source would bill it, as dry runs estimated before anything was read (BigQuery):
 * each billed statement with its bytes, their sum, and the source's {@code maximum_bytes_billed}
 * (null when it has none). Recorded on the run; null on a source that does not bill by bytes.
 */
public record Billing(List<Statement> statements, long estimatedBytes, Long maximumBytesBilled) {
    public Billing {
        statements = statements == null ? List.of() : List.copyOf(statements);
    }

    /** One billed statement, e.g. "query of model customers", and the bytes its dry run reported. */
    public record Statement(String statement, long bytes) {}

    public static Billing of(List<Statement> statements, Long maximumBytesBilled) {
        return new Billing(statements, statements.stream().mapToLong(Statement::bytes).sum(), maximumBytesBilled);
    }
}
