package dev.sluice.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.config.Node;
import dev.sluice.config.Problems;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Guards parse(String yaml, Problems problems) throws Exception {
        return Guards.parse(Node.root(YAML.readTree("guards: " + yaml), "test", problems).get("guards"));
    }

    private static Guards parse(String yaml) throws Exception {
        Problems problems = new Problems();
        Guards guards = parse(yaml, problems);
        assertThat(problems.list()).isEmpty();
        return guards;
    }

    @Test
    void aPercentageIsOfThePreviousRowsAndRoundsDown() throws Exception {
        Guards guards = parse("{max_removed: 20%, max_updated: 0.5%}");
        // 20% of 1,234 is 246.8: 246 removed rows pass, 247 break the guard.
        List<Guards.Result> passed = guards.check(new Guards.Measured(1000, 0, 6, 246, 1234, null), false);
        assertThat(passed).extracting(Guards.Result::outcome).containsExactly("passed", "passed");
        assertThat(passed.get(0).limitRows()).isEqualTo(6);
        assertThat(passed.get(1).limitRows()).isEqualTo(246);
        List<Guards.Result> broken = guards.check(new Guards.Measured(1000, 0, 7, 247, 1234, null), false);
        assertThat(broken).extracting(Guards.Result::guard).containsExactly("max_updated", "max_removed");
        assertThat(broken).allMatch(Guards.Result::broken);
        assertThat(broken.get(1).describe()).isEqualTo("max_removed 20% (246 rows): 247 removed");
    }

    @Test
    void absoluteLimitsAndTheRowsRead() throws Exception {
        Guards guards = parse("{min_rows: 10, max_rows: 1000, max_changed_rows: 100}");
        assertThat(guards.check(new Guards.Measured(10, 50, 25, 25, 10, null), false)).noneMatch(Guards.Result::broken);
        List<Guards.Result> results = guards.check(new Guards.Measured(9, 50, 25, 26, 10, null), false);
        assertThat(results).extracting(Guards.Result::outcome).containsExactly("broken", "passed", "broken");
        assertThat(results.get(0).describe()).isEqualTo("min_rows 10: 9 rows read");
        assertThat(results.get(2).describe()).isEqualTo("max_changed_rows 100: 101 changed (added + updated + removed)");
        assertThat(guards.check(new Guards.Measured(1001, 0, 0, 0, 1001, null), false).get(1).broken()).isTrue();
    }

    @Test
    void changeLimitsAreNotCheckedWithoutAComparisonButRowLimitsAre() throws Exception {
        Guards guards = parse("{max_added: 5, min_rows: 3}");
        List<Guards.Result> first = guards.check(new Guards.Measured(2, 2, 0, 0, 0, "no previous snapshot to compare with"), false);
        assertThat(first).extracting(Guards.Result::outcome).containsExactly("broken", "not_checked");
        assertThat(first.get(1).note()).isEqualTo("no previous snapshot to compare with");
    }

    @Test
    void maxBytesBilledIsASizeCheckedBeforeReadingAndNotAmongTheChangeGuards() throws Exception {
        Guards guards = parse("{max_bytes_billed: 10GB, max_rows: 5}");
        assertThat(guards.check(new Guards.Measured(6, 0, 0, 0, 0, null), false)).extracting(Guards.Result::guard).containsExactly("max_rows");
        assertThat(guards.checkBilled(10_000_000_000L, false).orElseThrow().outcome()).isEqualTo("passed");
        Guards.Result broken = guards.checkBilled(10_000_000_001L, false).orElseThrow();
        assertThat(broken.broken()).isTrue();
        assertThat(broken.describe()).isEqualTo("max_bytes_billed 10GB (10,000,000,000 bytes): 10,000,000,001 bytes billed "
                + "(estimated by dry runs before anything was read)");
        assertThat(guards.checkBilled(10_000_000_001L, true).orElseThrow().outcome()).isEqualTo("lifted");
        assertThat(parse("{max_rows: 5}").checkBilled(1, false)).isEmpty();
        Problems problems = new Problems();
        parse("{max_bytes_billed: 10%}", problems);
        assertThat(problems.list().get(0).toString()).contains("guards.max_bytes_billed").contains("must be a size such as 64MB");
    }

    @Test
    void liftedGuardsAreRecordedAsLifted() throws Exception {
        List<Guards.Result> results = parse("{max_removed: 1}").check(new Guards.Measured(5, 0, 0, 2, 7, null), true);
        assertThat(results).extracting(Guards.Result::outcome).containsExactly("lifted");
        assertThat(results).noneMatch(Guards.Result::broken);
    }

    @Test
    void everyBadValueIsNamedWithItsKeyPath() throws Exception {
        Problems problems = new Problems();
        parse("{max_removed: '20 percent', max_rows: 1e6, min_rows: 5, max_updated: 100.5%}", problems);
        assertThat(problems.list()).extracting(Object::toString).anySatisfy(p -> assertThat(p).contains("guards.max_removed")
                .contains("got '20 percent'")).anySatisfy(p -> assertThat(p).contains("guards.max_rows").contains("whole number"))
                .anySatisfy(p -> assertThat(p).contains("guards.max_updated").contains("at most 100%"));
        assertThat(parse("{}").isEmpty()).isTrue();
    }
}
