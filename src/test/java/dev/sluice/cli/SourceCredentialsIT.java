package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.postgres.PasswordPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL that demands passwords (scram-sha-256) for the role {@code alice}: wrong
 * passwords and unreachable servers give one clear line with the exit code of their kind, and the
 * password, wherever it was written (password:, the URL's parameters, the URL's user info), never
 * appears in what validate, preview or run print, with or without --debug.
 */
class SourceCredentialsIT {
    /** Short secrets are not registered by value; URL masking must still hide them. */
    private static final String SHORT = "q7z";
    private static final String RIGHT = "Right-Pa55word-4402";

    /**
     * A wrong password, long and unusual so that any leak is found by a plain search, and different
     * in every test: secrets once read stay registered for the whole process, so a shared value
     * would be masked in later tests by an earlier test's registration instead of by the code under test.
     */
    private static String wrong(String tag) {
        return "Wr0ng-" + tag + "-Pa55word-7731";
    }

    private static PasswordPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = PasswordPostgres.start(RIGHT, "CREATE TABLE people (id int, name text)",
                "INSERT INTO people VALUES (1, 'Ann'), (2, 'Bob')", "GRANT SELECT ON people TO alice");
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private Path workspace(String source) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                sources:
                  pg: %s
                models:
                  people: {source: pg, sql: "SELECT * FROM people", primary_key: [id]}
                destinations:
                  out: {type: local, path: out}
                activations:
                  everyone: {model: people, destination: out, file_name: people, format: csv}
                """.formatted(source));
        return file;
    }

    /** validate, preview and run, each with and without --debug. */
    private List<CliRun> everyCommand(Path file) {
        String c = file.toString();
        String state = dir.resolve("state").toString();
        List<CliRun> runs = new ArrayList<>();
        for (boolean debug : new boolean[] {false, true}) {
            List<String> d = debug ? List.of("--debug") : List.of();
            runs.add(CliRun.of(concat(List.of("validate", "-c", c), d)));
            runs.add(CliRun.of(concat(List.of("preview", "people", "-c", c), d)));
            runs.add(CliRun.of(concat(List.of("run", "everyone", "-c", c, "--state-dir", state), d)));
            runs.add(CliRun.of(concat(List.of("run", "everyone", "--json", "-c", c, "--state-dir", state), d)));
            runs.add(CliRun.of(concat(List.of("runs", "everyone", "--json", "-c", c, "--state-dir", state), d)));
        }
        return runs;
    }

    private static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }

    private static void assertNoLeak(List<CliRun> runs, String secret) {
        for (CliRun run : runs) {
            assertThat(run.out()).doesNotContain(secret);
            assertThat(run.err()).doesNotContain(secret);
        }
    }

    private static void assertOneClearLine(CliRun run, int exitCode, String expected) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        String first = run.err().lines().findFirst().orElse("");
        assertThat(first).startsWith("error: ").contains(expected);
        assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aWrongPasswordSettingIsOneLineExitTwoAndNeverPrinted() throws Exception {
        String wrong = wrong("aWrongPasswo");
        Path file = workspace("{type: postgres, host: localhost, port: %d, database: postgres, user: alice, password: \"%s\"}"
                .formatted(postgres.port(), wrong));
        List<CliRun> runs = everyCommand(file);
        assertNoLeak(runs, wrong);
        CliRun preview = runs.get(1);
        assertOneClearLine(preview, 2, "sources.pg: cannot connect to PostgreSQL at postgresql://localhost:" + postgres.port()
                + "/postgres as alice");
        assertThat(preview.err()).contains("password authentication failed").contains("check the user and password settings");
        assertThat(runs.get(0).exitCode()).isEqualTo(2);
        assertThat(runs.get(0).err()).contains("sources.pg: cannot connect");
        CliRun debugPreview = runs.get(6);
        assertThat(debugPreview.exitCode()).isEqualTo(2);
        assertThat(debugPreview.err()).contains("\tat ");
    }

    @Test
    void aPasswordInTheUrlParametersIsMasked() throws Exception {
        String wrong = wrong("aPasswordInT");
        Path file = workspace("{type: postgres, url: \"jdbc:postgresql://localhost:%d/postgres?user=alice&password=%s\"}"
                .formatted(postgres.port(), wrong));
        List<CliRun> runs = everyCommand(file);
        assertNoLeak(runs, wrong);
        assertOneClearLine(runs.get(1), 2, "postgres?user=alice&password=****");
    }

    @Test
    void aShortPasswordInTheUrlIsMaskedToo() throws Exception {
        Path file = workspace("{type: postgres, url: \"jdbc:postgresql://localhost:%d/postgres?password=%s&user=alice\"}"
                .formatted(postgres.port(), SHORT));
        List<CliRun> runs = everyCommand(file);
        for (CliRun run : runs) {
            assertThat(run.err()).doesNotContain("password=" + SHORT);
        }
        assertOneClearLine(runs.get(1), 2, "password=****&user=alice");
    }

    @Test
    void aJdbcSourceWithTheWrongPasswordIsMasked() throws Exception {
        String wrong = wrong("aJdbcSourceW");
        Path file = workspace("{type: jdbc, url: \"jdbc:postgresql://localhost:%d/postgres?user=alice\", password: \"%s\"}"
                .formatted(postgres.port(), wrong));
        List<CliRun> runs = everyCommand(file);
        assertNoLeak(runs, wrong);
        assertOneClearLine(runs.get(1), 2, "sources.pg: cannot connect to jdbc:postgresql://localhost:" + postgres.port());
    }

    @Test
    void anUnreachableServerIsAnExternalFailureExitOneWithoutThePassword() throws Exception {
        String wrong = wrong("anUnreachabl");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path file = workspace("{type: postgres, url: \"jdbc:postgresql://localhost:%d/postgres?user=alice&password=%s\"}"
                .formatted(closedPort, wrong));
        List<CliRun> runs = everyCommand(file);
        assertNoLeak(runs, wrong);
        // Not reached is said as such, with the network's own cause: no verdict on the password.
        assertOneClearLine(runs.get(1), 1, "sources.pg: cannot reach PostgreSQL at postgresql://localhost:" + closedPort);
        assertThat(runs.get(1).err()).contains("check that the server is running and reachable").contains("the connection was refused");
        assertThat(runs.get(0).exitCode()).isEqualTo(1);
        assertThat(runs.get(2).exitCode()).isEqualTo(1);

        Path unknown = workspace("{type: postgres, host: no-such-host.invalid, database: postgres, user: alice, password: \"%s\"}"
                .formatted(wrong));
        CliRun preview = CliRun.of("preview", "people", "-c", unknown.toString());
        assertOneClearLine(preview, 1, "sources.pg: cannot reach PostgreSQL at postgresql://no-such-host.invalid:5432/postgres");
        assertThat(preview.err()).contains("the host name does not resolve").doesNotContain(wrong);
    }

    @Test
    void aLibpqStyleUrlWithAWrongPasswordIsOneLineAndNeverPrinted() throws Exception {
        String wrong = wrong("aLibpqStyleU");
        Path file = workspace("{type: postgres, url: \"postgres://alice:%s@localhost:%d/postgres\"}"
                .formatted(wrong, postgres.port()));
        List<CliRun> runs = everyCommand(file);
        assertNoLeak(runs, wrong);
        assertOneClearLine(runs.get(0), 2, "sources.pg: cannot connect to PostgreSQL at postgresql://localhost:" + postgres.port());
        assertThat(runs.get(0).err()).contains("check the user and password settings");
    }

    @Test
    void aLibpqStyleUrlWithTheRightPasswordRuns() throws Exception {
        Path file = workspace("{type: postgres, url: \"postgresql://alice:%s@localhost:%d/postgres?application_name=sluice-test\"}"
                .formatted(RIGHT, postgres.port()));
        List<CliRun> runs = everyCommand(file);
        assertNoLeak(runs, RIGHT);
        assertThat(runs.get(2).exitCode()).as(runs.get(2).err()).isZero();
        assertThat(dir.resolve("out/people.csv")).content().contains("Ann").contains("Bob");
    }

    @Test
    void theRightPasswordWorksAndIsNotPrintedEither() throws Exception {
        Path file = workspace("{type: postgres, host: localhost, port: %d, database: postgres, user: alice, password: \"%s\"}"
                .formatted(postgres.port(), RIGHT));
        List<CliRun> runs = everyCommand(file);
        assertNoLeak(runs, RIGHT);
        assertThat(runs.get(0).exitCode()).as(runs.get(0).err()).isZero();
        assertThat(runs.get(1).exitCode()).isZero();
        assertThat(runs.get(1).out()).contains("model people: 2 rows");
        assertThat(runs.get(2).exitCode()).as(runs.get(2).err()).isZero();
    }
}
