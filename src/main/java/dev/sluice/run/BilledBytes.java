package dev.sluice.run;

import dev.sluice.history.Billing;
import dev.sluice.plan.Guards;
import dev.sluice.source.Model;
import dev.sluice.source.Source;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a run of an activation would have its source bill, estimated by the source's dry runs
 * before anything billed runs (BigQuery); null for a source that does not bill by bytes. Runs
 * record it and check {@code max_bytes_billed} against it; {@code --dry-run} and the API's
 * validate show it.
 */
public final class BilledBytes {
    private BilledBytes() {}

    /** The estimate for a run of {@code activation}; null when its source does not bill by bytes. */
    public static Billing estimate(Workspace workspace, Activation activation) {
        Model model = workspace.modelOf(activation.target());
        Source source = workspace.sourceOf(model);
        if (!source.billsBytes()) {
            return null;
        }
        return Billing.of(source.estimate(model).stream().map(s -> new Billing.Statement(s.statement(), s.bytes())).toList(),
                source.maximumBytesBilled());
    }

    /** One line: "dry runs estimate 1,234 bytes billed (query of model items: 1,234 bytes)". */
    public static String describe(Billing billing) {
        return String.format(Locale.ROOT, "dry runs estimate %,d bytes billed (%s)%s", billing.estimatedBytes(),
                billing.statements().stream().map(s -> String.format(Locale.ROOT, "%s: %,d bytes", s.statement(), s.bytes()))
                        .collect(Collectors.joining("; ")),
                billing.maximumBytesBilled() == null ? ""
                        : String.format(Locale.ROOT, "; each job is refused above %,d bytes (maximum_bytes_billed)", billing.maximumBytesBilled()));
    }

    /** The message of a run held by {@code max_bytes_billed}, before anything was read or billed. */
    static String heldMessage(String activation, Guards.Result guard) {
        return "held by a guard before reading: " + guard.describe() + "; nothing was read, billed or published and the previous "
                + "snapshot is kept. Check the model (select fewer columns, filter on a partition); to run it anyway, run `sluice run "
                + activation + " --accept-held`";
    }
}
