package dev.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.config.Node;
import dev.sluice.config.Problems;
import dev.sluice.engine.ColumnTypes;
import dev.sluice.sync.Extractor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The format tests' fixture (src/test/resources/formats/fixture.sql) and what SPEC §2 says each of
 * its values must look like in a text format. The expected renderings are written out by hand here,
 * independently of {@link Render}: they are the oracle the writers are checked against.
 */
public final class FormatFixture {
    /** The rows the golden files hold (no 100 KB text). */
    public static final String GOLDEN_SQL = "SELECT * FROM fixture ORDER BY id";
    /** The golden rows plus one with a 100 KB text, for read-back. */
    static final String LONG_SQL = "SELECT * FROM fixture_long ORDER BY id";
    /** The fixture's shape without rows. */
    public static final String EMPTY_SQL = "SELECT * FROM fixture WHERE false";

    static final List<String> COLUMNS = List.of("id", "big", "n", "d", "dec2", "dec9", "flag", "s", "s2", "day", "ts", "tstz", "bin");
    /** Columns written as bare JSON numbers (NaN and infinities aside). */
    static final Set<String> NUMERIC = Set.of("id", "big", "n", "d", "dec2", "dec9");
    /** The engine's type names as a Parquet reader must see them again. */
    static final List<String> TYPES = List.of("BIGINT", "BIGINT", "INTEGER", "DOUBLE", "DECIMAL(18,2)", "DECIMAL(38,9)",
            "BOOLEAN", "VARCHAR", "VARCHAR", "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "BLOB");

    /** The 100 KB text of row 11, as fixture.sql builds it. */
    static final String LONG_TEXT = "long text \u2713, \"quoted\" ; \r\nnext ".repeat(3200) + "END";

    /** Characters that XML 1.0 cannot hold in the golden rows (row 7: U+0001 U+000B U+000C U+FFFE U+FFFF). */
    static final int XML_ILLEGAL_IN_FIXTURE = 5;

    private static final String N = null;

    /** Every golden row, each value rendered as SPEC §2 says text formats show it; null for NULL. */
    static final List<List<String>> TEXT_ROWS = List.of(
            row("1", "1234567890123", "42", "0.1", "12.30", "12.300000000", "true", "plain", "only\rcr",
                    "2025-04-14", "2025-04-14T10:00:00", "2025-04-14T10:00:00Z", "AAFoZWxsbw=="),
            row("2", "-1", "-7", "NaN", "-0.50", "0.000000000", "false", "comma, semicolon; tab\tpipe|", "\"",
                    "1969-12-31", "2025-04-14T10:00:00.5", "2025-01-01T05:30:00.123Z", ""),
            row("3", "0", "2147483647", "Infinity", "9999999999999999.99", "12345678901234567890123456789.123456789", "true",
                    "say \"hi\" and 'bye'", "NULL",
                    "2000-02-29", "2025-04-14T10:00:00.123456", "2024-12-31T18:29:59.999999Z", "//4A"),
            row("4", "-9007199254740993", "-2147483648", "-Infinity", "100.00", "-0.000000001", "false",
                    "LF\nCRLF\r\nCR\rend", ";",
                    "0001-01-01", "1969-12-31T23:59:59.25", "2025-02-28T22:00:00Z", "YQ=="),
            row("5", "9007199254740993", "0", "1e+300", "0.00", "1.100000000", "true",
                    "tab\temoji \uD83D\uDE00 \u00e9t\u00e9 \u03a9\u03bc\u03ad\u03b3\u03b1 \u65e5\u672c\u8a9e", "\t",
                    "9999-12-31", "2025-04-14T23:59:59.000001", "2025-06-15T15:15:30.5Z", "YWI="),
            row("6", "9223372036854775807", "6", "-2.5", "-12.34", "42.000000000", "false",
                    "<a href=\"x\">&amp; & </a> ]]>", "'",
                    "2025-04-14", "2025-04-14T00:00:00", "2025-04-14T00:00:00Z", "YWJj"),
            row("7", "-9223372036854775808", "7", "1.5e-07", "1.00", "0.500000000", "true",
                    "ctl\u0001vt\u000bff\u000cnul-free", "nc\ufffe\uffff",
                    "2025-04-14", "2025-04-14T10:00:00.1", "2025-04-13T20:00:00.1Z", "YWJjZA=="),
            row("8", "8", "8", "3.0", "1.50", "7.000000000", "false", "", " ",
                    "2025-04-14", "2025-04-14T10:00:00", "2025-04-14T22:00:00Z", "AA=="),
            row("9", N, N, N, N, N, N, N, N, N, N, N, N),
            row("10", "10", "10", "1234.5", "0.01", "0.000000010", "true", " leading and trailing spaces ", "#back\\slash",
                    "2025-04-14", "2025-04-14T10:00:00", "2025-04-14T10:00:00Z", N));

    /** {@link #TEXT_ROWS} plus row 11 with the 100 KB text. */
    static final List<List<String>> LONG_TEXT_ROWS = concat(TEXT_ROWS, List.of(
            row("11", "11", "11", "11.0", "11.00", "11.000000000", "true", LONG_TEXT, "long",
                    "2025-04-14", "2025-04-14T10:00:00", "2025-04-14T10:00:00Z", "bG9uZw==")));

    private FormatFixture() {}

    private static List<String> row(String... values) {
        assertThat(values).hasSize(COLUMNS.size());
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** A fresh in-memory engine, offline, holding the fixture tables. Its session time zone is not UTC on purpose. */
    public static Connection engine() throws SQLException {
        Connection engine = DriverManager.getConnection("jdbc:duckdb:");
        execute(engine, "SET autoinstall_known_extensions = false");
        execute(engine, "SET autoload_known_extensions = false");
        for (String statement : resource("fixture.sql").split(";\\s*\\n")) {
            if (!statement.replaceAll("(?m)^\\s*--.*$", "").isBlank()) {
                execute(engine, statement);
            }
        }
        return engine;
    }

    /** A second in-memory engine for reading files back, separate from the writer's session, in UTC. */
    static Connection reader() throws SQLException {
        Connection reader = DriverManager.getConnection("jdbc:duckdb:");
        execute(reader, "SET autoinstall_known_extensions = false");
        execute(reader, "SET autoload_known_extensions = false");
        execute(reader, "SET TimeZone = 'UTC'");
        return reader;
    }

    static void execute(Connection engine, String sql) throws SQLException {
        try (Statement statement = engine.createStatement()) {
            statement.execute(sql);
        }
    }

    static String resource(String name) {
        try (InputStream in = FormatFixture.class.getResourceAsStream("/formats/" + name)) {
            assertThat(in).as("test resource formats/%s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every column of {@code sql}, exported under its own name, as the workspace does without a mapping. */
    static OutputRows rows(Connection engine, String sql) throws SQLException {
        return new OutputRows(engine, sql, Extractor.exportColumns(ColumnTypes.describe(engine, sql), List.of()));
    }

    /** A format built from its workspace options, the way the workspace parser builds it; fails on any problem. */
    public static FileFormat format(String yaml) {
        Problems problems = new Problems();
        FileFormat format = FileFormats.parse(Node.root(tree(yaml), "test", problems));
        assertThat(problems.list()).as("problems parsing %s", yaml).isEmpty();
        assertThat(format).isNotNull();
        return format;
    }

    static JsonNode tree(String yaml) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code row} with every character XML 1.0 cannot hold replaced by U+FFFD. */
    static String xmlSafe(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> out.appendCodePoint(isXmlChar(cp) ? cp : 0xFFFD));
        return out.toString();
    }

    /** XML 1.0 production [2] Char. */
    static boolean isXmlChar(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }
}
