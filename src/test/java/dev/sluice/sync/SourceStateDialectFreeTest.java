package dev.sluice.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code SourceState} is written once for every warehouse: what is PostgreSQL's own (its upsert and
 * delete statements, casts, statistics, session settings, error codes) lives in its
 * {@code WarehouseState}. A scan of the source file, so that a second dialect needs no third copy.
 */
class SourceStateDialectFreeTest {
    /** In the SQL text (the string literals) of the class. */
    private static final Pattern POSTGRES_ONLY = Pattern.compile(
            "ON CONFLICT|EXCLUDED\\.|\\bUSING\\b|::|\\bANALYZE\\b|SET TIME ZONE|work_mem|COPY |TEMP TABLE|IF NOT EXISTS"
                    + "|\\bmd5\\b|AS text\\b|(?-i)^(?=.*[0-9])[0-9A-Z]{5}$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void sourceStateHoldsNoPostgresOnlySyntax() throws Exception {
        List<String> found = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of("src/main/java/dev/sluice/sync/SourceState.java"));
        for (int i = 0; i < lines.size(); i++) {
            String code = lines.get(i).replaceAll("^\\s*(\\*|/\\*\\*|//).*", "");
            if (code.contains("getSQLState")) {
                found.add("SourceState.java:" + (i + 1) + ": reads an SQLSTATE in " + code.strip());
            }
            Matcher literal = LITERAL.matcher(code);
            while (literal.find()) {
                Matcher m = POSTGRES_ONLY.matcher(literal.group(1));
                if (m.find()) {
                    found.add("SourceState.java:" + (i + 1) + ": " + m.group() + " in " + code.strip());
                }
            }
        }
        assertThat(found).as("PostgreSQL-only syntax belongs in PostgresWarehouseState").isEmpty();
    }
}
