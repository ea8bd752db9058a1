package dev.sluice.source.postgres;

import dev.sluice.source.postgres.PostgresSource;


import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.Node;
import dev.sluice.config.Problems;
import dev.sluice.postgres.PasswordPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libpq's ways of saying where to connect, against a real PostgreSQL that demands a password of
 * {@code alice}: a {@code postgresql://} URL (what {@code DATABASE_URL} holds), the PG* variables
 * and the password file fill what the settings leave out, as libpq does.
 */
class LibpqConnectionIT {
    private static final String PASSWORD = "Libpq-Pa55word-9127";
    private static PasswordPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = PasswordPostgres.start(PASSWORD, "CREATE DATABASE shop OWNER alice");
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private static PostgresSource parse(String yaml, Map<String, String> env, Path home) throws Exception {
        JsonNode tree = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml);
        Problems problems = new Problems();
        PostgresSource source = PostgresSource.parse("pg", Node.root(tree, "test.yaml", problems),
                new PgEnvironment(env::get, home, "nobody"));
        assertThat(problems.list()).isEmpty();
        return source;
    }

    /** Connects as the source says and asks the server who and where it is. */
    private static String whoAndWhere(PostgresSource source) throws Exception {
        try (Connection c = source.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user || '@' || current_database() || ' ' || current_setting('application_name')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aDatabaseUrlInLibpqFormConnects() throws Exception {
        PostgresSource source = parse("{type: postgres, url: \"postgresql://alice:" + PASSWORD + "@127.0.0.1:" + postgres.port()
                + "/shop?application_name=nightly&sslmode=disable\"}", Map.of(), dir);
        assertThat(whoAndWhere(source)).isEqualTo("alice@shop nightly");
        assertThat(source.describe()).doesNotContain(PASSWORD);
        // postgres:// is the same; a password with reserved characters is percent-encoded in the URL
        PostgresSource short_ = parse("{type: postgres, url: \"postgres://alice@127.0.0.1:" + postgres.port() + "/shop\", password: "
                + PASSWORD + "}", Map.of(), dir);
        assertThat(whoAndWhere(short_)).startsWith("alice@shop");
    }

    @Test
    void pgVariablesAndThePasswordFileFillWhatTheSettingsLeaveOut() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(postgres.port()),
                "PGUSER", "alice", "PGDATABASE", "shop", "PGPASSWORD", PASSWORD, "PGAPPNAME", "from-env"));
        assertThat(whoAndWhere(parse("{type: postgres}", env, dir))).isEqualTo("alice@shop from-env");

        // Without PGPASSWORD, ~/.pgpass gives it: the first matching line, * for anything, escaped colons.
        env.remove("PGPASSWORD");
        Path pgpass = dir.resolve(".pgpass");
        Files.writeString(pgpass, "# comment\nother.host:*:*:alice:wrong\n127.0.0.1:" + postgres.port() + ":shop:alice:" + PASSWORD
                + "\n*:*:*:*:wrong-too\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        assertThat(whoAndWhere(parse("{type: postgres}", env, dir))).startsWith("alice@shop");
        // A libpq URL without a password takes it from the file too.
        assertThat(whoAndWhere(parse("{type: postgres, url: \"postgresql://alice@127.0.0.1:" + postgres.port() + "/shop\"}", env, dir)))
                .startsWith("alice@shop");
        // PGPASSFILE names another file.
        Path other = Files.writeString(dir.resolve("passwords"), "*:*:shop:alice:" + PASSWORD + "\n");
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
        Files.delete(pgpass);
        env.put("PGPASSFILE", other.toString());
        assertThat(whoAndWhere(parse("{type: postgres}", env, dir))).startsWith("alice@shop");
        // A file others may read is ignored, as libpq ignores it: no password, so the server refuses.
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-r--r--"));
        PostgresSource unsafe = parse("{type: postgres}", env, dir);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> whoAndWhere(unsafe)).hasMessageContaining("sources.pg: cannot connect");
    }

    @Test
    void settingsWinOverTheEnvironmentAndTheUrlPartsAreChecked() throws Exception {
        Map<String, String> env = Map.of("PGHOST", "nowhere.invalid", "PGUSER", "bob", "PGDATABASE", "nothing", "PGPASSWORD", "nope");
        PostgresSource source = parse("{type: postgres, host: 127.0.0.1, port: " + postgres.port()
                + ", database: shop, user: alice, password: " + PASSWORD + "}", env, dir);
        assertThat(whoAndWhere(source)).startsWith("alice@shop");

        JsonNode tree = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree("{type: postgres, url: \"postgresql://alice:" + PASSWORD + "@db:99999/shop\"}");
        Problems problems = new Problems();
        PostgresSource.parse("pg", Node.root(tree, "test.yaml", problems), new PgEnvironment(Map.<String, String>of()::get, dir, "x"));
        assertThat(problems.list()).singleElement().asString().contains("url: the port must be a number from 1 to 65535")
                .doesNotContain(PASSWORD);
    }
}
