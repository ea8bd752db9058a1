package dev.sluice.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.Main;
import dev.sluice.postgres.SharedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs against a real PostgreSQL: the model is copied into the engine with COPY, types kept, segment applied in the engine. */
class PostgresExtractIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    @TempDir
    Path dir;

    @BeforeAll
    static void tables() throws Exception {
        try (Connection c = POSTGRES.connect(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE people (
                      id bigint, name text, score numeric(10,2), ratio double precision, active boolean,
                      born date, seen timestamp, seen_tz timestamptz, raw bytea, plain_numeric numeric)""");
            s.execute("""
                    INSERT INTO people VALUES
                      (1, 'Ann, "the" first', 12.30, 0.5, true, '1990-01-02', '2025-04-14 10:00:00.5', '2025-04-14 12:00:00+02', '\\x616263', 123456789012345678901234567890.123456789),
                      (2, E'two\\nlines', NULL, 'NaN', false, NULL, NULL, NULL, NULL, NULL),
                      (3, '', 1000.00, '-Infinity', NULL, '2000-02-29', '2000-02-29 00:00:00', '2000-02-29 00:00:00+00', '\\x', 0)""");
        }
    }

    private CliRunResult cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return new CliRunResult(cmd.execute(args), out.toString(), err.toString());
    }

    record CliRunResult(int code, String out, String err) {}

    @Test
    void aPostgresModelRunsWithItsTypesAndASegmentFilter() throws Exception {
        Path workspace = dir.resolve("sluice.yaml");
        Files.writeString(workspace, """
                sources:
                  pg: {type: postgres, host: localhost, port: %d, database: %s, user: postgres}
                models:
                  people: {sql: "SELECT * FROM people", primary_key: [id]}
                segments:
                  scored: {model: people, filter: {attribute: score, op: is_not_null}}
                destinations:
                  out: {type: local, path: out}
                activations:
                  all_parquet: {model: people, destination: out, file_name: people, format: parquet}
                  scored_json: {segment: scored, destination: out, file_name: scored, format: {type: json}}
                """.formatted(POSTGRES.port(), POSTGRES.database()));

        CliRunResult parquet = cli("run", "all_parquet", "-c", workspace.toString(), "--json");
        assertThat(parquet.err()).doesNotContain("error");
        assertThat(parquet.code()).isZero();
        JsonNode record = new ObjectMapper().readTree(parquet.out());
        assertThat(record.path("counts").path("read").asLong()).isEqualTo(3);

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('"
                    + dir.resolve("out/people.parquet") + "'))")) {
                List<String> types = new ArrayList<>();
                while (rs.next()) {
                    types.add(rs.getString(1) + " " + rs.getString(2));
                }
                assertThat(types).containsExactly("id BIGINT", "name VARCHAR", "score DECIMAL(10,2)", "ratio DOUBLE",
                        "active BOOLEAN", "born DATE", "seen TIMESTAMP", "seen_tz TIMESTAMP WITH TIME ZONE", "raw BLOB",
                        "plain_numeric VARCHAR");
            }
            try (ResultSet rs = s.executeQuery("SELECT id, name, CAST(score AS VARCHAR), ratio, active, CAST(born AS VARCHAR), "
                    + "CAST(seen AS VARCHAR), CAST(seen_tz AS VARCHAR), CAST(raw AS VARCHAR), plain_numeric FROM read_parquet('"
                    + dir.resolve("out/people.parquet") + "') ORDER BY id")) {
                rs.next();
                assertThat(rs.getString(2)).isEqualTo("Ann, \"the\" first");
                assertThat(rs.getString(3)).isEqualTo("12.30");
                assertThat(rs.getDouble(4)).isEqualTo(0.5);
                assertThat(rs.getBoolean(5)).isTrue();
                assertThat(rs.getString(6)).isEqualTo("1990-01-02");
                assertThat(rs.getString(7)).isEqualTo("2025-04-14 10:00:00.5");
                assertThat(rs.getString(8)).isEqualTo("2025-04-14 10:00:00+00");
                assertThat(rs.getString(9)).isEqualTo("abc");
                assertThat(rs.getString(10)).isEqualTo("123456789012345678901234567890.123456789");
                rs.next();
                assertThat(rs.getString(2)).isEqualTo("two\nlines");
                assertThat(rs.getString(3)).isNull();
                assertThat(Double.isNaN(rs.getDouble(4))).isTrue();
                assertThat(rs.getObject(6)).isNull();
                assertThat(rs.getObject(9)).isNull();
                rs.next();
                assertThat(rs.getString(2)).isEmpty();
                assertThat(rs.getString(9)).isEmpty();
                assertThat(rs.getString(10)).isEqualTo("0");
            }
        }

        CliRunResult json = cli("run", "scored_json", "-c", workspace.toString());
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(dir.resolve("out/scored.json").toFile());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).path("id").asLong()).isEqualTo(1);
        assertThat(rows.get(0).path("score").decimalValue()).isEqualByComparingTo("12.30");
        assertThat(rows.get(1).path("id").asLong()).isEqualTo(3);
        assertThat(rows.get(1).path("ratio").isNull()).isTrue();
    }
}
