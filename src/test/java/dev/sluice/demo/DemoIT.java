package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoIT {
    @TempDir
    Path dir;

    @Test
    void demoBuildsAValidWorkspaceWithAwkwardDataAndPreviewsIt() throws Exception {
        Path demo = dir.resolve("sluice-demo");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));

        int code = cmd.execute("demo", "--dir", demo.toString(), "--rows", "5000");

        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("with 5,000 customers")
                .contains("1 source, 1 model, 2 segments, 1 destination, 4 activations, all valid")
                .contains("model customers: 5,000 rows (first 5 shown)")
                .contains("segment vip_fr: ").contains("segment recently_active: ")
                .contains("snapshot").contains("upsert").contains("insert").contains("difference");

        // Read the database back with a separate DuckDB connection.
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + demo.resolve("warehouse.duckdb"), readOnly);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT count(*), count(DISTINCT customer_id),
                               count(*) FILTER (WHERE email IS NULL),
                               count(*) FILTER (WHERE country IS NULL),
                               count(*) FILTER (WHERE notes LIKE '%' || chr(10) || '%'),
                               count(*) FILTER (WHERE notes LIKE '%"%'),
                               count(*) FILTER (WHERE notes LIKE '%,%' OR last_name LIKE '%,%'),
                               count(*) FILTER (WHERE last_name = '田中' OR notes LIKE '%🎉%'),
                               count(DISTINCT country), count(*) FILTER (WHERE is_subscribed),
                               min(lifetime_value) >= 0
                        FROM customers""")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(5000);
            assertThat(rs.getLong(2)).isEqualTo(5000);
            for (int i = 3; i <= 8; i++) {
                assertThat(rs.getLong(i)).as("column %d of the awkward-data check", i).isPositive();
            }
            assertThat(rs.getLong(9)).isGreaterThanOrEqualTo(5);
            assertThat(rs.getLong(10)).isBetween(1000L, 4000L);
            assertThat(rs.getBoolean(11)).isTrue();
        }

        // Running it again recreates the demo rather than failing.
        assertThat(Main.commandLine().execute("demo", "--dir", demo.toString(), "--rows", "100")).isZero();
    }

    /** Item 7 of the newcomer issue: the demo used to wipe an edited sluice-demo/ right after saying "edit it". */
    @Test
    void demoRefusesToReplaceAnEditedFolderOrOneItDidNotMakeUnlessForced() throws Exception {
        Path demo = dir.resolve("sluice-demo");
        assertThat(run("demo", "--dir", demo.toString(), "--rows", "50").code()).isZero();
        Path yaml = demo.resolve("sluice.yaml");
        String edited = Files.readString(yaml) + "\n# my change\n";
        Files.writeString(yaml, edited);

        Result refused = run("demo", "--dir", demo.toString(), "--rows", "50");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("sluice.yaml was edited").contains("--force").doesNotContain("\tat ");
        assertThat(Files.readString(yaml)).as("the edit survives").isEqualTo(edited);

        // Files of one's own in the demo folder are kept too.
        Files.writeString(yaml, Files.readString(yaml).replace("\n# my change\n", ""));
        Files.writeString(demo.resolve("notes.txt"), "mine");
        Result added = run("demo", "--dir", demo.toString(), "--rows", "50");
        assertThat(added.code()).isEqualTo(2);
        assertThat(added.err()).contains("notes.txt");

        // --force rebuilds the demo and keeps what is not the demo's.
        Files.writeString(yaml, edited);
        assertThat(run("demo", "--dir", demo.toString(), "--rows", "50", "--force").code()).isZero();
        assertThat(Files.readString(yaml)).doesNotContain("# my change");
        assertThat(demo.resolve("notes.txt")).hasContent("mine");

        // A non-empty folder the demo never made is refused; an empty one is used.
        Path other = dir.resolve("project");
        Files.createDirectories(other);
        Files.writeString(other.resolve("sluice.yaml"), "sources: {}\n");
        Result foreign = run("demo", "--dir", other.toString(), "--rows", "50");
        assertThat(foreign.code()).isEqualTo(2);
        assertThat(foreign.err()).contains("was not made by `sluice demo`");
        assertThat(other.resolve("sluice.yaml")).hasContent("sources: {}\n");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(run("demo", "--dir", empty.toString(), "--rows", "50").code()).isZero();
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
