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
        String segment = "x".repeat(254);
        String path = String.join("/", segment, segment, segment, segment, "xxxx"); // 4 × 254 + 4 + 4 slashes
        assertThat(FolderPath.normalise(path)).hasSize(1024);
        assertThatThrownBy(() -> FolderPath.normalise(path + "x")).hasMessageContaining("1024 bytes");
        // A name is at most 255 bytes: 127 two-byte characters fit, 128 do not.
        assertThat(FolderPath.normalise("é".repeat(127))).hasSize(127);
        assertThatThrownBy(() -> FolderPath.normalise("é".repeat(128))).hasMessageContaining("256 bytes in UTF-8, over the 255");
    }
}
