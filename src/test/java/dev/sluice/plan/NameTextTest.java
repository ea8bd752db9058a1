package dev.sluice.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.destination.Destination;
import org.junit.jupiter.api.Test;

class NameTextTest {
    @Test
    void theReservedStagingNameIsTheOneDestinationsUse() {
        assertThat(NameText.STAGING).isEqualTo(Destination.STAGING);
    }

    @Test
    void namesAreValidUnicodeWithoutControlCharactersAndFitAFileSystem() {
        assertThat(NameText.whyInvalidSegment("exports ✓ 😀")).isNull();
        assertThat(NameText.whyInvalidSegment("a\u0000b")).contains("NUL");
        assertThat(NameText.whyInvalidSegment("a\tb")).contains("control characters").contains("U+0009");
        assertThat(NameText.whyInvalidSegment("a\uD800")).contains("unpaired surrogate at position 2");
        assertThat(NameText.whyInvalidSegment("\uDC00a")).contains("unpaired surrogate at position 1");
        assertThat(NameText.whyInvalidSegment("é".repeat(128))).contains("256 bytes");
        assertThat(NameText.whyInvalidSegment("é".repeat(127))).isNull();
        assertThat(NameText.whyInvalidSegment(".sluice-upload-1.tmp")).contains("Sluice's own");
        assertThatThrownBy(() -> FolderPath.normalise("a/.sluice-staging/b")).hasMessageContaining("'.sluice-staging'");
        assertThatThrownBy(() -> FileNameTemplate.parse(".sluice-staging")).hasMessageContaining("Sluice's own");
        assertThatThrownBy(() -> FileNameTemplate.parse("x\u0000")).hasMessageContaining("NUL");
    }
}
