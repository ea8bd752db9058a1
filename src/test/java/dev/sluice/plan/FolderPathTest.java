package dev.sluice.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FolderPathTest {
    @Test
    void dropsLeadingAndTrailingSlashes() {
        assertThat(FolderPath.normalise("/exports/vip/")).isEqualTo("exports/vip");
        assertThat(FolderPath.normalise("///a///")).isEqualTo("a");
        assertThat(FolderPath.normalise("/")).isEmpty();
        assertThat(FolderPath.normalise("")).isEmpty();
        assertThat(FolderPath.normalise(null)).isEmpty();
        assertThat(FolderPath.normalise("été/données")).isEqualTo("été/données");
    }

    @Test
    void rejectsEmptyDotAndDotDotSegments() {
        assertThatThrownBy(() -> FolderPath.normalise("a//b")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> FolderPath.normalise("a/./b")).hasMessageContaining("'.'");
        assertThatThrownBy(() -> FolderPath.normalise("../up")).hasMessageContaining("'..'");
    }

    @Test
    void rejectsLineBreaksAndOverlongPaths() {
        assertThatThrownBy(() -> FolderPath.normalise("a\rb")).hasMessageContaining("line break");
        assertThatThrownBy(() -> FolderPath.normalise("a\nb")).hasMessageContaining("line break");
        assertThat(FolderPath.normalise("x".repeat(1024))).hasSize(1024);
        assertThatThrownBy(() -> FolderPath.normalise("x".repeat(1025))).hasMessageContaining("1024 bytes");
        // 512 two-byte characters are 1024 bytes; one more is over.
        assertThat(FolderPath.normalise("é".repeat(512))).hasSize(512);
        assertThatThrownBy(() -> FolderPath.normalise("é".repeat(513))).hasMessageContaining("1024 bytes");
    }
}
