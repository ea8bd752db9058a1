package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;
import dev.sluice.schedule.NextRun;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice list}: the workspace's activations, each with its last run and its next scheduled run. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the activations: what each sends where, its last run and when it runs next.")
public final class ListCommand extends WorkspaceCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Option(names = "--json", description = "Print the activations as a JSON array.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Workspace workspace = loadWorkspace();
        Instant now = Instant.now();
        Map<String, RunRecord> last = new LinkedHashMap<>();
        java.util.Set<String> paused = new java.util.HashSet<>();
        // Activations with after: what each waits for (none when its upstream activations have all succeeded since its last run).
        Map<String, String> waiting = new LinkedHashMap<>();
        try (RunStore store = new RunStore(StateOptions.stateDir(root, workspace))) {
            paused.addAll(new dev.sluice.history.Pauses(store.database()).all().keySet());
            workspace.activations().values().stream().filter(a -> !a.enabled()).forEach(a -> paused.add(a.name()));
            for (String name : workspace.activations().keySet()) {
                store.page(new RunStore.Filter(name, null, null), 1, 0).runs().stream().findFirst().ifPresent(r -> last.put(name, r));
            }
            for (Activation a : workspace.activations().values()) {
                String reason = dev.sluice.run.Upstreams.of(store, a).reason();
                if (reason != null) {
                    waiting.put(a.name(), reason);
                }
            }
        }
        if (json) {
            ArrayNode array = JsonText.MAPPER.createArrayNode();
            for (Activation a : workspace.activations().values()) {
                ObjectNode node = array.addObject();
                node.put("name", a.name());
                node.put(a.model() != null ? "model" : "segment", a.target());
                node.put("destination", a.destination());
                node.put("run_type", lower(a.runType()));
                node.put("sync_mode", lower(a.syncMode()));
                node.put("format", a.format().type());
                node.put("schedule", a.schedule() == null ? null : a.schedule().describe());
                node.put("paused", paused.contains(a.name()));
                node.put("next_run", a.schedule() == null || paused.contains(a.name()) ? null : NextRun.after(a.schedule(), now).toString());
                ArrayNode after = node.putArray("after");
                a.after().forEach(after::add);
                node.put("waiting", waiting.get(a.name()));
                RunRecord r = last.get(a.name());
                if (r == null) {
                    node.putNull("last_run");
                } else {
                    ObjectNode run = node.putObject("last_run");
                    run.put("id", r.id());
                    run.put("status", r.status().json());
                    run.put("started_at", r.startedAt().toString());
                    run.put("ended_at", r.endedAt() == null ? null : r.endedAt().toString());
                }
            }
            out().println(JsonText.MAPPER.writeValueAsString(array));
        } else if (workspace.activations().isEmpty()) {
            out().println("no activations in " + root.config);
        } else {
            // Each column as wide as its widest cell, so that long names and modes stay aligned.
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"activation", "model or segment", "destination", "mode", "last run", "last started", "next run"});
            for (Activation a : workspace.activations().values()) {
                RunRecord r = last.get(a.name());
                rows.add(new String[] {a.name(), a.target(), a.destination(), lower(a.runType()) + " × " + lower(a.syncMode()),
                        r == null ? "never" : r.status().json(), r == null ? "" : TIME.format(r.startedAt()),
                        paused.contains(a.name()) ? "paused" : nextRun(a, now, waiting.containsKey(a.name()))});
            }
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == 0 ? "" : "  ").append(row[i])
                            .append(" ".repeat(i == row.length - 1 ? 0 : widths[i] - row[i].codePointCount(0, row[i].length())));
                }
                out().println(line);
            }
        }
        if (!json) {
            waiting.forEach((name, reason) -> out().println(name + " " + reason));
        }
        out().flush();
        return 0;
    }

    /** The "next run" cell: its schedule's next time, after its upstream activations, or manual only. */
    private static String nextRun(Activation a, Instant now, boolean waits) {
        String after = a.after().isEmpty() ? "" : "after " + String.join(", ", a.after()) + (waits ? " (waiting)" : " (due)");
        if (a.schedule() == null) {
            return after.isEmpty() ? "manual only" : after;
        }
        return TIME.format(NextRun.after(a.schedule(), now)) + (after.isEmpty() ? "" : ", " + after);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
