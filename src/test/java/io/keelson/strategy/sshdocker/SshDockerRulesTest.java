package io.keelson.strategy.sshdocker;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.catalog.CatalogProblem;
import io.keelson.catalog.SpecBinder;
import io.keelson.support.CatalogRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ssh-docker catalog block: every create setting has its grammar, and SSH login is one of key or password. */
class SshDockerRulesTest {

    private static List<String> fields(String yaml) {
        SpecBinder.Bound bound = SpecBinder.yaml("t.yaml", yaml);
        assertThat(bound).isInstanceOf(SpecBinder.Spec.class);
        return CatalogRules.validator().validate(((SpecBinder.Spec) bound).spec()).stream()
                .map(CatalogProblem::field)
                .toList();
    }

    private static String target(String ssh, String containers) {
        return """
                name: parasite
                strategy: ssh-docker
                ssh: {hosts: [10.0.0.7], user: deploy, knownHostsFile: /run/secrets/known_hosts, %s}
                containers: %s
                """.formatted(ssh, containers);
    }

    @Test
    void theContractsExampleIsValid() {
        assertThat(fields(target("passwordFile: /run/secrets/pw, sudo: true", """
                [{name: parasite, image: registry.example.com/parasite/web:latest,
                  create: {ports: ["8888:8000", "127.0.0.1::9000", "53/udp"], env: {FLASK_CONFIG: production},
                           volumes: ["parasite-data:/data", "/srv/conf:/conf:ro"], restart: unless-stopped,
                           networks: [web], labels: {team: parasite}, envFiles: [/srv/parasite/.env]}}]""")))
                .isEmpty();
    }

    @Test
    void createSettingsOutsideTheirGrammarAreRefused() {
        assertThat(fields(target("privateKeyFile: /k", """
                [{name: app, image: "reg/app:1",
                  create: {ports: ["8888:8000; rm -rf /"], volumes: ["data:/data:rx"], restart: sometimes,
                           env: {"BAD NAME": x}, envFiles: [relative/.env], networks: ["-x"]}}]""")))
                .contains(
                        "containers[0].create.ports[0]",
                        "containers[0].create.volumes[0]",
                        "containers[0].create.restart",
                        "containers[0].create.env",
                        "containers[0].create.envFiles[0]",
                        "containers[0].create.networks[0]");
    }

    @Test
    void containersNeedAValidUniqueNameAndATag() {
        assertThat(fields(target("privateKeyFile: /k", """
                [{name: app, image: "reg/app:1"}, {name: app, image: "reg/app@sha256:%s"}, {name: "a b"}]""".formatted("a".repeat(64)))))
                .contains("containers[1].name", "containers[1].image", "containers[2].name", "containers[2].image");
    }

    @Test
    void sshLogsInOneWay() {
        assertThat(fields(target("privateKeyFile: /k, passwordEnv: PW", "[{name: app, image: reg/app:1}]")))
                .contains("ssh");
        assertThat(fields(target("sudo: true", "[{name: app, image: reg/app:1}]")))
                .contains("ssh");
        assertThat(fields(target("passwordEnv: PW, passphraseFile: /p", "[{name: app, image: reg/app:1}]")))
                .contains("ssh.passphrase");
    }

    @Test
    void anotherStrategysBlockDoesNotApply() {
        assertThat(fields(target("privateKeyFile: /k", "[{name: app, image: reg/app:1}]")
                        + "compose: {projectDir: /srv, services: [x]}\n"))
                .contains("compose");
    }

    @Test
    void theCreateBodyCarriesEachSetting() {
        var create = new io.keelson.catalog.ContainerSpec.CreateSpec(
                List.of("8888:8000", "127.0.0.1::9000/udp"),
                Map.of("A", "1"),
                null,
                List.of("data:/data"),
                "on-failure:3",
                List.of("front", "back"),
                Map.of("team", "x"));

        Map<String, String> fromFiles = new LinkedHashMap<>();
        fromFiles.put("A", "from-file");
        fromFiles.put("B", "2");
        CatalogCreate body = CatalogCreate.of(create, "reg/app@sha256:" + "b".repeat(64), fromFiles);

        assertThat(body.body().path("Env").toString()).isEqualTo("[\"A=1\",\"B=2\"]");
        assertThat(body.body().path("HostConfig").path("PortBindings").toString())
                .isEqualTo(
                        "{\"8000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8888\"}],\"9000/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]}");
        assertThat(body.body().path("HostConfig").path("RestartPolicy").toString())
                .isEqualTo("{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}");
        assertThat(body.body().path("HostConfig").path("NetworkMode").asText()).isEqualTo("front");
        assertThat(body.laterNetworks()).containsExactly("back");
        assertThat(CatalogCreate.parseEnvFile("# comment\n\nX=1\nY=a=b\n", secret -> {}))
                .containsExactly(Map.entry("X", "1"), Map.entry("Y", "a=b"));
    }
}
