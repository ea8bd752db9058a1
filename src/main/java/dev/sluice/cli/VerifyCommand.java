package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.destination.DestinationConfig;
import dev.sluice.error.SluiceException;
import dev.sluice.history.Verification;
import dev.sluice.run.Deliveries;
import dev.sluice.run.Outgoing;
import dev.sluice.run.Verifier;
import dev.sluice.run.VerifyNotifications;
import dev.sluice.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice verify [ACTIVATION]}: compares what is published now with the destination; changes nothing. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares what an activation has published with its destination; deletes and writes nothing.",
                "Reports objects missing, objects written again since they were published, and objects in the activation's "
                        + "folder that no run published. Every activation when none is given."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every object is as published", "1:something differs (or the destination could not be read)",
                "2:a setting is wrong or the activation is unknown"})
public final class VerifyCommand extends WorkspaceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ACTIVATION", arity = "0..1", description = "The activation to verify (default: every activation).")
    String activation;

    @Option(names = "--json", description = "Print the verifications as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Workspace workspace = loadWorkspace();
        List<String> names = activation != null ? List.of(activation) : List.copyOf(workspace.activations().keySet());
        names.forEach(workspace::activation); // an unknown name is a user error before anything is read
        Path stateDir = StateOptions.stateDir(root, workspace);
        Verifier verifier = new Verifier(workspace, stateDir, Clock.systemUTC(), DestinationConfig::open);
        List<Verification> done = new ArrayList<>();
        List<Outgoing> outgoing = new ArrayList<>();
        int worst = 0;
        ArrayNode errors = JsonText.MAPPER.createArrayNode();
        for (String name : names) {
            try {
                Verification verification = verifier.verify(name, "manual");
                done.add(verification);
                outgoing.addAll(VerifyNotifications.after(workspace, verification, null));
                if (!json) {
                    print(verification);
                }
                worst = Math.max(worst, verification.ok() ? 0 : 1);
            } catch (SluiceException e) {
                if (names.size() == 1) {
                    throw e;
                }
                // One activation that cannot be verified does not stop the others: said, and the exit code says it.
                errors.addObject().put("activation", name).put("error", dev.sluice.error.Secrets.redact(e.getMessage()));
                err().println(Terminal.red("error: ") + name + ": " + dev.sluice.error.Secrets.redact(e.getMessage()));
                err().flush();
                worst = worse(worst, e.kind().exitCode());
            }
        }
        deliver(stateDir, outgoing);
        if (json) {
            ObjectNode root = JsonText.MAPPER.createObjectNode();
            root.put("ok", worst == 0);
            root.set("verifications", JsonText.MAPPER.valueToTree(done));
            if (!errors.isEmpty()) {
                root.set("errors", errors);
            }
            out().println(JsonText.MAPPER.writeValueAsString(root));
        }
        out().flush();
        return worst;
    }

    /** The worse of two exit codes: invalid input (2), then a difference or failure (1), then 0. */
    private static int worse(int a, int b) {
        return Math.max(a, b);
    }

    private void print(Verification v) {
        String where = v.destination() + (v.folder().isEmpty() ? "" : ", " + v.folder() + "/");
        if (v.ok()) {
            out().printf(Locale.ROOT, "%s%s (%s): %d %s as published%n", Terminal.green("ok: "), v.activation(), where, v.checked(),
                    v.checked() == 1 ? "object" : "objects");
        } else {
            out().printf(Locale.ROOT, "%s%s (%s): %d %s (%d missing, %d changed, %d unpublished) among %d %s published%n",
                    Terminal.red("differs: "), v.activation(), where, v.findings().size(),
                    v.findings().size() == 1 ? "difference" : "differences", v.count(Verification.Finding.MISSING),
                    v.count(Verification.Finding.CHANGED), v.count(Verification.Finding.UNPUBLISHED), v.checked(),
                    v.checked() == 1 ? "object" : "objects");
            for (Verification.Finding f : v.findings()) {
                out().printf(Locale.ROOT, "  %-11s %s: %s%n", f.kind(), f.object(), f.detail());
            }
        }
        out().flush();
    }

    /** Sends the notifications of the verifications that found something, waiting for each up to its timeout. */
    private void deliver(Path stateDir, List<Outgoing> outgoing) {
        if (outgoing.isEmpty()) {
            return;
        }
        Deliveries deliveries = new Deliveries(stateDir, Clock.systemUTC(), line -> {
            err().println(line);
            err().flush();
        });
        deliveries.submit(outgoing);
        Duration wait = deliveries.longestWait();
        deliveries.stop(wait.plus(Deliveries.SLACK), "not delivered: sluice verify stopped waiting for it");
    }
}
