package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one naming rule: object names, parts, manifest, staging, and back from staging. */
class RunObjectsTest {
    @Test
    void namesAreFolderBaseSuffixPartAndExtension() {
        RunObjects plain = new RunObjects("exports/eu", "people_2030", ".csv.gz", false, true);
        assertThat(plain.objects(List.of("_added", "_removed"))).containsExactly("exports/eu/people_2030_added.csv.gz",
                "exports/eu/people_2030_removed.csv.gz", "exports/eu/people_2030.manifest.json");
        RunObjects split = new RunObjects("", "people", ".parquet", true, false);
        assertThat(split.objects(List.of(""))).containsExactly("people-00001.parquet");
        assertThat(split.startsWithBase("people-00002.parquet")).isTrue();
        assertThat(split.startsWithBase("other.parquet")).isFalse();
        assertThat(RunObjects.isManifest(plain.manifestObject())).isTrue();
        assertThat(RunObjects.isManifest(plain.firstObject(""))).isFalse();
    }

    @Test
    void aStagedNameLeadsBackToItsFinalName() {
        Random random = new Random(7);
        String[] folders = {"", "a", "a/b", "exports/.hidden", "x/y/z"};
        for (int i = 0; i < 200; i++) {
            String folder = folders[random.nextInt(folders.length)];
            String run = "20300101T060000Z-" + Integer.toHexString(random.nextInt(0xffff));
            RunObjects names = new RunObjects(folder, "f" + random.nextInt(1000), ".csv", random.nextBoolean(), true);
            List<String> objects = new java.util.ArrayList<>(names.objects(List.of("", "_added")));
            // A partition's objects keep their folders under the staging prefix: two partitions' files of one name stay apart.
            objects.add(names.inPartition("country=FR/day=2026-11-05", "f.csv"));
            objects.add(names.inPartition("country=DE/day=2026-11-05", "f.csv"));
            assertThat(objects.stream().map(o -> RunObjects.staged(folder, run, o)).distinct()).hasSameSizeAs(objects);
            for (String object : objects) {
                String staged = RunObjects.staged(folder, run, object);
                assertThat(staged).startsWith(RunObjects.stagingPrefix(folder, run)).startsWith(RunObjects.stagingRoot(folder));
                assertThat(RunObjects.finalName(RunObjects.stagingPrefix(folder, run), staged)).isEqualTo(object);
            }
        }
    }
}
