package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.server.OverviewApi.Health;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The overview's verdict per activation, and the order it lists them in (failing first). */
class OverviewHealthTest {
    @Test
    void eachVerdictFollowsTheHistorysNumbers() {
        assertThat(OverviewApi.health(false, 2, 0, true)).isEqualTo(Health.FAILING);
        assertThat(OverviewApi.health(false, 1, 3, true)).as("failed after being held").isEqualTo(Health.FAILING);
        assertThat(OverviewApi.health(false, 0, 1, true)).isEqualTo(Health.HELD);
        assertThat(OverviewApi.health(false, 0, 0, true)).isEqualTo(Health.HEALTHY);
        assertThat(OverviewApi.health(false, 0, 0, false)).isEqualTo(Health.NEVER_RUN);
        assertThat(OverviewApi.health(true, 4, 0, true)).as("paused, whatever its runs").isEqualTo(Health.PAUSED);
        assertThat(OverviewApi.health(true, 0, 0, false)).isEqualTo(Health.PAUSED);
    }

    @Test
    void failingComesFirstAndPausedLast() {
        assertThat(Arrays.stream(Health.values()).map(Health::json))
                .containsExactly("failing", "held", "never_run", "healthy", "paused");
    }
}
