package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/runs?since=&until=} over real HTTP, on a history holding runs at known times: an
 * instant or a date on either side, combined with the activation and status filters, and a 400
 * naming the parameter for a value that is not a time or a range that ends before it starts.
 */
class RunsFilterIT {
    @TempDir
    Path dir;

    @Test
    void sinceAndUntilNarrowTheHistoryToARangeOfStartTimes() {
        try (ServerFixture fx = new ServerFixture(dir)) {
            fx.start(false, null);
            try (RunStore store = new RunStore(dir.resolve(".sluice"))) {
                store.insert(RunRecord.skipped("r1", "by_hand", "schedule", Instant.parse("2025-04-13T23:30:00Z"), "busy"));
                store.insert(RunRecord.skipped("r2", "by_hand", "schedule", Instant.parse("2025-04-14T06:00:00Z"), "busy"));
                store.insert(RunRecord.skipped("r3", "other", "schedule", Instant.parse("2025-04-14T23:59:59.500Z"), "busy"));
                store.insert(RunRecord.skipped("r4", "by_hand", "schedule", Instant.parse("2025-04-15T00:00:00Z"), "busy"));
            }
            assertThat(ids(fx, "")).containsExactly("r4", "r3", "r2", "r1");
            assertThat(ids(fx, "since=2025-04-14T06:00:00Z")).as("since is inclusive").containsExactly("r4", "r3", "r2");
            assertThat(ids(fx, "until=2025-04-14T06:00:00Z")).as("until is exclusive").containsExactly("r1");
            assertThat(ids(fx, "since=2025-04-14&until=2025-04-14")).as("one day, from its start through its end (UTC)")
                    .containsExactly("r3", "r2");
            assertThat(ids(fx, "since=2025-04-14T08:00:00%2B02:00")).as("an instant with an offset").containsExactly("r4", "r3", "r2");
            assertThat(ids(fx, "activation=by_hand&since=2025-04-14&until=2025-04-14")).containsExactly("r2");
            assertThat(ids(fx, "status=skipped&until=2025-04-14")).containsExactly("r3", "r2", "r1");
            assertThat(ids(fx, "status=failed&until=2025-04-14")).isEmpty();
            JsonNode page = fx.get("/api/runs?since=2025-04-14&limit=1&offset=1").json();
            assertThat(page.path("total").asLong()).as("the total counts the range").isEqualTo(3);
            assertThat(page.path("runs").get(0).path("id").asText()).isEqualTo("r3");
        }
    }

    @Test
    void aBadTimeOrAnEmptyRangeIsA400NamingTheParameter() {
        try (ServerFixture fx = new ServerFixture(dir)) {
            fx.start(false, null);
            for (String[] bad : new String[][] {{"since=yesterday", "since"}, {"until=2025-13-01", "until"},
                    {"since=2025-04-14T06:00", "since"}, {"since=2025-04-15&until=2025-04-14", "until"},
                    {"since=2025-04-14T06:00:00Z&until=2025-04-14T06:00:00Z", "until"}}) {
                ServerFixture.Response r = fx.get("/api/runs?" + bad[0]);
                assertThat(r.status()).as(bad[0]).isEqualTo(400);
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                assertThat(r.fields()).as(bad[0]).containsExactly(bad[1]);
                assertThat(r.json().path("errors").get(0).path("message").asText()).as(bad[0])
                        .contains(bad[0].substring(bad[0].lastIndexOf('=') + 1));
            }
        }
    }

    private static List<String> ids(ServerFixture fx, String query) {
        ServerFixture.Response r = fx.get("/api/runs?" + query);
        assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().path("runs").forEach(run -> ids.add(run.path("id").asText()));
        return ids;
    }
}
