package dev.sluice.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyncModeTest {
    @Test
    void theMatrixOfValidCombinations() {
        for (SyncMode mode : SyncMode.values()) {
            for (RunType type : RunType.values()) {
                boolean invalid = (mode == SyncMode.SNAPSHOT && type == RunType.FULL_THEN_DELTA)
                        || (mode == SyncMode.DIFFERENCE && type == RunType.FULL_ONLY);
                assertThat(mode.incompatibility(type) != null).as(mode + " x " + type).isEqualTo(invalid);
            }
        }
        assertThat(SyncMode.SNAPSHOT.incompatibility(RunType.FULL_THEN_DELTA)).contains("use run_type: full_only");
        assertThat(SyncMode.DIFFERENCE.incompatibility(RunType.FULL_ONLY)).contains("use run_type: full_then_delta");
    }

    @Test
    void defaultRunTypeIsAlwaysCompatible() {
        for (SyncMode mode : SyncMode.values()) {
            assertThat(mode.incompatibility(mode.defaultRunType())).isNull();
        }
    }
}
