package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.destination.Destination;
import dev.sluice.history.FileRecord;
import dev.sluice.history.Verification;
import dev.sluice.history.VerificationStore;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How an expected object is compared with what the destination holds: by version when the run
 * recorded one (the same bytes written again differ), by size and CRC32C for records made before
 * versions were kept.
 */
class VerifierCompareTest {
    static VerificationStore.Expected expected(String version) {
        return new VerificationStore.Expected("r1", Instant.parse("2026-01-01T00:00:00Z"), new FileRecord("f/a.csv", "all", 2, 10, "AAAAAA==",
                version));
    }

    @Test
    void withAVersionOnlyTheVersionCounts() {
        assertThat(Verifier.compare("f/a.csv", expected("7"), Optional.of(new Destination.ObjectInfo("7", 10, "AAAAAA==")))).isNull();
        Verification.Finding again = Verifier.compare("f/a.csv", expected("7"), Optional.of(new Destination.ObjectInfo("8", 10, "AAAAAA==")));
        assertThat(again.kind()).as("the same bytes written again").isEqualTo(Verification.Finding.CHANGED);
        assertThat(again.detail()).contains("version 7, now 8");
        assertThat(again.found().version()).isEqualTo("8");
    }

    @Test
    void withoutAVersionSizeAndCrc32cCount() {
        assertThat(Verifier.compare("f/a.csv", expected(null), Optional.of(new Destination.ObjectInfo("99", 10, "AAAAAA==")))).isNull();
        assertThat(Verifier.compare("f/a.csv", expected(null), Optional.of(new Destination.ObjectInfo("99", 11, "AAAAAA=="))).kind())
                .isEqualTo(Verification.Finding.CHANGED);
        assertThat(Verifier.compare("f/a.csv", expected(null), Optional.of(new Destination.ObjectInfo("99", 10, "BBBBBB=="))).kind())
                .isEqualTo(Verification.Finding.CHANGED);
    }

    @Test
    void anAbsentObjectIsMissingWithItsRun() {
        Verification.Finding missing = Verifier.compare("f/a.csv", expected("7"), Optional.empty());
        assertThat(missing.kind()).isEqualTo(Verification.Finding.MISSING);
        assertThat(missing.run()).isEqualTo("r1");
        assertThat(missing.found()).isNull();
        assertThat(missing.expected().version()).isEqualTo("7");
    }
}
