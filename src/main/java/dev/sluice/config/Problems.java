package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found while reading a workspace, so that all can be reported at once. */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();

    public void add(String file, String path, String message) {
        Problem problem = new Problem(file, path, message);
        if (!list.contains(problem)) {
            list.add(problem);
        }
    }

    public void addAll(Problems other) {
        other.list.forEach(p -> add(p.file(), p.path(), p.message()));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public int size() {
        return list.size();
    }

    public List<Problem> list() {
        return List.copyOf(list);
    }

    /** Whether any problem concerns {@code path} or a key below it. */
    public boolean touches(String path) {
        return list.stream().anyMatch(p -> p.path().equals(path) || p.path().startsWith(path + "."));
    }
}
