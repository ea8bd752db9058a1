package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir
    Path dir;

    private Path workspace(String yaml) throws IOException {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static final String VALID = """
            models:
              people:
                sql: |
                  SELECT * FROM (VALUES (1, 'Ann', 'FR'), (2, 'Bob', NULL), (3, 'Chloé, "the" first', 'DE')) t(id, name, country)
                primary_key: id
            segments:
              french:
                model: people
                filter: {attribute: country, op: eq, value: FR}
            destinations:
              out: {type: local, path: out}
            activations:
              people_daily: {model: people, destination: out, format: csv}
            """;

    @Test
    void versionAndHelpOnEveryCommand() {
        CliRun version = CliRun.of("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("sluice ");
        List<String> commands = List.copyOf(Main.commandLine().getSubcommands().keySet());
        assertThat(commands).contains("demo", "validate", "preview");
        for (String command : commands) {
            if (command.equals("help")) {
                continue;
            }
            CliRun help = CliRun.of(command, "--help");
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: sluice " + command).contains("--help");
        }
    }

    /** A command line builds only the subcommand it names (the start of every command pays for what it builds). */
    @Test
    void aCommandLineBuildsOnlyTheSubcommandItNames() {
        assertThat(Main.commandLine(new String[] {"--version"}).getSubcommands()).isEmpty();
        assertThat(Main.commandLine(new String[] {"-c", "run", "--debug", "validate", "--offline"}).getSubcommands())
                .containsOnlyKeys("validate");
        assertThat(Main.commandLine(new String[] {"--state-dir", "x", "bench", "run"}).getSubcommands()).containsOnlyKeys("bench");
        assertThat(Main.commandLine(new String[] {"bench", "run"}).getSubcommands().get("bench").getSubcommands())
                .containsKeys("run", "formats", "sync", "upload");
        assertThat(Main.commandLine(new String[] {"help", "run"}).getSubcommands()).containsKeys("run", "validate", "help");
        assertThat(Main.commandLine(new String[] {"rn"}).getSubcommands()).containsKeys("run", "runs");
        assertThat(Main.commandLine(new String[0]).getSubcommands().keySet())
                .containsExactlyElementsOf(Main.commandLine().getSubcommands().keySet());

        CliRun typo = CliRun.of("rnu");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).startsWith("error: Unmatched argument at index 0: 'rnu'").contains("see 'sluice --help'");
        CliRun inherited = CliRun.of("validate", "--offline", "-c", "missing.yaml");
        assertThat(inherited.exitCode()).isEqualTo(2);
        assertThat(inherited.err()).contains("missing.yaml");
    }

    /**
     * Issue 16: summaries cut mid-sentence in the command lists, dotted words ({@code .sluice},
     * {@code sluice.yaml}) broken at the dot, and options listed where they do not apply.
     */
    @Test
    void helpTextsAreWholeSentencesAndListOnlyOptionsThatApply() {
        List<CommandLine> all = new java.util.ArrayList<>();
        java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>(List.of(Main.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine command = todo.pop();
            all.add(command);
            todo.addAll(command.getSubcommands().values());
        }
        List<String> broken = new java.util.ArrayList<>();
        for (CommandLine command : all) {
            String name = command.getCommandSpec().qualifiedName();
            String[] description = command.getCommandSpec().usageMessage().description();
            assertThat(description).as(name).isNotEmpty();
            assertThat(description[0]).as("the summary of %s, shown in its parent's list", name).endsWith(".");
            for (int width = 70; width <= 140; width++) {
                command.setUsageHelpAutoWidth(false);
                command.setUsageHelpWidth(width);
                String[] lines = command.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\n");
                for (int i = 0; i + 1 < lines.length; i++) {
                    // A sentence ends with a dot and the next starts with a capital; a line ending in '.' and going on
                    // in lower case is a word such as .sluice or sluice.yaml cut at its dot.
                    boolean entry = lines[i + 1].matches(" {2}[a-z-]+ {2,}\\S.*"); // the next command of a list
                    boolean brokenAtDot = !entry && lines[i].stripTrailing().endsWith(".") && lines[i + 1].strip().matches("[a-z].*");
                    if (brokenAtDot) {
                        broken.add(name + " at width " + width + ":\n" + lines[i] + "\n" + lines[i + 1]);
                    }
                }
            }
        }
        assertThat(broken).as("words broken at a dot").isEmpty();
        String demo = CliRun.of("demo", "--help").out();
        assertThat(demo).contains("--dir", "--rows").doesNotContain("--config", "--state-dir");
        assertThat(CliRun.of("demo", "--state-dir", "x").exitCode()).isEqualTo(2);
        String upload = CliRun.of("bench", "upload", "--help").out();
        assertThat(upload).contains("--bucket", "--rows").doesNotContain("--repeat", "--heap", "--json", "--config");
        String root = CliRun.of("--help").out();
        assertThat(root).contains("check     Tests a destination: writes, reads and deletes a probe object.\n");
    }

    /** Issue 16: problems in the files no longer hide those only the source can tell (docs/cli.md's example). */
    @Test
    void validateReportsProblemsOfTheFilesAndOfTheSourcesAtOnce() throws IOException {
        Path file = workspace(VALID
                .replace("models:\n", "models:\n  orders:\n    sql: SELECT 1 AS order_id\n    primary_key: id\n")
                .replace("filter: {attribute: country, op: eq, value: FR}", "filter: {attribute: contry, op: eq, value: FR}")
                .replace("people_daily: {model: people, destination: out, format: csv}",
                        "people_daily: {model: people, destination: out, format: {type: csv, delimiter: \";;\"}}"));
        CliRun run = CliRun.of("validate", "-c", file.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(
                "activations.people_daily.format.delimiter: must be one character, got ';;'",
                "segments.french.filter.attribute: unknown attribute 'contry'",
                "models.orders.primary_key: ");
        assertThat(run.err().lines().filter(l -> l.startsWith("error: ")).count()).as(run.err()).isEqualTo(3);
        assertThat(run.err()).contains("3 problems in ");
    }

    @Test
    void validateReportsAValidWorkspace() throws IOException {
        Path file = workspace(VALID);
        CliRun run = CliRun.of("validate", "-c", file.toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("is valid: 1 source, 1 model, 1 segment, 1 destination, 1 activation");
    }

    @Test
    void globalOptionsWorkBeforeTheSubcommandToo() throws IOException {
        Path file = workspace(VALID);
        assertThat(CliRun.of("-c", file.toString(), "validate").exitCode()).isZero();
    }

    @Test
    void previewShowsRowsAndCount() throws IOException {
        Path file = workspace(VALID);
        CliRun model = CliRun.of("preview", "people", "-c", file.toString());
        assertThat(model.exitCode()).isZero();
        assertThat(model.out()).contains("id | name").contains("Chloé, \"the\" first").contains("NULL")
                .contains("model people: 3 rows");
        CliRun segment = CliRun.of("preview", "french", "-c", file.toString(), "--limit", "1");
        assertThat(segment.exitCode()).isZero();
        assertThat(segment.out()).contains("Ann").doesNotContain("Bob").contains("segment french: 1 row");
        CliRun limited = CliRun.of("preview", "people", "-c", file.toString(), "--limit", "2");
        assertThat(limited.out()).contains("3 rows (first 2 shown)").doesNotContain("Chloé");
    }

    @Test
    void previewOfAnUnknownNameIsAUserError() throws IOException {
        Path file = workspace(VALID);
        CliRun run = CliRun.of("preview", "peple", "-c", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: no model or segment named 'peple', did you mean people?; known: people, french");
    }

    @Test
    void aMissingWorkspaceFileSaysWhatToDo() {
        CliRun run = CliRun.of("validate", "-c", dir.resolve("nope.yaml").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("nope.yaml not found").contains("sluice demo").doesNotContain("\tat ");
    }

    @Test
    void aFailingModelQueryNamesTheModelWithoutAStackTrace() throws IOException {
        Path file = workspace(VALID.replace("SELECT * FROM (VALUES", "SELECT * FROM no_such_table, (VALUES"));
        CliRun preview = CliRun.of("preview", "people", "-c", file.toString());
        assertThat(preview.exitCode()).isEqualTo(2);
        assertThat(preview.err()).contains("models.people.sql: the query fails on source 'default'")
                .contains("no_such_table").doesNotContain("\tat ");
        CliRun debug = CliRun.of("preview", "people", "-c", file.toString(), "--debug");
        assertThat(debug.exitCode()).isEqualTo(2);
        assertThat(debug.err()).contains("\tat ");
    }

    @Test
    void unexpectedExceptionsAreReportedAsBugsWithExitCode1() {
        CommandLine cmd = Main.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cmd.setErr(new java.io.PrintWriter(err, true));
        int code = new ErrorReporter().handleExecutionException(new IllegalStateException("boom"), cmd,
                cmd.parseArgs("validate"));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("internal error: IllegalStateException: boom")
                .contains("This is a bug in Sluice").doesNotContain("\tat ");
    }

    @Test
    void badCommandLineUsageExitsWith2() {
        // One error line and where the help is, not the whole help text (issue 16).
        CliRun missing = CliRun.of("run");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().lines().toList())
                .containsExactly("error: Missing required parameter: 'ACTIVATION'", "see 'sluice run --help'");
        CliRun limit = CliRun.of("runs", "--limit", "0");
        assertThat(limit.exitCode()).isEqualTo(2);
        assertThat(limit.err()).contains("--limit: must be at least 1, got 0");
        assertThat(CliRun.of("preview").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("nonsense").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("preview", "x", "--limit", "many").exitCode()).isEqualTo(2);
    }
}
