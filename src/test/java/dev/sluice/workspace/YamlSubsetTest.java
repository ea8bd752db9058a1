package dev.sluice.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.Problem;
import dev.sluice.config.Problems;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a workspace file may use of YAML: one document, plain keys, no tags, no aliases; each problem names where. */
class YamlSubsetTest {
    private Problems problems;

    private boolean check(String yaml) {
        problems = new Problems();
        return YamlSubset.check(yaml.getBytes(StandardCharsets.UTF_8), "sluice.yaml", problems);
    }

    private List<String> messages() {
        return problems.list().stream().map(Problem::toString).toList();
    }

    @Test
    void plainWorkspaceYamlPasses() {
        assertThat(check("""
                %YAML 1.2
                ---
                models:
                  m: {sql: "SELECT 1 AS id", primary_key: [id]}
                activations:
                  a:
                    model: m
                    mapping: [{from: id, to: "Id"}]
                    format: |
                      csv
                """)).isTrue();
        assertThat(messages()).isEmpty();
    }

    @Test
    void secondDocumentIsAnErrorNamingItsLine() {
        assertThat(check("""
                activations:
                  a: {model: m}
                ---
                activations:
                  b: {model: m}
                """)).isTrue();
        assertThat(messages()).containsExactly("sluice.yaml: line 3: a second YAML document ('---') is not supported: "
                + "a workspace file holds one mapping; put everything in one document");
        // Only the document marker counts: an empty first document does not hide the second.
        check("---\n---\nmodels: {}\n");
        assertThat(messages()).singleElement().asString().startsWith("sluice.yaml: line 2: a second YAML document");
        check("a: 1\n--- {b: 2}\n");
        assertThat(messages()).singleElement().asString().startsWith("sluice.yaml: line 2: a second YAML document");
        check("a: 1\n--- \"\"\n");
        assertThat(messages()).hasSize(1);
    }

    @Test
    void emptyTrailingDocumentsAndEndMarkersAreAccepted() {
        for (String yaml : List.of("a: 1\n---\n", "a: 1\n--- # end\n# nothing more\n", "a: 1\n...\n", "a: 1\n...\n---\n",
                "a: 1\n---\n---\n")) {
            assertThat(check(yaml)).isTrue();
            assertThat(messages()).as(yaml).isEmpty();
        }
    }

    @Test
    void textAfterAnEndMarkerIsASyntaxErrorThatIsNotLost() {
        check("a: 1\n...\nb: 2\n");
        assertThat(messages()).singleElement().asString().startsWith("sluice.yaml: not valid YAML at line 3, column 1:");
    }

    @Test
    void syntaxErrorsInTheDocumentAreLeftToTheTreeReader() {
        assertThat(check("a: [1, 2\n")).isTrue();
        assertThat(messages()).isEmpty();
    }

    @Test
    void tagsAreErrorsNamingTheKeyPathAndTheTag() {
        check("""
                destinations:
                  out: {type: local, path: !env OUT}
                  other: !local {path: x}
                sources:
                  pg: {type: postgres, password: !env hunter2, user: !ENV "${PG_USER}"}
                models:
                  m:
                    primary_key: [id, !!str 12]
                    !!str sql: SELECT 1
                """);
        assertThat(messages()).containsExactly(
                "sluice.yaml: destinations.out.path: YAML tags such as !env are not supported; write ${OUT} to read an environment variable",
                "sluice.yaml: destinations.other: YAML tags such as !local are not supported; remove the tag",
                "sluice.yaml: sources.pg.password: YAML tags such as !env are not supported; write ${NAME} to read an environment variable",
                "sluice.yaml: sources.pg.user: YAML tags such as !ENV are not supported; remove the tag: ${NAME} alone reads an environment variable",
                "sluice.yaml: models.m.primary_key[1]: YAML tags such as !!str are not supported; remove the tag (quote the value to keep it as text)",
                "sluice.yaml: models.m.sql: YAML tags such as !!str are not supported; remove the tag");
    }

    @Test
    void complexKeysLeaveTheFileUnreadableWithAPlainMessage() {
        assertThat(check("models: {}\n? [a, b]\n: 1\n")).isFalse();
        assertThat(messages()).containsExactly("sluice.yaml: line 2, column 3: keys must be plain text, got a list "
                + "('? ...' complex keys are not supported); write a plain name before the colon");
        assertThat(check("activations:\n  a:\n    format: {? {type: csv} : x}\n")).isFalse();
        assertThat(messages()).singleElement().asString()
                .startsWith("sluice.yaml: activations.a.format: line 3, column 16: keys must be plain text, got a mapping");
        assertThat(check("a: &k x\nb:\n  *k : 1\n")).isFalse();
        assertThat(messages()).singleElement().asString().startsWith("sluice.yaml: b: line 3, column 3: keys must be plain text, got an alias (*k)");
        assertThat(messages()).allSatisfy(m -> assertThat(m).doesNotContain("Event", "org.yaml"));
    }

    @Test
    void aliasesAreErrorsAnchorsAloneAreNot() {
        check("""
                destinations:
                  out: &where {type: local, path: out}
                  again: *where
                activations:
                  a: {model: m, destination: out, mapping: [{from: id}, *where]}
                """);
        assertThat(messages()).containsExactly(
                "sluice.yaml: destinations.again: YAML aliases such as *where are not supported; write the value itself",
                "sluice.yaml: activations.a.mapping[1]: YAML aliases such as *where are not supported; write the value itself");
    }
}
