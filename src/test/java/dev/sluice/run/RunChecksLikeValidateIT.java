package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: what {@code validate} rejects, a run rejects before it exports a row. A source column
 * renamed after validation used to let a run publish XML that is not well-formed.
 */
class RunChecksLikeValidateIT {
    @TempDir
    Path dir;

    @Test
    void aColumnRenamedIntoAnInvalidXmlNameFailsTheRunBeforeAnythingIsPublished() {
        Fixture fx = new Fixture(dir);
        People.create(fx);
        fx.sql("CREATE VIEW scores AS SELECT id, score FROM people WHERE region = 'EU'");
        fx.workspace(People.WORKSPACE.replace("models:\n", """
                models:
                  scores:
                    source: warehouse
                    sql: SELECT * FROM scores
                    primary_key: [id]
                """) + """
                  xml_scores:
                    model: scores
                    destination: out
                    file_name: "{activation}_{run}"
                    format: xml
                    sync_mode: snapshot
                """);
        Fixture.Cli valid = fx.cli("validate");
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        fx.run("xml_scores");
        int objects = fx.objects().size();

        fx.sql("CREATE OR REPLACE VIEW scores AS SELECT id, score AS \"my score\" FROM people WHERE region = 'EU'");
        Fixture.Cli validate = fx.cli("validate");
        assertThat(validate.exitCode()).isEqualTo(2);
        Fixture.Cli run = fx.cli("run", "xml_scores");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("activations.xml_scores.format").contains("my score").doesNotContain("\tat ");
        // The same problem, in the same words, as validate gives.
        String problem = validate.err().lines().filter(l -> l.contains("my score")).findFirst().orElseThrow();
        assertThat(run.err()).contains(problem.substring(problem.indexOf("activations.")));
        assertThat(fx.objects()).hasSize(objects);
        assertThat(fx.runs("xml_scores").get(0).path("status").asText()).isEqualTo("failed");
    }

    /** Issue 13: a bad option value used to record a failed run (or put runs.db in the working folder). */
    @Test
    void badOptionValuesAreUserErrorsAndRecordNothing() {
        Fixture fx = new Fixture(dir);
        People.create(fx);
        fx.workspace(People.WORKSPACE + """
                  eu:
                    model: eu_people
                    destination: out
                    sync_mode: snapshot
                """);
        Fixture.Cli lots = fx.cli("run", "eu", "--memory-limit", "lots");
        assertThat(lots.exitCode()).isEqualTo(2);
        assertThat(lots.err()).contains("--memory-limit: must be a size such as 64MB").doesNotContain("\tat ");
        Fixture.Cli empty = fx.cli("run", "eu", "--state-dir", "");
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("--state-dir: must name a folder, got an empty value");
        Fixture.Cli check = fx.cli("check", "out", "--folder", "../..");
        assertThat(check.exitCode()).as(check.err()).isEqualTo(2);
        assertThat(check.err()).contains("--folder: must not contain '..' segments");
        Fixture.Cli serve = fx.cli("serve", "--state-dir", " ", "--port", "0");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(fx.runs("eu")).isEmpty();
        assertThat(fx.objects()).isEmpty();
        assertThat(java.nio.file.Files.exists(Path.of("runs.db"))).as("no history in the working folder").isFalse();
        assertThat(fx.run("eu", "--memory-limit", "256MiB").json().path("status").asText()).isEqualTo("succeeded");
    }
}
