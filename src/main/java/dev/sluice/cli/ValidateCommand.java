package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.config.Problem;
import dev.sluice.config.WorkspaceException;
import dev.sluice.error.Secrets;
import dev.sluice.error.SluiceException;
import dev.sluice.workspace.Catalog;
import dev.sluice.workspace.ObjectNames;
import dev.sluice.workspace.SchemaCheck;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice validate}: every problem of the workspace at once, each naming its key path. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks the workspace and reports every problem at once.",
                "Connects to each source to check models, segments and mappings against the real columns."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the workspace is valid", "1:a source could not be reached", "2:the workspace has problems"})
public final class ValidateCommand extends WorkspaceCommand implements Callable<Integer> {

    @Option(names = "--offline", description = "Check the files only; do not connect to the sources.")
    boolean offline;

    @Option(names = "--json", description = "Print the outcome as one JSON object on stdout: valid, problems (each with "
            + "its file, key path and message), errors of the sources, warnings; the exit code is the same.")
    boolean json;

    @Override
    public Integer call() {
        Workspace workspace;
        try {
            // Offline, a setting whose ${VAR} is unset is a warning: the run that needs it refuses.
            workspace = offline ? loadWorkspace() : WorkspaceLoader.withSystemEnv().load(root.config);
        } catch (WorkspaceException e) {
            return offline ? report(e.problems(), List.of()) : reportWithSources(e.problems());
        }
        List<SluiceException> keys = new java.util.ArrayList<>();
        for (var entry : workspace.destinations().entrySet()) {
            var destination = entry.getValue();
            if (workspace.unset().stream().anyMatch(u -> u.within("destinations." + entry.getKey()))) {
                continue; // its key is not known yet: warned about below
            }
            try {
                destination.checkLocally();
            } catch (SluiceException e) {
                keys.add(e);
            }
        }
        if (!keys.isEmpty()) {
            if (json) {
                print(outcome(false, List.of(), keys, List.of()));
            } else {
                report(List.of(), keys);
            }
            return keys.stream().anyMatch(k -> k.kind() == dev.sluice.error.ErrorKind.USER) ? 2 : 1;
        }
        if (!offline) {
            try (Catalog catalog = new Catalog(workspace, Clock.systemUTC())) {
                SchemaCheck.Result result = SchemaCheck.run(workspace, catalog);
                if (!result.ok()) {
                    return report(result.problems(), result.failures());
                }
            }
        }
        List<Problem> warnings = new java.util.ArrayList<>(ObjectNames.warnings(workspace.activations().values(),
                Clock.systemUTC().instant()));
        workspace.unset().forEach(u -> warnings.add(new Problem(u.file(), u.path(), "environment variable " + u.variable()
                + " is not set: commands that need this setting refuse until it is")));
        if (json) {
            ObjectNode outcome = outcome(true, List.of(), List.of(), warnings);
            ObjectNode counts = outcome.putObject("counts");
            counts.put("sources", workspace.sources().size());
            counts.put("models", workspace.models().size());
            counts.put("segments", workspace.segments().size());
            counts.put("destinations", workspace.destinations().size());
            counts.put("activations", workspace.activations().size());
            print(outcome);
            return 0;
        }
        for (Problem warning : warnings) {
            err().println(Terminal.yellow("warning: ") + Secrets.redact(warning.toString()));
        }
        out().println(Terminal.green("ok: ") + root.config + " is valid: " + summary(workspace)
                + (offline ? " (sources not checked: --offline)" : ""));
        return 0;
    }

    /**
     * A workspace with problems in its files: the checks that need the sources still run on the
     * entries that are valid (an unknown key column, an unknown attribute of a segment), so that one
     * run of validate reports every problem at once.
     */
    private int reportWithSources(List<Problem> fileProblems) {
        WorkspaceLoader.Partial partial = WorkspaceLoader.withSystemEnv().loadPartially(root.config);
        List<Problem> problems = new java.util.ArrayList<>(fileProblems);
        List<SluiceException> failures = new java.util.ArrayList<>();
        if (!partial.workspace().models().isEmpty()) {
            try (Catalog catalog = new Catalog(partial.workspace(), Clock.systemUTC())) {
                SchemaCheck.Result result = SchemaCheck.run(partial.workspace(), catalog);
                result.problems().stream().filter(p -> !problems.contains(p)).forEach(problems::add);
                failures.addAll(result.failures());
            }
        }
        return report(problems, failures);
    }

    private int report(List<Problem> problems, List<SluiceException> failures) {
        if (json) {
            print(outcome(false, problems, failures, List.of()));
            return problems.isEmpty() ? 1 : 2;
        }
        for (Problem problem : problems) {
            err().println(Terminal.red("error: ") + Secrets.redact(problem.toString()));
        }
        for (SluiceException failure : failures) {
            err().println(Terminal.red("error: ") + Secrets.redact(failure.getMessage()));
        }
        int count = problems.size() + failures.size();
        err().println(count + (count == 1 ? " problem" : " problems") + " in " + root.config);
        return problems.isEmpty() ? 1 : 2;
    }

    /** The JSON form of the outcome; every text passes the secret masking. */
    private ObjectNode outcome(boolean valid, List<Problem> problems, List<SluiceException> failures, List<Problem> warnings) {
        ObjectNode node = JsonText.MAPPER.createObjectNode();
        node.put("workspace", String.valueOf(root.config));
        node.put("valid", valid);
        node.put("sources_checked", !offline);
        ArrayNode list = node.putArray("problems");
        for (Problem problem : problems) {
            problem(list.addObject(), problem);
        }
        ArrayNode errors = node.putArray("errors");
        for (SluiceException failure : failures) {
            ObjectNode error = errors.addObject();
            error.put("kind", failure.kind().name().toLowerCase(java.util.Locale.ROOT));
            error.put("message", Secrets.redact(failure.getMessage()));
        }
        ArrayNode warned = node.putArray("warnings");
        for (Problem warning : warnings) {
            problem(warned.addObject(), warning);
        }
        return node;
    }

    private static void problem(ObjectNode node, Problem problem) {
        node.put("file", problem.file());
        node.put("path", problem.path());
        node.put("message", Secrets.redact(problem.message()));
    }

    private void print(ObjectNode outcome) {
        try {
            out().println(JsonText.MAPPER.writeValueAsString(outcome));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw SluiceException.internal("cannot write the outcome as JSON", e);
        }
        out().flush();
    }

    static String summary(Workspace workspace) {
        return count(workspace.sources().size(), "source") + ", " + count(workspace.models().size(), "model") + ", "
                + count(workspace.segments().size(), "segment") + ", " + count(workspace.destinations().size(), "destination")
                + ", " + count(workspace.activations().size(), "activation");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
