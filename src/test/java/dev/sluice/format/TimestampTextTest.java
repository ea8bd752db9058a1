package dev.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.LogicalType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The text form of timestamps (SPEC §2: ISO-8601, fractional seconds only when non-zero) checked
 * against a formatter written here, for random instants over years 1-9999 and for the edges that
 * take the other path (BC years, five-digit years, infinities, null).
 */
class TimestampTextTest {

    private static String expected(LocalDateTime t) {
        String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute(), t.getSecond());
        int micros = t.getNano() / 1000;
        if (micros == 0) {
            return text;
        }
        String fraction = String.format("%06d", micros).replaceAll("0+$", "");
        return text + "." + fraction;
    }

    private static List<String> render(Connection c, LogicalType type, List<String> literals) throws Exception {
        String column = Render.text(new ExportColumn("t", "t", type));
        List<String> result = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (String literal : literals) {
                try (ResultSet rs = s.executeQuery("SELECT " + column + " FROM (SELECT " + literal + " AS t)")) {
                    rs.next();
                    result.add(rs.getString(1));
                }
            }
        }
        return result;
    }

    @Test
    void randomInstantsOfYearsOneToNineThousandNineHundredNinetyNine() throws Exception {
        Random random = new Random(20261130);
        List<LocalDateTime> instants = new ArrayList<>(List.of(LocalDateTime.of(1, 1, 1, 0, 0), LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
                LocalDateTime.of(1969, 12, 31, 23, 59, 59, 250_000_000), LocalDateTime.of(2025, 4, 14, 10, 0, 0, 100_000_000)));
        for (int i = 0; i < 300; i++) {
            int micros = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1000;
                default -> random.nextInt(1_000_000);
            };
            instants.add(LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24),
                    random.nextInt(60), random.nextInt(60), micros * 1000));
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            List<String> plain = render(c, LogicalType.TIMESTAMP, instants.stream().map(t -> "TIMESTAMP '" + expected(t).replace('T', ' ') + "'").toList());
            List<String> zoned = render(c, LogicalType.TIMESTAMP_TZ, instants.stream()
                    .map(t -> "TIMESTAMPTZ '" + expected(t).replace('T', ' ') + "+00'").toList());
            for (int i = 0; i < instants.size(); i++) {
                assertThat(plain.get(i)).as("timestamp %s", instants.get(i)).isEqualTo(expected(instants.get(i)));
                assertThat(zoned.get(i)).as("timestamptz %s", instants.get(i)).isEqualTo(expected(instants.get(i)) + "Z");
            }
        }
    }

    @Test
    void edgesOutsideTheFourDigitYearsAndNull() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            List<String> rendered = render(c, LogicalType.TIMESTAMP, List.of("TIMESTAMP '10000-01-01 00:00:00.5'", "NULL::TIMESTAMP",
                    "TIMESTAMP '0044-03-15 (BC) 12:00:00'"));
            assertThat(rendered.get(0)).isEqualTo("10000-01-01T00:00:00.5");
            assertThat(rendered.get(1)).isNull();
            assertThat(rendered.get(2)).as("a BC year, through strftime").endsWith("-03-15T12:00:00");
            assertThat(render(c, LogicalType.TIMESTAMP_TZ, List.of("NULL::TIMESTAMPTZ")).get(0)).isNull();
        }
    }
}
