package dev.sluice.workspace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chains the activations' {@code after} settings make: which activations one runs after
 * (upstream), which run after it (downstream), an activation with its dependents in the order they
 * run, and the cycles a workspace must not have. Activations keep the workspace's order wherever
 * the chain leaves a choice.
 */
public final class Chains {
    /** Per activation, in workspace order: the activations it runs after. */
    private final Map<String, List<String>> upstream;

    public Chains(Map<String, List<String>> upstream) {
        this.upstream = new LinkedHashMap<>(upstream);
    }

    /** The chains of {@code workspace}'s activations. */
    public static Chains of(Workspace workspace) {
        Map<String, List<String>> upstream = new LinkedHashMap<>();
        workspace.activations().forEach((name, activation) -> upstream.put(name, activation.after()));
        return new Chains(upstream);
    }

    /** The activations {@code name} runs after, as its {@code after} lists them. */
    public List<String> upstream(String name) {
        return upstream.getOrDefault(name, List.of());
    }

    /** The activations that run after {@code name}, in workspace order. */
    public List<String> downstream(String name) {
        List<String> result = new ArrayList<>();
        upstream.forEach((other, after) -> {
            if (after.contains(name)) {
                result.add(other);
            }
        });
        return result;
    }

    /**
     * {@code name} and every activation that runs after it, directly or through others, each after
     * all of its upstream activations among them (workspace order where the chain leaves a choice).
     */
    public List<String> withDependents(String name) {
        Set<String> members = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String next = todo.removeFirst();
            if (members.add(next)) {
                todo.addAll(downstream(next));
            }
        }
        List<String> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        ordered.add(name);
        placed.add(name);
        boolean progress = true;
        while (progress && placed.size() < members.size()) {
            progress = false;
            for (String candidate : upstream.keySet()) {
                if (members.contains(candidate) && !placed.contains(candidate)
                        && upstream(candidate).stream().filter(members::contains).allMatch(placed::contains)) {
                    ordered.add(candidate);
                    placed.add(candidate);
                    progress = true;
                    break;
                }
            }
        }
        return ordered;
    }

    /**
     * The cycles among {@code upstream} (activation → the activations it runs after; names it does
     * not hold are ignored), each once, as the path that closes it: {@code [a, b, c, a]} when a runs
     * after b, b after c and c after a. Each cycle starts at its member first in {@code upstream}'s order.
     */
    public static List<List<String>> cycles(Map<String, List<String>> upstream) {
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (String start : upstream.keySet()) {
            walk(start, upstream, new ArrayList<>(), done, cycles);
        }
        return cycles;
    }

    private static void walk(String name, Map<String, List<String>> upstream, List<String> path, Set<String> done,
            List<List<String>> cycles) {
        int at = path.indexOf(name);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            // The same cycle reached from another member: start it at its member first in workspace order.
            String first = upstream.keySet().stream().filter(cycle::contains).findFirst().orElse(name);
            int shift = cycle.indexOf(first);
            List<String> rotated = new ArrayList<>(cycle.subList(shift, cycle.size()));
            rotated.addAll(cycle.subList(0, shift));
            rotated.add(first);
            if (!cycles.contains(rotated)) {
                cycles.add(rotated);
            }
            return;
        }
        if (done.contains(name) || !upstream.containsKey(name)) {
            return;
        }
        path.add(name);
        for (String next : upstream.get(name)) {
            walk(next, upstream, path, done, cycles);
        }
        path.remove(path.size() - 1);
        done.add(name);
    }
}
