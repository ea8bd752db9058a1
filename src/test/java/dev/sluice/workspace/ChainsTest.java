package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chains of {@code after}: dependents in run order, downstream lists, and each cycle named once. */
class ChainsTest {
    private static Map<String, List<String>> graph(String... entries) {
        Map<String, List<String>> upstream = new LinkedHashMap<>();
        for (String entry : entries) {
            String[] parts = entry.split(":", -1);
            upstream.put(parts[0], parts[1].isEmpty() ? List.of() : List.of(parts[1].split(",")));
        }
        return upstream;
    }

    @Test
    void dependentsRunAfterEveryUpstreamInTheChainInWorkspaceOrder() {
        // e runs after c and d; c after b; b and d after a; x is outside the chain.
        Chains chains = new Chains(graph("e:c,d", "x:", "d:a", "c:b,x", "b:a", "a:"));
        assertThat(chains.withDependents("a")).containsExactly("a", "d", "b", "c", "e");
        assertThat(chains.withDependents("b")).containsExactly("b", "c", "e");
        assertThat(chains.withDependents("e")).containsExactly("e");
        assertThat(chains.downstream("a")).containsExactly("d", "b");
        assertThat(chains.upstream("c")).containsExactly("b", "x");
    }

    @Test
    void eachCycleIsNamedOnceFromItsFirstMember() {
        assertThat(Chains.cycles(graph("a:c", "b:a", "c:b", "d:d", "e:a", "f:"))).containsExactly(
                List.of("a", "c", "b", "a"), List.of("d", "d"));
        assertThat(Chains.cycles(graph("a:b,c", "b:c", "c:"))).isEmpty();
        assertThat(Chains.cycles(graph("a:nowhere"))).as("unknown names are reported elsewhere").isEmpty();
    }
}
