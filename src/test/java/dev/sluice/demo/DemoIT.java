package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
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
}
