package io.keelson.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetOverlapTest {

    private static TargetSpec yaml(String text) {
        return ((SpecBinder.Spec) SpecBinder.yaml("t.yaml", text)).spec();
    }

    private static TargetSpec watch(String name, String engine, String scope) {
        return yaml(
                "name: " + name + "\nstrategy: watch\n" + (engine == null ? "" : "docker: {host: '" + engine + "'}\n")
                        + (scope == null ? "" : "watch: {scope: '" + scope + "'}\n"));
    }

    private static TargetSpec compose(String name, String host, int port, String dir) {
        return yaml("""
                name: %s
                strategy: ssh-compose
                ssh: {hosts: [other.example, %s], port: %d, user: deploy, privateKeyFile: /k, knownHostsFile: /kh}
                compose: {projectDir: '%s', services: [bot]}
                """.formatted(name, host, port, dir));
    }

    private static TargetSpec docker(String name, String host, String... containers) {
        StringBuilder list = new StringBuilder();
        for (String c : containers) {
            list.append(list.isEmpty() ? "" : ", ").append("{name: ").append(c).append(", image: r/x:latest}");
        }
        return yaml("""
                name: %s
                strategy: ssh-docker
                ssh: {hosts: [%s], user: deploy, privateKeyFile: /k, knownHostsFile: /kh}
                containers: [%s]
                """.formatted(name, host, list));
    }

    private static Optional<String> overlap(TargetSpec spec, TargetSpec... others) {
        return TargetOverlap.with(spec, List.of(others)).map(CatalogProblem::toString);
    }

    @Test
    void watchTargetsOnOneEngineOverlapWhenTheirScopesDoOrEitherHasNone() {
        assertThat(overlap(watch("b", null, ""), watch("a", null, "prod")))
                .hasValue("watch.scope: target 'b' overlaps target 'a': scope '' watches every container of the engine"
                        + " on unix:///var/run/docker.sock; give each target on one engine its own non-empty scope");
        assertThat(overlap(watch("b", null, "prod"), watch("a", DockerSpec.LOCAL, null)))
                .hasValueSatisfying(p -> assertThat(p).contains("target 'b' overlaps target 'a'"));
        assertThat(overlap(watch("b", null, "prod"), watch("a", null, "prod")))
                .hasValueSatisfying(p -> assertThat(p).contains("both watch scope 'prod'"));

        assertThat(overlap(watch("b", null, "dev"), watch("a", null, "prod"))).isEmpty();
        assertThat(overlap(watch("b", "tcp://10.0.0.9:2376", ""), watch("a", null, "")))
                .isEmpty();
        assertThat(overlap(watch("a", null, ""), watch("a", null, "")))
                .as("itself")
                .isEmpty();
    }

    @Test
    void composeTargetsOverlapOnOneProjectFolderOfOneHost() {
        assertThat(overlap(compose("b", "10.0.0.5", 22, "/srv/app/"), compose("a", "10.0.0.5", 22, "/srv/app")))
                .hasValue("compose.projectDir: target 'b' overlaps target 'a': both deploy the compose project in"
                        + " /srv/app on other.example:22; one project folder belongs to one target");

        assertThat(overlap(compose("b", "10.0.0.5", 22, "/srv/app"), compose("a", "10.0.0.6", 2222, "/srv/app")))
                .as("the shared other.example, on another port, is another sshd")
                .isEmpty();
        assertThat(overlap(compose("b", "10.0.0.5", 22, "/srv/api"), compose("a", "10.0.0.5", 22, "/srv/app")))
                .isEmpty();
    }

    @Test
    void dockerTargetsOverlapOnOneContainerNameOfOneHost() {
        assertThat(overlap(docker("b", "10.0.0.7", "web", "worker"), docker("a", "10.0.0.7", "worker")))
                .hasValue("containers[1].name: target 'b' overlaps target 'a': both deploy container 'worker' on"
                        + " 10.0.0.7:22; one container belongs to one target");

        assertThat(overlap(docker("b", "10.0.0.8", "worker"), docker("a", "10.0.0.7", "worker")))
                .isEmpty();
        assertThat(overlap(docker("b", "10.0.0.7", "web"), docker("a", "10.0.0.7", "worker")))
                .isEmpty();
    }

    @Test
    void targetsOfTwoStrategiesAreNotCompared() {
        assertThat(overlap(watch("b", null, ""), compose("a", "10.0.0.5", 22, "/srv/app")))
                .isEmpty();
    }
}
