package io.keelson;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps each outside library inside its one wrapper, and dependencies pointing one way. */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.keelson");

    @Test
    void sshjStaysInTheSshStrategy() {
        noClasses().that().resideOutsideOfPackage("io.keelson.strategy.ssh..")
                .should().dependOnClassesThat().resideInAPackage("net.schmizz..")
                .check(MAIN);
    }

    @Test
    void dockerJavaStaysInTheWatchStrategy() {
        noClasses().that().resideOutsideOfPackage("io.keelson.strategy.watch..")
                .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..")
                .check(MAIN);
    }

    @Test
    void dependenciesPointFromApiToDeployToStrategy() {
        noClasses().that().resideInAnyPackage("io.keelson.deploy..", "io.keelson.strategy..", "io.keelson.catalog..", "io.keelson.registry..")
                .should().dependOnClassesThat().resideInAPackage("io.keelson.api..")
                .check(MAIN);
        noClasses().that().resideInAnyPackage("io.keelson.strategy..", "io.keelson.catalog..", "io.keelson.registry..")
                .should().dependOnClassesThat().resideInAPackage("io.keelson.deploy..")
                .check(MAIN);
        noClasses().that().resideInAnyPackage("io.keelson.catalog..", "io.keelson.registry..")
                .should().dependOnClassesThat().resideInAPackage("io.keelson.strategy..")
                .check(MAIN);
    }
}
