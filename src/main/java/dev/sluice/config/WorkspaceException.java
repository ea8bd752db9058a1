package dev.sluice.config;

import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import java.util.List;
import java.util.stream.Collectors;

/** A workspace that cannot be used, with every problem found in it. A user error. */
public final class WorkspaceException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public WorkspaceException(List<Problem> problems) {
        super(ErrorKind.USER, describe(problems), null);
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        String header = problems.size() == 1
                ? "the workspace has 1 problem:"
                : "the workspace has " + problems.size() + " problems:";
        return header + problems.stream().map(p -> "\n  " + p).collect(Collectors.joining());
    }
}
