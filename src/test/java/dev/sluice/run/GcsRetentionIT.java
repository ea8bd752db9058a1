package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gcs.FakeGcs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link RetentionIT} against a {@code gcs} destination on {@link FakeGcs}, through the
 * official client over HTTP, the bucket read back through a client of the test's own (and rclone
 * when installed); plus what only a bucket does: deletes carry the generation they checked, and a
 * retention policy can refuse them.
 */
class GcsRetentionIT extends RetentionIT {
    static final String BUCKET = "retention-bucket";

    GcsBucket bucket;
    FakeGcs fake;
    GcsView view;

    @Override
    Fixture fixture() {
        bucket = GcsBucket.start(dir, BUCKET);
        fake = bucket.fake;
        view = bucket.view;
        return bucket.fixture(dir);
    }

    @Override
    String workspaceHeader() {
        return bucket.workspaceHeader(2, "");
    }

    @Override
    void putForeign(String name, String content) {
        fake.putObject(BUCKET, name, content.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    @AfterEach
    void sameListingThroughRcloneAndStop() throws Exception {
        try {
            if (Rclone.installed()) {
                assertThat(new Rclone(fake, BUCKET, dir).list()).isEqualTo(view.objects());
            }
        } finally {
            bucket.close();
        }
    }

    @Test
    void deletesCarryTheGenerationTheyChecked() throws Exception {
        workspace("people_{x}", "{keep_runs: 1}");
        fx.run("daily");
        Thread.sleep(5);
        fx.run("daily");
        List<String> deletes = fake.requests().stream().filter(r -> r.startsWith("DELETE ") && !r.contains(".sluice-staging")).toList();
        assertThat(deletes).hasSize(2).allSatisfy(r -> assertThat(r).contains("ifGenerationMatch="));
    }

    @Test
    void theGenerationRecordedAtPublishIsTheOneDeletedWithoutReadingTheObject() throws Exception {
        workspace("people_{x}", "{keep_runs: 1}");
        JsonNode first = fx.run("daily").json();
        java.util.Map<String, String> paths = new java.util.TreeMap<>();
        for (JsonNode file : first.path("files")) {
            String name = file.path("object").asText();
            assertThat(file.path("version").asText()).as("generation of %s", name)
                    .isEqualTo(Long.toString(fake.objects(BUCKET).get(name).generation()));
            paths.put(name, "/storage/v1/b/" + BUCKET + "/o/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
        }
        int before = fake.requests().size();
        Thread.sleep(5);
        JsonNode second = fx.run("daily").json();
        assertThat(list(second, "deleted")).containsExactlyInAnyOrderElementsOf(objects(first));
        List<String> requests = fake.requests().subList(before, fake.requests().size());
        for (JsonNode file : first.path("files")) {
            String path = paths.get(file.path("object").asText());
            assertThat(requests.stream().filter(r -> r.startsWith("DELETE " + path + "?") || r.equals("DELETE " + path)))
                    .singleElement().asString().contains("ifGenerationMatch=" + file.path("version").asText());
            assertThat(requests).noneMatch(r -> r.startsWith("GET " + path));
        }
    }

    @Test
    void aRetentionPolicyRefusalIsAWarningAndTriedAgain() throws Exception {
        workspace("people_{x}", "{keep_runs: 1}");
        JsonNode first = fx.run("daily").json();
        String csv = objects(first).stream().filter(n -> n.endsWith(".csv")).findFirst().orElseThrow();
        fake.retentionPolicy(csv::equals);
        Thread.sleep(5);
        JsonNode second = fx.run("daily").json();
        assertThat(second.path("status").asText()).isEqualTo("succeeded");
        assertThat(list(second, "refused")).containsExactly(csv);
        assertThat(list(second, "deleted")).hasSize(1).allSatisfy(n -> assertThat(n).endsWith(".manifest.json"));
        assertThat(second.path("warnings").toString()).contains("refused").contains(csv);
        assertThat(fx.objects()).containsKey(csv);
        fake.retentionPolicy(name -> false);
        Thread.sleep(5);
        JsonNode third = fx.run("daily").json();
        Set<String> deleted = new TreeSet<>(list(third, "deleted"));
        List<String> expected = new ArrayList<>(objects(second));
        expected.add(csv);
        assertThat(deleted).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(fx.objects().keySet()).containsExactlyInAnyOrderElementsOf(objects(third));
    }
}
