package dev.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under src/test/resources/formats/golden/: the exact bytes each format and option
 * must write for the fixture. They are the contract, reviewed by eye against SPEC §2.
 *
 * <p><b>Regenerating:</b> {@code mvn test -Dtest='dev.sluice.format.*Test' -Dsluice.updateGoldens=true}
 * rewrites every golden from the current writers instead of comparing. Review the diff before
 * committing it: a changed golden is a changed contract.
 */
final class Goldens {
    static final boolean UPDATE = Boolean.getBoolean("sluice.updateGoldens");
    static final Path DIR = Path.of("src", "test", "resources", "formats", "golden");

    private Goldens() {}

    /** Checks {@code actual} against the golden file {@code name} (or rewrites the golden when updating). */
    static void check(String name, byte[] actual) throws IOException {
        Path golden = DIR.resolve(name);
        if (UPDATE) {
            Files.createDirectories(DIR);
            Files.write(golden, actual);
            return;
        }
        assertThat(golden).as("golden file %s is missing; generate it with -Dsluice.updateGoldens=true and review it", golden)
                .exists();
        byte[] expected = Files.readAllBytes(golden);
        // Text first, for a readable diff; then the bytes, which are what the contract is about.
        assertThat(new String(actual, StandardCharsets.UTF_8)).as("content of golden %s", name)
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(actual).as("bytes of golden %s", name).isEqualTo(expected);
    }

    /** Checks a text rendering (e.g. a Parquet file's content as read back) against a golden. */
    static void check(String name, String actual) throws IOException {
        check(name, actual.getBytes(StandardCharsets.UTF_8));
    }
}
