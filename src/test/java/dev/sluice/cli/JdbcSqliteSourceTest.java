package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.Column;
import dev.sluice.engine.LogicalType;
import dev.sluice.workspace.Catalog;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jdbc source on a real SQLite file, through the driver on the class path: columns, preview, validate and a run. */
class JdbcSqliteSourceTest {
    @TempDir
    Path dir;

    private Path workspace;

    @BeforeEach
    void setUp() throws Exception {
        Path db = dir.resolve("shop.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, score REAL, country TEXT, vip BOOLEAN)");
            s.execute("INSERT INTO customers VALUES (1, 'Ann', 12.5, 'FR', 1), (2, 'O''Brien, \"Bob\"', NULL, 'IE', 0),"
                    + " (3, 'Zoë', 3.25, 'FR', 0), (4, NULL, 7, NULL, NULL)");
        }
        workspace = dir.resolve("sluice.yaml");
        Files.writeString(workspace, """
                sources:
                  lite: {type: jdbc, url: "jdbc:sqlite:%s"}
                models:
                  customers: {source: lite, sql: "SELECT id, name, score, country FROM customers", primary_key: [id]}
                segments:
                  french: {model: customers, filter: {attribute: country, op: eq, value: FR}}
                  quoted: {model: customers, filter: {attribute: name, op: contains, value: "'"}}
                destinations:
                  out: {type: local, path: out}
                activations:
                  everyone: {model: customers, destination: out, file_name: customers, format: csv}
                  french_json: {segment: french, destination: out, file_name: french, format: {type: json, layout: lines}}
                """.formatted(db));
    }

    private CliRun cli(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("-c", workspace.toString(), "--state-dir", dir.resolve("state").toString()))
                .toArray(String[]::new);
        return CliRun.of(all);
    }

    @Test
    void describesTheModelsColumnsWithTheirTypes() {
        Workspace ws = WorkspaceLoader.withSystemEnv().load(workspace);
        try (Catalog catalog = new Catalog(ws, Clock.systemUTC())) {
            List<Column> columns = catalog.columns(ws.models().get("customers"));
            assertThat(columns.stream().map(c -> c.name() + ":" + c.type()).collect(Collectors.toList()))
                    .containsExactly("id:" + LogicalType.INTEGER, "name:" + LogicalType.STRING, "score:" + LogicalType.FLOATING,
                            "country:" + LogicalType.STRING);
        }
        CliRun validate = cli("validate");
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.out()).contains("is valid: 1 source, 1 model, 2 segments, 1 destination, 2 activations");
    }

    @Test
    void previewsAModelAndSegmentsOnTheSqliteFile() {
        CliRun model = cli("preview", "customers");
        assertThat(model.exitCode()).as(model.err()).isZero();
        assertThat(model.out()).contains("Zoë").contains("O'Brien, \"Bob\"").contains("model customers: 4 rows");
        CliRun french = cli("preview", "french");
        assertThat(french.exitCode()).as(french.err()).isZero();
        assertThat(french.out()).contains("Ann").contains("Zoë").doesNotContain("Bob").contains("segment french: 2 rows");
        CliRun quoted = cli("preview", "quoted", "--limit", "0");
        assertThat(quoted.exitCode()).as(quoted.err()).isZero();
        assertThat(quoted.out()).contains("segment quoted: 1 row");
    }

    @Test
    void runsToALocalDestination() throws Exception {
        CliRun run = cli("run", "everyone");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(dir.resolve("out/customers.csv"))).isEqualTo("""
                id,name,score,country
                1,Ann,12.5,FR
                2,"O'Brien, ""Bob\""",,IE
                3,Zoë,3.25,FR
                4,,7.0,
                """);
        CliRun segment = cli("run", "french_json");
        assertThat(segment.exitCode()).as(segment.err()).isZero();
        assertThat(Files.readString(dir.resolve("out/french.jsonl"))).isEqualTo("""
                {"id":1,"name":"Ann","score":12.5,"country":"FR"}
                {"id":3,"name":"Zoë","score":3.25,"country":"FR"}
                """);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("shop.db")); Statement s = c.createStatement()) {
            s.execute("UPDATE customers SET score = 13 WHERE id = 1");
        }
        CliRun second = cli("run", "everyone", "--json");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("\"updated\":1");
    }

    @Test
    void aUrlWithoutItsDriverIsOneLineExitTwoWithoutThePassword() throws Exception {
        Path file = dir.resolve("nodriver.yaml");
        Files.writeString(file, """
                sources:
                  dw: {type: jdbc, url: "jdbc:nosuchdb://loader:Zq9-secret-Xw@dw.internal/sales?password=Zq9-other-Xw&ssl=true"}
                models:
                  sales: {sql: SELECT * FROM sales, primary_key: [id]}
                """);
        for (boolean debug : new boolean[] {false, true}) {
            CliRun preview = debug ? CliRun.of("preview", "sales", "--debug", "-c", file.toString())
                    : CliRun.of("preview", "sales", "-c", file.toString());
            assertThat(preview.exitCode()).isEqualTo(2);
            assertThat(preview.out() + preview.err()).doesNotContain("Zq9");
            assertThat(preview.err().lines().findFirst().orElseThrow()).isEqualTo(
                    "error: sources.dw: cannot connect to jdbc:nosuchdb://loader:****@dw.internal/sales?password=****&ssl=true:"
                            + " No suitable driver found for jdbc:nosuchdb://loader:****@dw.internal/sales?password=****&ssl=true"
                            + " (put the JDBC driver's jar on the class path (SLUICE_CLASSPATH) or fix the url)");
        }
    }
}
