package io.keelson;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.keelson.api.Requires;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps each outside library inside its one wrapper, and dependencies pointing one way. */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.keelson");

    @Test
    void sshjStaysInTheSshStrategy() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.keelson.strategy.ssh..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("net.schmizz..")
                .check(MAIN);
    }

    @Test
    void dockerJavaStaysInTheEngineClient() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.keelson.strategy.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.github.dockerjava..")
                .check(MAIN);
    }

    @Test
    void dependenciesPointFromApiToDeployToStrategy() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.keelson.deploy..", "io.keelson.strategy..", "io.keelson.catalog..", "io.keelson.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.keelson.api..")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAnyPackage("io.keelson.strategy..", "io.keelson.catalog..", "io.keelson.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.keelson.deploy..")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAnyPackage("io.keelson.catalog..", "io.keelson.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.keelson.strategy..")
                .check(MAIN);
    }

    /** Deploy and the API know strategies only through {@code Strategy}: a new strategy changes nothing there. */
    @Test
    void deployAndApiKnowNoStrategyByName() {
        noClasses()
                .that()
                .resideInAnyPackage("io.keelson.deploy..", "io.keelson.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.keelson.strategy.ssh..",
                        "io.keelson.strategy.watch..",
                        "io.keelson.strategy.engine..",
                        "io.keelson.strategy.sshdocker..")
                .check(MAIN);
    }

    /**
     * The package list is the architecture: each package and the Keelson packages it may use. A new
     * package, or a new arrow between two, fails here until it is added on purpose.
     */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("io.keelson", Set.of()),
            Map.entry(
                    "io.keelson.api",
                    keelson(
                            "catalog",
                            "cluster",
                            "deploy",
                            "environment",
                            "health",
                            "identity",
                            "policy",
                            "registry",
                            "strategy")),
            Map.entry("io.keelson.catalog", keelson("cluster", "edge")),
            Map.entry("io.keelson.cluster", Set.of()),
            Map.entry("io.keelson.deploy", keelson("catalog", "cluster", "edge", "policy", "registry", "strategy")),
            Map.entry("io.keelson.edge", keelson("catalog", "strategy", "strategy.engine")),
            // environment -> strategy.ssh: an environment's ports are picked among those free on its hosts
            // (ListeningPorts).
            Map.entry("io.keelson.environment", keelson("catalog", "cluster", "deploy", "strategy", "strategy.ssh")),
            Map.entry("io.keelson.health", keelson("catalog", "strategy")),
            Map.entry("io.keelson.identity", keelson("deploy")),
            Map.entry("io.keelson.notify", keelson("catalog", "deploy", "strategy")),
            Map.entry("io.keelson.policy", keelson("catalog", "registry", "strategy")),
            Map.entry("io.keelson.registry", Set.of()),
            Map.entry("io.keelson.strategy", keelson("catalog", "registry")),
            Map.entry("io.keelson.strategy.engine", keelson("catalog", "registry", "strategy")),
            Map.entry(
                    "io.keelson.strategy.compose",
                    keelson("catalog", "edge", "registry", "strategy", "strategy.engine", "strategy.ssh")),
            // The SSH wrapper: connections, commands, and what a strategy over SSH shares (OverSsh).
            Map.entry("io.keelson.strategy.ssh", keelson("catalog", "edge", "strategy")),
            Map.entry(
                    "io.keelson.strategy.sshdocker",
                    keelson("catalog", "edge", "registry", "strategy", "strategy.engine", "strategy.ssh")),
            Map.entry(
                    "io.keelson.strategy.watch",
                    keelson("catalog", "edge", "registry", "strategy", "strategy.engine")));

    private static Set<String> keelson(String... packages) {
        return java.util.Arrays.stream(packages)
                .map(p -> "io.keelson." + p)
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void everyPackageIsKnownAndUsesOnlyThePackagesItMay() {
        Map<String, Set<String>> actual = new TreeMap<>();
        for (JavaClass c : MAIN) {
            Set<String> uses = actual.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>());
            c.getDirectDependenciesFromSelf().stream()
                    .map(d -> d.getTargetClass().getPackageName())
                    .filter(p -> p.startsWith("io.keelson") && !p.equals(c.getPackageName()))
                    .forEach(uses::add);
        }
        List<String> wrong = new ArrayList<>();
        actual.forEach((pkg, uses) -> {
            if (!MAY_USE.containsKey(pkg)) {
                wrong.add("new package " + pkg + " (uses " + uses + "): add it to MAY_USE on purpose");
            } else {
                uses.stream().filter(u -> !MAY_USE.get(pkg).contains(u)).forEach(u -> wrong.add(pkg + " -> " + u));
            }
        });
        assertThat(wrong).as("the package graph now: %s", actual).isEmpty();
    }

    /** Small classes: a file that grows past this is doing two things. */
    @Test
    void noSourceFileIsOver300Lines() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> tooLong = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> lines(f) > 300)
                    .map(f -> f + " (" + lines(f) + " lines)")
                    .toList();
            assertThat(tooLong).isEmpty();
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The token filter refuses a method without a role; this rule says which one forgot it, at build time. */
    @Test
    void everyEndpointDeclaresTheRoleItNeeds() {
        methods()
                .that()
                .areAnnotatedWith(GET.class)
                .or()
                .areAnnotatedWith(POST.class)
                .or()
                .areAnnotatedWith(PUT.class)
                .or()
                .areAnnotatedWith(DELETE.class)
                .or()
                .areAnnotatedWith(PATCH.class)
                .or()
                .areAnnotatedWith(HEAD.class)
                .should()
                .beAnnotatedWith(Requires.class)
                .check(MAIN);
    }
}
