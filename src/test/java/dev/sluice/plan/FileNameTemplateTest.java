package dev.sluice.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FileNameTemplateTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static String render(String template, String instant, ZoneId zone) {
        return FileNameTemplate.parse(template).render(Instant.parse(instant), zone, "vip_daily", "customers", "r42");
    }

    @Test
    void everyVariableForAFixedInstantInUtc() {
        String all = "{YYYY}|{YY}|{MM}|{DD}|{HH}|{mm}|{ss}|{ms}|{X}|{x}|{activation}|{model}|{run}";
        assertThat(render(all, "2025-04-14T09:05:07.089Z", ZoneOffset.UTC))
                .isEqualTo("2025|25|04|14|09|05|07|089|1744621507|1744621507089|vip_daily|customers|r42");
    }

    @Test
    void everyVariableInTwoTimeZones() {
        String all = "{YYYY}-{MM}-{DD}T{HH}:{mm}:{ss}.{ms}_{X}_{x}";
        assertThat(render(all, "2025-04-14T22:30:00.500Z", PARIS)).isEqualTo("2025-04-15T00:30:00.500_1744669800_1744669800500");
        assertThat(render(all, "2025-04-14T22:30:00.500Z", NEW_YORK)).isEqualTo("2025-04-14T18:30:00.500_1744669800_1744669800500");
    }

    @Test
    void specExample() {
        assertThat(render("{YY}-{MM}-{DD}_export", "2025-04-14T12:00:00Z", ZoneOffset.UTC)).isEqualTo("25-04-14_export");
    }

    @Test
    void acrossDaylightSavingChanges() {
        // Paris leaves summer time on 2025-10-26 at 01:00 UTC: 00:59 UTC is 02:59 CEST, 01:00 UTC is 02:00 CET.
        assertThat(render("{DD} {HH}:{mm}", "2025-10-26T00:59:00Z", PARIS)).isEqualTo("26 02:59");
        assertThat(render("{DD} {HH}:{mm}", "2025-10-26T01:00:00Z", PARIS)).isEqualTo("26 02:00");
        // New York enters summer time on 2025-03-09 at 07:00 UTC: 01:59 EST, then 03:00 EDT.
        assertThat(render("{HH}:{mm}", "2025-03-09T06:59:00Z", NEW_YORK)).isEqualTo("01:59");
        assertThat(render("{HH}:{mm}", "2025-03-09T07:00:00Z", NEW_YORK)).isEqualTo("03:00");
    }

    @Test
    void acrossAYearChange() {
        assertThat(render("{YYYY}{YY}{MM}{DD}", "2025-12-31T23:30:00Z", ZoneOffset.UTC)).isEqualTo("20252512" + "31");
        assertThat(render("{YYYY}{YY}{MM}{DD}", "2025-12-31T23:30:00Z", PARIS)).isEqualTo("20262601" + "01");
        assertThat(render("{YYYY}-{MM}-{DD}", "2026-01-01T03:00:00Z", NEW_YORK)).isEqualTo("2025-12-31");
    }

    @Test
    void literalTextIsKept() {
        assertThat(render("export_all", "2025-01-01T00:00:00Z", ZoneOffset.UTC)).isEqualTo("export_all");
        assertThat(render("a{activation}b", "2025-01-01T00:00:00Z", ZoneOffset.UTC)).isEqualTo("avip_dailyb");
    }

    @Test
    void rejectsUnknownVariablesWithASuggestion() {
        assertThatThrownBy(() -> FileNameTemplate.parse("{YYY}_x"))
                .hasMessageStartingWith("unknown variable {YYY}, did you mean {YYYY}?");
        assertThatThrownBy(() -> FileNameTemplate.parse("{date}")).hasMessageStartingWith("unknown variable {date} (variables:");
    }

    @Test
    void rejectsUnbalancedBracesSlashesAndEmptyNames() {
        assertThatThrownBy(() -> FileNameTemplate.parse("{YYYY-{MM}")).hasMessageContaining("unclosed '{' at position 1");
        assertThatThrownBy(() -> FileNameTemplate.parse("x_{MM")).hasMessageContaining("unclosed '{' at position 3");
        assertThatThrownBy(() -> FileNameTemplate.parse("x}")).hasMessageContaining("'}' without '{' at position 2");
        assertThatThrownBy(() -> FileNameTemplate.parse("a/b")).hasMessageContaining("must not contain '/'");
        assertThatThrownBy(() -> FileNameTemplate.parse(" ")).hasMessage("must not be empty");
        assertThatThrownBy(() -> FileNameTemplate.parse("a\nb")).hasMessageContaining("control characters");
    }

    @Test
    void aNameOfItsOwnForEveryRunNeedsTheRunOrTheTimeDownToTheSecond() {
        for (String unique : new String[] {"x_{run}", "{X}", "a{x}b", "{YYYY}{MM}{DD}T{HH}{mm}{ss}", "{YY}-{MM}-{DD}_{HH}{mm}{ss}{ms}"}) {
            assertThat(FileNameTemplate.parse(unique).uniquePerRun()).as(unique).isTrue();
        }
        for (String repeating : new String[] {"people", "{activation}_{model}", "{YYYY}{MM}{DD}", "{HH}{mm}{ss}{ms}",
                "{MM}{DD}{HH}{mm}{ss}", "{YYYY}{MM}{DD}{HH}{mm}"}) {
            assertThat(FileNameTemplate.parse(repeating).uniquePerRun()).as(repeating).isFalse();
        }
    }
}
