package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.SettingSpec;
import dev.sluice.destination.DestinationTypes;
import dev.sluice.format.FileFormats;
import dev.sluice.notify.NotifierSettings;
import dev.sluice.notify.NotifierTypes;
import dev.sluice.plan.Guards;
import dev.sluice.plan.Retention;
import dev.sluice.source.types.SourceTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tables of docs/workspace.md list exactly the settings the code describes ({@link SettingSpec}
 * lists: {@link ActivationSettings}, {@link EntrySettings}, and each format, source, destination and
 * notification type's own), with the same defaults and, where the table has an "allowed" column,
 * every allowed value of a choice.
 */
class SettingsDocsTest {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static List<String> doc;

    @BeforeAll
    static void read() throws Exception {
        doc = Files.readAllLines(Path.of("docs", "workspace.md"));
    }

    @Test
    void theActivationTableListsEveryActivationSetting() {
        check("## activations", ActivationSettings.SETTINGS, true);
    }

    @Test
    void theModelAndSegmentTablesListTheirSettings() {
        check("## models", EntrySettings.MODEL, false);
        check("## segments", EntrySettings.SEGMENT, false);
    }

    @Test
    void eachFormatsOptionTableListsItsOptions() {
        for (String type : FileFormats.typeNames()) {
            check("**" + type + "**", FileFormats.REGISTRY.settings(type), true);
        }
    }

    @Test
    void eachSourceAndDestinationTypesTableListsItsSettings() {
        for (String type : SourceTypes.typeNames()) {
            check("### " + type, SourceTypes.REGISTRY.settings(type), false);
        }
        for (String type : DestinationTypes.typeNames()) {
            check("### " + type, DestinationTypes.REGISTRY.settings(type), false);
        }
    }

    @Test
    void theNotificationTablesListTheCommonAndEachTypesSettings() {
        check("## notifications", NotifierSettings.SETTINGS, false);
        for (String type : NotifierTypes.typeNames()) {
            List<SettingSpec> own = NotifierTypes.REGISTRY.settings(type).stream()
                    .filter(s -> !NotifierSettings.KEYS.contains(s.key())).toList();
            check("### " + type, own, false);
        }
    }

    @Test
    void theHooksAndLineageTablesListTheirSettings() {
        check("## hooks", Hook.SETTINGS, false);
        check("## lineage", LineageConfig.SETTINGS, false);
        assertThat(table("### trigger").keySet()).containsExactlyInAnyOrderElementsOf(
                Trigger.DBT_CLOUD.stream().map(s -> "dbt_cloud." + s.key()).toList());
    }

    @Test
    void theGuardAndRetentionTablesNameEveryKey() {
        assertThat(table("### guards").keySet()).containsExactlyInAnyOrderElementsOf(SettingSpec.keys(Guards.SETTINGS));
        assertThat(table("### retention").keySet()).containsExactlyInAnyOrderElementsOf(SettingSpec.keys(Retention.SETTINGS));
    }

    /**
     * The table under {@code heading} lists the keys of {@code settings} (and their children, as
     * {@code parent.child}, when the table lists them), each with the described default; {@code type}
     * may be left to the page's prose. With {@code allowed}, the third column names every value of a choice.
     */
    private static void check(String heading, List<SettingSpec> settings, boolean allowed) {
        Map<String, List<String>> rows = table(heading);
        Map<String, SettingSpec> described = new LinkedHashMap<>();
        for (SettingSpec setting : settings) {
            described.put(setting.key(), setting);
            for (SettingSpec child : setting.children()) {
                if (rows.containsKey(setting.key() + "." + child.key())) {
                    described.put(setting.key() + "." + child.key(), child);
                }
            }
        }
        if (!rows.containsKey("type")) {
            described.remove("type");
        }
        assertThat(rows.keySet()).as("keys of the table under " + heading).containsExactlyInAnyOrderElementsOf(described.keySet());
        List<String> wrong = new ArrayList<>();
        described.forEach((key, setting) -> {
            List<String> row = rows.get(key);
            String documented = row.get(1).replace("`", "").strip();
            if (!documented.equals(setting.defaultText())) {
                wrong.add(key + ": the docs say '" + documented + "', the description '" + setting.defaultText() + "'");
            }
            if (allowed && !setting.allowed().isEmpty()) {
                List<String> values = codes(row.get(2));
                for (String value : setting.allowed()) {
                    if (!values.contains(value)) {
                        wrong.add(key + ": allowed value '" + value + "' is not in the docs' '" + row.get(2) + "'");
                    }
                }
            }
        });
        assertThat(wrong).as("defaults and allowed values under " + heading).isEmpty();
    }

    /** The first table after the line starting with {@code heading}: each row's keys (the first cell's `code`) → its cells. */
    private static Map<String, List<String>> table(String heading) {
        int at = 0;
        while (at < doc.size() && !doc.get(at).startsWith(heading)) {
            at++;
        }
        assertThat(at).as("a line starting with " + heading + " in docs/workspace.md").isLessThan(doc.size());
        while (at < doc.size() && !doc.get(at).startsWith("|")) {
            at++;
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (at += 2; at < doc.size() && doc.get(at).startsWith("|"); at++) {
            String line = doc.get(at);
            List<String> cells = new ArrayList<>(List.of(line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1)));
            cells.replaceAll(String::strip);
            for (String key : codes(cells.get(0))) {
                rows.put(key, cells);
            }
        }
        return rows;
    }

    private static List<String> codes(String cell) {
        List<String> found = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
