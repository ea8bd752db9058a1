package dev.sluice.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The picture of the packages in docs/development.md is kept current: its arrows (room --> room) are
 * exactly the imports between the product's top-level packages ("rooms"), measured from the classes.
 */
class PackagePictureTest {
    private static final String ROOT = "dev.sluice";
    private static final Pattern ARROW = Pattern.compile("^\\s*(\\w+)\\s*-->\\s*(\\w+)\\s*$", Pattern.MULTILINE);

    /** Every "room A --> room B" where a class of A uses a class of B. */
    static Set<String> measured() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages(ROOT);
        Set<String> arrows = new TreeSet<>();
        for (JavaClass javaClass : classes) {
            String from = room(javaClass.getPackageName());
            for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                String to = room(dependency.getTargetClass().getPackageName());
                // Every room may use the base's errors and config reading: those arrows are not drawn.
                if (from != null && to != null && !from.equals(to) && !to.equals("error") && !to.equals("config")) {
                    arrows.add(from + " --> " + to);
                }
            }
        }
        return arrows;
    }

    private static String room(String packageName) {
        if (!packageName.startsWith(ROOT + ".")) {
            return null;
        }
        String rest = packageName.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    static Set<String> drawn() throws IOException {
        String doc = Files.readString(Path.of("docs/development.md"));
        int start = doc.indexOf("```mermaid");
        assertThat(start).as("docs/development.md has a mermaid picture of the packages").isNotNegative();
        String picture = doc.substring(start, doc.indexOf("```", start + 10));
        Set<String> arrows = new TreeSet<>();
        Matcher m = ARROW.matcher(picture);
        while (m.find()) {
            arrows.add(m.group(1) + " --> " + m.group(2));
        }
        return arrows;
    }

    @Test
    void thePictureDrawsEveryImportBetweenPackagesAndNoOther() throws IOException {
        Set<String> measured = measured();
        Set<String> drawn = drawn();
        Set<String> missing = new TreeSet<>(measured);
        missing.removeAll(drawn);
        Set<String> extra = new TreeSet<>(drawn);
        extra.removeAll(measured);
        assertThat(missing).as("imports between packages that the picture in docs/development.md lacks (add the arrows)").isEmpty();
        assertThat(extra).as("arrows of the picture in docs/development.md that no import makes (remove them)").isEmpty();
    }
}
