package io.keelson.deploy;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.TestSecrets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Registry credentials are used for docker login with the password on stdin, and appear nowhere. */
@QuarkusTest
class RegistryLoginTest {

    @Test
    void thePasswordGoesOnStdinAndNeverIntoTheLogOrTheApi() throws Exception {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("login");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        ComposeProject project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        String password = TestSecrets.remember("pw-" + UUID.randomUUID());
        Path passwordFile = Files.createTempFile("keelson-registry", ".txt");
        Files.writeString(passwordFile, password + "\n");
        String name = Api.uniqueTarget();
        String body = """
                {"name": "%s", "strategy": "ssh-compose",
                 "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "compose": {"projectDir": "%s", "projectName": "%s", "services": ["bot"]},
                 "registry": {"server": "%s", "username": "ci-user", "passwordFile": "%s"},
                 "rollout": {"healthTimeout": "20s", "stableFor": "0s"}}
                """.formatted(
                        name,
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.clientKey(),
                        TestEnv.knownHosts(),
                        project.dir(),
                        project.name(),
                        TestEnv.REGISTRY,
                        passwordFile);
        as(ADMIN).body(body).post("/api/v1/targets").then().statusCode(201);
        try {
            JsonPath d = as(CI).body("{}")
                    .post("/api/v1/targets/" + name + "/deployments?wait=true")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();

            assertThat(d.getList("log", String.class))
                    .anyMatch(l -> l.contains("$ docker login --username ci-user --password-stdin " + TestEnv.REGISTRY))
                    .noneMatch(l -> l.contains(password));
            assertThat(d.prettify()).doesNotContain(password);
            assertThat(as(ADMIN)
                            .get("/api/v1/targets/" + name)
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString())
                    .doesNotContain(password);
        } finally {
            project.down();
            Files.deleteIfExists(passwordFile);
        }
    }
}
