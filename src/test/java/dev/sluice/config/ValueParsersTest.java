package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueParsersTest {
    @Test
    void byteSizesInDecimalAndBinaryUnits() {
        assertThat(ByteSize.parse("64MB")).isEqualTo(64_000_000L);
        assertThat(ByteSize.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("512kib")).isEqualTo(512L * 1024);
        assertThat(ByteSize.parse("1.5 GB")).isEqualTo(1_500_000_000L);
        assertThat(ByteSize.parse("1000")).isEqualTo(1000L);
        assertThat(ByteSize.parse("10B")).isEqualTo(10L);
        assertThatThrownBy(() -> ByteSize.parse("64 potatoes")).hasMessageContaining("must be a size such as 64MB");
        assertThatThrownBy(() -> ByteSize.parse("0MB")).hasMessageContaining("larger than zero");
        assertThatThrownBy(() -> ByteSize.parse("-1MB")).hasMessageContaining("must be a size");
        assertThatThrownBy(() -> ByteSize.parse("99999999999TiB")).hasMessageContaining("too large");
    }

    @Test
    void durations() {
        assertThat(DurationText.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(DurationText.parse("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(DurationText.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(DurationText.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThatThrownBy(() -> DurationText.parse("0m")).hasMessageContaining("longer than zero");
        assertThatThrownBy(() -> DurationText.parse("1 month")).hasMessageContaining("s, m, h, d or w");
        assertThatThrownBy(() -> DurationText.parse("1.5h")).hasMessageContaining("whole number");
    }

    @Test
    void suggestionsFindCloseNamesOnly() {
        List<String> keys = List.of("sync_mode", "run_type", "destination", "folder");
        assertThat(Suggestions.closest("sync_mod", keys)).contains("sync_mode");
        assertThat(Suggestions.closest("destiantion", keys)).contains("destination");
        assertThat(Suggestions.closest("Folder", keys)).contains("folder");
        assertThat(Suggestions.closest("zzz", keys)).isEmpty();
        assertThat(Suggestions.didYouMean("runtype", keys)).isEqualTo(", did you mean run_type?");
    }
}
