package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sluice.config.WorkspaceException;
import dev.sluice.destination.DestinationTypes;
import dev.sluice.format.FileFormats;
import dev.sluice.notify.NotifierSettings;
import dev.sluice.notify.NotifierTypes;
import dev.sluice.plan.FileNameTemplate;
import dev.sluice.source.types.SourceTypes;
import dev.sluice.source.filter.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps docs/workspace.md true: every YAML example in it is loaded by the real loader, and the
 * settings the code knows are all documented. Each ```yaml block starts with a comment saying
 * what it is:
 * <ul>
 * <li>{@code # workspace}: a complete workspace file;</li>
 * <li>{@code # included}: a file of activations, included by a workspace;</li>
 * <li>{@code # activation}: settings of one activation (model and destination are added when absent),
 *     also checked against the columns of a real model;</li>
 * <li>{@code # filter}: a segment's filter, also checked against the columns of a real model.</li>
 * </ul>
 */
class DocsExamplesTest {
    private static final Path DOC = Path.of("docs", "workspace.md");
    private static final Pattern BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final Map<String, String> ENV = env("CRM_PASSWORD", "example-password", "GCS_KEY", "{}",
            "PG_PASSWORD", "example-password", "HOOK_SECRET", "example-hook-secret-0123456789",
            "SLACK_URL", "https://hooks.slack.com/services/T000/B000/example", "SMTP_USER", "example-smtp-user",
            "SMTP_PASSWORD", "example-password", "SLUICE_HOOK_SECRET", "example-hook-secret-0123456789",
            "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/example",
            "PAGERDUTY_ROUTING_KEY", "example-routing-key-0123456789ab",
            "DBT_WEBHOOK_SECRET", "example-dbt-webhook-secret", "OPENLINEAGE_API_KEY", "example-openlineage-key");

    /** The model fragments are checked against: in-memory DuckDB, real columns of the usual types. */
    private static final String BASE = """
            models:
              customers:
                sql: |
                  SELECT 1 AS customer_id, 'a@acme.com' AS email, 'Ann' AS first_name, 'FR' AS country,
                         1500.00::DECIMAL(12,2) AS lifetime_value, TIMESTAMP '2025-04-14 10:00:00' AS last_order_at,
                         true AS newsletter
                primary_key: [customer_id]
            destinations:
              out: {type: local, path: out}
            """;

    @TempDir
    Path dir;

    static List<String> blocks() throws Exception {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(DOC));
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** The workspace of docs/operations.md (guards, notifications, retention together) loads as it is written. */
    @Test
    void theOperationsPagesWorkspaceLoads() throws Exception {
        Matcher m = BLOCK.matcher(Files.readString(Path.of("docs", "operations.md")));
        int workspaces = 0;
        while (m.find()) {
            if (m.group(1).startsWith("# workspace")) {
                Path work = Files.createTempDirectory(dir, "operations");
                prepareFiles(work);
                Workspace ws = load(work, m.group(1));
                assertThat(ws.activations().get("audience_changes").guards().isEmpty()).isFalse();
                workspaces++;
            }
        }
        assertThat(workspaces).isEqualTo(1);
    }

    @TestFactory
    Stream<DynamicTest> everyYamlExampleLoads() throws Exception {
        List<String> blocks = blocks();
        assertThat(blocks).hasSizeGreaterThan(5);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            String marker = block.lines().findFirst().orElse("").strip();
            String name = "block " + (i + 1) + " (" + marker + ")";
            tests.add(DynamicTest.dynamicTest(name, () -> check(marker, block)));
        }
        return tests.stream();
    }

    /** Pairs of names and values (more than Map.of takes). */
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return Map.copyOf(env);
    }

    private void check(String marker, String block) throws Exception {
        Path work = Files.createTempDirectory(dir, "example");
        switch (marker) {
            case "# workspace" -> {
                prepareFiles(work);
                load(work, block);
            }
            case "# included" -> {
                Files.createDirectories(work.resolve("activations"));
                Files.writeString(work.resolve("activations/example.yaml"), block);
                Workspace ws = load(work, BASE + "include: [activations/*.yaml]\n");
                assertThat(ws.activations()).isNotEmpty();
            }
            case "# activation" -> {
                StringBuilder yaml = new StringBuilder(BASE).append("activations:\n  example:\n");
                if (!Pattern.compile("(?m)^(model|segment):").matcher(block).find()) {
                    yaml.append("    model: customers\n");
                }
                if (!Pattern.compile("(?m)^destination:").matcher(block).find()) {
                    yaml.append("    destination: out\n");
                }
                yaml.append(indent(block, 4));
                signingKey(work);
                Workspace ws = load(work, yaml.toString());
                assertThat(ws.activations()).containsKey("example");
                checkAgainstColumns(ws);
            }
            case "# filter" -> {
                Workspace ws = load(work, BASE + "segments:\n  example:\n    model: customers\n    filter:\n" + indent(block, 6));
                assertThat(ws.segments()).containsKey("example");
                checkAgainstColumns(ws);
            }
            default -> fail("a ```yaml block in " + DOC + " must start with # workspace, # included, # activation or # filter:\n" + block);
        }
    }

    private Workspace load(Path work, String yaml) throws Exception {
        Path file = work.resolve("sluice.yaml");
        Files.writeString(file, yaml);
        try {
            return new WorkspaceLoader(ENV::get).load(file);
        } catch (WorkspaceException e) {
            throw new AssertionError("example does not load:\n" + yaml + "\n" + e.problems(), e);
        }
    }

    private static void checkAgainstColumns(Workspace ws) {
        try (Catalog catalog = new Catalog(ws, Clock.systemUTC())) {
            SchemaCheck.Result result = SchemaCheck.run(ws, catalog);
            assertThat(result.problems()).isEmpty();
            assertThat(result.failures()).isEmpty();
        }
    }

    /** The files the complete examples name. */
    private static void prepareFiles(Path work) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + work.resolve("warehouse.duckdb").toAbsolutePath());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (customer_id INTEGER, email VARCHAR, country VARCHAR)");
        }
        Files.writeString(work.resolve("customers.csv"), "customer_id,email\n1,a@acme.com\n");
        Files.createDirectories(work.resolve("activations"));
    }

    /** The key file the examples of {@code sign} name: an Ed25519 private key in PKCS#8 PEM, made with the JDK. */
    private static void signingKey(Path work) throws Exception {
        byte[] der = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        Files.createDirectories(work.resolve("keys"));
        Files.writeString(work.resolve("keys/manifest-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END PRIVATE KEY-----\n");
    }

    private static String indent(String block, int spaces) {
        String pad = " ".repeat(spaces);
        return block.lines().map(line -> line.isBlank() ? line : pad + line).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void everySettingTheCodeKnowsIsDocumented() throws Exception {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        for (String key : WorkspaceParser.ROOT_KEYS) {
            expect(doc, "## " + key, missing);
        }
        for (String key : ActivationParser.KEYS) {
            expect(doc, "`" + key + "`", missing);
        }
        for (Operator op : Operator.values()) {
            expect(doc, "`" + op.keyword() + "`", missing);
        }
        for (String variable : FileNameTemplate.VARIABLES) {
            expect(doc, "`{" + variable + "}`", missing);
        }
        for (String type : SourceTypes.typeNames()) {
            expect(doc, "### " + type, missing);
        }
        for (String type : DestinationTypes.typeNames()) {
            expect(doc, "### " + type, missing);
        }
        for (String type : NotifierTypes.typeNames()) {
            expect(doc, "### " + type, missing);
        }
        for (String key : NotifierSettings.KEYS) {
            expect(doc, "`" + key + "`", missing);
        }
        for (String type : FileFormats.typeNames()) {
            expect(doc, "**" + type + "**", missing);
        }
        for (String key : EnvInterpolation.SECRET_KEYS) {
            expect(doc, "`" + key + "`", missing);
        }
        assertThat(missing).as("settings missing from " + DOC).isEmpty();
    }

    private static void expect(String doc, String text, List<String> missing) {
        if (!doc.contains(text)) {
            missing.add(text);
        }
    }

    /**
     * Links between the reference pages resolve: the file exists (pages other engineers are still
     * writing are skipped while absent) and the anchor names a heading in it.
     */
    @Test
    void linksBetweenPagesResolve() throws Exception {
        Pattern link = Pattern.compile("\\]\\(([A-Za-z0-9_.-]*\\.md)?(?:#([A-Za-z0-9_-]+))?\\)");
        List<String> broken = new ArrayList<>();
        for (String page : List.of("workspace.md", "cli.md", "runs.md", "notifications.md", "operations.md", "server.md")) {
            Path from = Path.of("docs", page);
            Matcher m = link.matcher(Files.readString(from));
            while (m.find()) {
                Path target = m.group(1) == null ? from : Path.of("docs", m.group(1));
                if (!Files.exists(target)) {
                    continue;
                }
                if (m.group(2) != null && !anchors(Files.readString(target)).contains(m.group(2))) {
                    broken.add(page + ": " + m.group());
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    /** GitHub's heading anchors: lower case, punctuation other than - and _ dropped, spaces as -. */
    private static List<String> anchors(String markdown) {
        return markdown.lines().filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").strip().toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                .toList();
    }
}
