package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.bigquery.FakeBigQuery;
import dev.sluice.gcs.FakeGcs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/activations/validate} on a bigquery model shows what a run would bill, from a
 * dry run on {@link FakeBigQuery} over HTTP; nothing billed runs. On other sources it says nothing.
 */
class BigQueryBillingApiIT {
    @TempDir
    Path dir;
    private ServerFixture fx;
    private FakeGcs gcs;
    private FakeBigQuery bq;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
        if (bq != null) {
            bq.close();
            gcs.close();
        }
    }

    @Test
    void validateShowsTheDryRunsEstimate() {
        gcs = new FakeGcs(dir.resolve("gcs"));
        bq = new FakeBigQuery(dir.resolve("bq"), gcs);
        bq.execute("CREATE SCHEMA shop").execute("CREATE TABLE shop.t AS SELECT i AS id, 'name ' || i AS name FROM range(1, 11) r(i)");
        fx = new ServerFixture(dir);
        fx.write(ServerFixture.WORKSPACE.replace("sources:\n", "sources:\n  bq: {type: bigquery, project: test-project, endpoint: \""
                + bq.endpoint() + "\", max_attempts: 1, maximum_bytes_billed: 1MB}\n")
                .replace("models:\n", "models:\n  tbl: {source: bq, sql: \"SELECT id, name FROM `test-project.shop.t`\", primary_key: [id]}\n"));
        fx.start(false, null);
        long bytes = bq.bytesProcessed("SELECT id, name FROM `test-project.shop.t`", null);
        // 10 INT64 (8 bytes) and 10 strings of 2 + 6 or 7 bytes
        assertThat(bytes).isEqualTo(10 * 8 + 9 * (2 + 6) + (2 + 7));

        ServerFixture.Response ok = fx.post("/api/activations/validate", "{\"name\": \"x\", \"model\": \"tbl\", \"destination\": \"out\"}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("billing").path("estimatedBytes").asLong()).isEqualTo(bytes);
        assertThat(ok.json().path("billing").path("maximumBytesBilled").asLong()).isEqualTo(1_000_000);
        assertThat(ok.json().path("billing").path("statements").get(0).path("statement").asText()).isEqualTo("query of model tbl");
        assertThat(bq.jobs("dry_run")).isPositive(); // the schema check's and the estimate's
        assertThat(bq.jobs("export")).isZero();
        assertThat(bq.jobs("query")).isZero();

        bq.denyTable("shop.t");
        ServerFixture.Response denied = fx.post("/api/activations/validate", "{\"name\": \"x\", \"model\": \"tbl\", \"destination\": \"out\"}");
        // The schema check's dry run is refused first: the activation is not valid, and the answer names the permission.
        assertThat(denied.status()).isEqualTo(400);
        assertThat(denied.body()).contains("bigquery.tables.getData");

        ServerFixture.Response duck = fx.post("/api/activations/validate", "{\"name\": \"x\", \"model\": \"customers\", \"destination\": \"out\"}");
        assertThat(duck.status()).isEqualTo(200);
        assertThat(duck.json().has("billing")).isFalse();
    }
}
