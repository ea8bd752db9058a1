package dev.sluice.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/development.md, as rules: each layer imports only the layers below
 * it, no two packages import each other (directly or through others), and the product code uses
 * nothing from the test tree. A broken rule names the offending class and import.
 */
class ArchitectureTest {
    private static final String ROOT = "dev.sluice";
    private static JavaClasses product;
    private static Set<String> testClasses;

    /**
     * Sluice's own classes only: the folders the product and the test classes were compiled to, not the
     * jars on the class path, and no class of a library pulled in to resolve a dependency (a rule here
     * speaks of Sluice's packages; a dependency on a library class is known by its name).
     */
    @BeforeAll
    static void importClasses() {
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        ImportOption sluiceOnly = location -> location.contains("/" + ROOT.replace('.', '/') + "/");
        product = new ClassFileImporter().withImportOption(sluiceOnly).importPath(compiledTo(dev.sluice.cli.Main.class));
        testClasses = new ClassFileImporter().withImportOption(sluiceOnly).importPath(compiledTo(ArchitectureTest.class)).stream()
                .map(JavaClass::getName).collect(Collectors.toSet());
    }

    @AfterAll
    static void resetConfiguration() {
        ArchConfiguration.get().reset();
    }

    /** The folder (target/classes or target/test-classes) a class was loaded from. */
    private static Path compiledTo(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void layersImportOnlyTheLayersBelowThem() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("base: error").definedBy(ROOT + ".error..")
                .layer("base: config").definedBy(ROOT + ".config..")
                .layer("base: engine").definedBy(ROOT + ".engine..")
                .layer("plug-ins").definedBy(ROOT + ".source..", ROOT + ".format..", ROOT + ".destination..",
                        ROOT + ".schedule..", ROOT + ".plan..", ROOT + ".notify..")
                .layer("workspace").definedBy(ROOT + ".workspace..")
                .layer("run: history").definedBy(ROOT + ".history..")
                .layer("run: sync").definedBy(ROOT + ".sync..")
                .layer("run: publish").definedBy(ROOT + ".publish..")
                .layer("run: delivery").definedBy(ROOT + ".delivery..")
                .layer("run: run").definedBy(ROOT + ".run..")
                .layer("entry points").definedBy(ROOT + ".cli..", ROOT + ".server..", ROOT + ".bench..", ROOT + ".demo..")
                .whereLayer("entry points").mayNotBeAccessedByAnyLayer()
                .whereLayer("run: run").mayOnlyBeAccessedByLayers("entry points")
                .whereLayer("run: delivery").mayOnlyBeAccessedByLayers("run: run")
                .whereLayer("run: publish").mayOnlyBeAccessedByLayers("run: delivery", "run: run")
                .whereLayer("run: sync").mayOnlyBeAccessedByLayers("run: run", "entry points")
                .whereLayer("run: history").mayOnlyBeAccessedByLayers("run: publish", "run: delivery", "run: run", "entry points")
                .whereLayer("workspace").mayOnlyBeAccessedByLayers("run: sync", "run: publish", "run: delivery", "run: run", "entry points")
                .whereLayer("plug-ins").mayOnlyBeAccessedByLayers("plug-ins", "workspace", "run: history", "run: sync", "run: publish",
                        "run: delivery", "run: run", "entry points")
                .whereLayer("base: engine").mayOnlyBeAccessedByLayers("plug-ins", "workspace", "run: sync", "run: publish",
                        "run: delivery", "run: run", "entry points")
                .whereLayer("base: config").mayOnlyBeAccessedByLayers("base: engine", "plug-ins", "workspace", "run: history",
                        "run: sync", "run: publish", "run: delivery", "run: run", "entry points");
        rule.check(product);
    }

    @Test
    void pluginsDoNotImportEachOther() {
        // Each plug-in stands on the base alone, so that a new source, format or destination can be
        // read and written without the others.
        for (String plugin : new String[] {"source", "format", "destination", "schedule", "plan", "notify"}) {
            String[] others = java.util.stream.Stream.of("source", "format", "destination", "schedule", "plan", "notify")
                    .filter(p -> !p.equals(plugin)).map(p -> ROOT + "." + p + "..").toArray(String[]::new);
            ArchRuleDefinition.noClasses().that().resideInAPackage(ROOT + "." + plugin + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("plug-ins import only the base layer (error, config, engine)")
                    .check(product);
        }
    }

    @Test
    void eachSourceTypeStandsOnTheCommonSourcePackageAlone() {
        // One sub-package per source type; what two types share lives in dev.sluice.source itself, and
        // only source.types (the list of built-in types) knows them all.
        String[] types = {"duckdb", "postgres", "jdbc", "bigquery"};
        for (String type : types) {
            String[] others = java.util.Arrays.stream(types).filter(t -> !t.equals(type)).map(t -> ROOT + ".source." + t + "..")
                    .toArray(String[]::new);
            ArchRuleDefinition.noClasses().that().resideInAPackage(ROOT + ".source." + type + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others).check(product);
        }
        ArchRuleDefinition.noClasses().that().resideOutsideOfPackages(ROOT + ".source.types..", ROOT + ".source.duckdb..",
                ROOT + ".source.postgres..", ROOT + ".source.jdbc..", ROOT + ".source.bigquery..")
                .and().resideInAPackage(ROOT + ".source..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".source.duckdb..", ROOT + ".source.postgres..",
                        ROOT + ".source.jdbc..", ROOT + ".source.bigquery..")
                .check(product);
    }

    @Test
    void entryPointsTalkToTheRunLayerOnly() {
        // The command line and the server drive runs, resets and checks through run.Runner and read
        // the history; the stages of a run (sync, publish, delivery) are the run layer's own.
        ArchRuleDefinition.noClasses().that().resideInAnyPackage(ROOT + ".cli..", ROOT + ".server..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".sync..", ROOT + ".publish..", ROOT + ".delivery..")
                .check(product);
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(product);
    }

    @Test
    void productCodeUsesNothingFromTheTestTree() {
        ArchRuleDefinition.noClasses().should().dependOnClassesThat(new DescribedPredicate<JavaClass>("live in the test tree") {
            @Override
            public boolean test(JavaClass input) {
                return testClasses.contains(input.getName());
            }
        }).check(product);
        org.assertj.core.api.Assertions.assertThat(testClasses).as("test classes found").contains("dev.sluice.gcs.FakeGcs");
        org.assertj.core.api.Assertions.assertThat(product.stream().map(JavaClass::getName))
                .as("the product classes imported").contains("dev.sluice.cli.Main", "dev.sluice.run.Runner")
                .as("no fake in the product classes").noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains("fake"));
    }
}
