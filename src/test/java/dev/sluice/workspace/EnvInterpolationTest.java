package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.Problem;
import dev.sluice.config.Problems;
import dev.sluice.error.Secrets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvInterpolationTest {
    private final Map<String, String> env = Map.of("HOST", "db.internal", "PGPASS", "s3cret-Pa55", "EMPTY", "");
    private final Problems problems = new Problems();
    private final EnvInterpolation interpolation = new EnvInterpolation(env::get, "sluice.yaml", problems);

    @Test
    void replacesReferencesAnywhereInAValue() {
        assertThat(interpolation.interpolate("${HOST}", "p", "host")).isEqualTo("db.internal");
        assertThat(interpolation.interpolate("jdbc:postgresql://${HOST}:5432/x", "p", "url"))
                .isEqualTo("jdbc:postgresql://db.internal:5432/x");
        assertThat(interpolation.interpolate("a${EMPTY}b", "p", "x")).isEqualTo("ab");
        assertThat(interpolation.interpolate("no refs, $HOST or {HOST}", "p", "x")).isEqualTo("no refs, $HOST or {HOST}");
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void doubleDollarWritesALiteralReference() {
        assertThat(interpolation.interpolate("$${HOST}", "p", "x")).isEqualTo("${HOST}");
    }

    @Test
    void missingVariablesAndBadReferencesAreProblemsNamingThePath() {
        interpolation.interpolate("${NOPE_NOT_SET}", "sources.pg.password", "password");
        interpolation.interpolate("${HOST", "sources.pg.host", "host");
        interpolation.interpolate("${1BAD}", "sources.pg.user", "user");
        assertThat(problems.list()).extracting(Problem::toString).containsExactly(
                "sluice.yaml: sources.pg.password: environment variable NOPE_NOT_SET is not set",
                "sluice.yaml: sources.pg.host: unclosed '${'; write ${NAME}, or $${ for a literal ${",
                "sluice.yaml: sources.pg.user: '${1BAD}' is not a valid environment variable reference; names are letters, digits and _");
    }

    @Test
    void everyValueFromTheEnvironmentIsRegisteredForRedaction() {
        interpolation.interpolate("${PGPASS}", "sources.pg.password", "password");
        assertThat(Secrets.redact("auth failed for s3cret-Pa55")).isEqualTo("auth failed for ****");
        // Whatever its key: a value from the environment may be a secret (issue 13).
        interpolation.interpolate("jdbc:postgresql://${HOST}:5432/x", "sources.pg.url", "url");
        assertThat(Secrets.redact("cannot reach db.internal")).isEqualTo("cannot reach ****");
        // A value typed in the file is not.
        interpolation.interpolate("plain-host.example", "sources.pg.host", "host");
        assertThat(Secrets.redact("plain-host.example")).isEqualTo("plain-host.example");
    }
}
