package dev.sluice.cli;

import dev.sluice.history.NotificationLog;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.JsonText;
import dev.sluice.error.SluiceException;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;
import dev.sluice.run.RunJson;
import dev.sluice.notify.Delivery;
import java.util.Map;
import dev.sluice.workspace.Workspace;
import dev.sluice.config.DurationText;
import dev.sluice.history.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice runs}: the run history, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists past runs, newest first.")
public final class RunsCommand extends WorkspaceCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Parameters(paramLabel = "ACTIVATION", arity = "0..1", description = "Only this activation's runs.")
    String activation;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the run records as a JSON array.")
    boolean json;

    @Option(names = "--status", paramLabel = "STATUS",
            description = "Only runs with this status: running, succeeded, failed, skipped or held.")
    String status;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only runs started since then: a time (2025-04-14T06:00:00Z), a date (2025-04-14, UTC) or a "
                    + "duration back from now (24h, 7d).")
    String since;

    @Override
    public Integer call() throws JsonProcessingException {
        if (limit < 1) {
            throw SluiceException.user("--limit: must be at least 1, got " + limit);
        }
        RunStatus wanted = status(status);
        Instant from = since(since, Instant.now());
        Workspace workspace = loadWorkspace();
        if (activation != null) {
            workspace.activation(activation);
        }
        List<RunRecord> runs;
        Map<String, List<Delivery>> notifications;
        com.fasterxml.jackson.databind.node.ArrayNode array;
        try (RunStore store = new RunStore(StateOptions.stateDir(root, workspace))) {
            runs = store.page(new RunStore.Filter(activation, wanted, null, from), limit, 0).runs();
            notifications = new NotificationLog(store.database()).notifications(runs.stream().map(RunRecord::id).toList());
            array = RunJson.of(runs, store);
        }
        if (json) {
            out().println(JsonText.MAPPER.writeValueAsString(array));
        } else if (runs.isEmpty()) {
            out().println((wanted == null && from == null ? "no runs yet" : "no runs match") + (activation == null ? "" : " of " + activation));
        } else {
            out().printf("%-22s %-22s %-9s %-5s %-20s %8s %10s %10s %10s %10s%n", "run", "activation", "status", "kind",
                    "started", "seconds", "read", "added", "updated", "removed");
            for (RunRecord r : runs) {
                String seconds = r.endedAt() == null ? "" : String.format(Locale.ROOT, "%.1f",
                        Duration.between(r.startedAt(), r.endedAt()).toMillis() / 1000.0);
                out().printf(Locale.ROOT, "%-22s %-22s %-9s %-5s %-20s %8s %,10d %,10d %,10d %,10d%n", r.id(), r.activation(),
                        r.status().json(), r.kind() == null ? "" : r.kind(), TIME.format(r.startedAt()), seconds,
                        r.counts().read(), r.counts().added(), r.counts().updated(), r.counts().removed());
                if (r.error() != null) {
                    out().println("    error: " + r.error());
                }
                if (r.billing() != null) {
                    out().println("    billed: " + dev.sluice.run.BilledBytes.describe(r.billing()));
                }
                for (Delivery d : notifications.getOrDefault(r.id(), List.of())) {
                    out().println("    notification " + d.name() + " (" + d.type() + ", " + d.event() + "): " + d.status()
                            + (d.error() == null ? "" : ": " + d.error()));
                }
            }
        }
        out().flush();
        return 0;
    }

    /** The status asked for by {@code --status}, or null. */
    static RunStatus status(String text) {
        if (text == null) {
            return null;
        }
        for (RunStatus candidate : stored()) {
            if (candidate.json().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return candidate;
            }
        }
        throw SluiceException.user("--status: must be one of " + stored().stream().map(RunStatus::json)
                .collect(java.util.stream.Collectors.joining(", ")) + ", got '" + text + "'");
    }

    /** The statuses a run in the history can have (dry runs are never recorded). */
    private static List<RunStatus> stored() {
        return java.util.Arrays.stream(RunStatus.values()).filter(s -> s != RunStatus.DRY_RUN).toList();
    }

    /** The instant asked for by {@code --since}, or null: a time, a date (midnight UTC) or a duration before {@code now}. */
    static Instant since(String text, Instant now) {
        if (text == null) {
            return null;
        }
        String value = text.strip();
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            // a date or a duration
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notOffset) {
            // a date or a duration
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notDate) {
            // a duration
        }
        try {
            return now.minus(DurationText.parse(value));
        } catch (IllegalArgumentException notDuration) {
            throw SluiceException.user("--since: must be a time (2025-04-14T06:00:00Z), a date (2025-04-14) or a duration back "
                    + "from now (24h, 7d), got '" + text + "'");
        }
    }
}
