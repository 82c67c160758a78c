package io.keelson.api;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.TEAM_ADMIN;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetCatalog;
import io.keelson.support.Api;
import io.keelson.support.TestSecrets;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Secrets a target holds or names, through the API: {@code create.env} values are never shown, and
 * the {@code …Env}/{@code …File} fields of an API-defined target name only what the token may (the
 * test token team-admin may name KEELSON_SECRET_TEAM_* and files under target/allowed-secrets).
 */
@QuarkusTest
class SecretSourcesApiTest {

    private static final String ENV_VALUE = TestSecrets.remember("create-env-value-never-shown");
    private static final Path ALLOWED = Path.of("target/allowed-secrets").toAbsolutePath();

    @Inject
    TargetCatalog catalog;

    private static String sshCompose(String name, String keyFile, String registry) {
        return """
                {"name": "%s", "strategy": "ssh-compose",
                 "ssh": {"hosts": ["127.0.0.1"], "port": 2222, "user": "deploy", "privateKeyFile": "%s",
                         "knownHostsFile": "%s"},
                 "compose": {"projectDir": "/srv/%s", "services": ["bot"]},
                 "registry": %s}
                """.formatted(name, keyFile, ALLOWED.resolve("known_hosts"), name, registry);
    }

    private static String registry(String passwordEnv) {
        return "{\"server\": \"attacker.example\", \"username\": \"u\", \"passwordEnv\": \"" + passwordEnv + "\"}";
    }

    /** Each target's own container: two targets may not share one (they would overlap). */
    private static String unit(String target) {
        return target + "-app";
    }

    private static String container(String name, String env) {
        return """
                {"name": "%s", "strategy": "ssh-docker",
                 "ssh": {"hosts": ["127.0.0.1"], "port": 2222, "user": "root", "privateKeyFile": "/k", "knownHostsFile": "/kh"},
                 "containers": [{"name": "%s", "image": "registry.example.com/app:latest",
                                 "create": {"env": %s}}]}
                """.formatted(name, unit(name), env);
    }

    @Test
    void aReadTokenSeesCreateEnvValuesMasked() {
        String name = Api.uniqueTarget();
        as(ADMIN)
                .body(container(name, "{\"DB_PASSWORD\": \"" + ENV_VALUE + "\"}"))
                .post("/api/v1/targets")
                .then()
                .statusCode(201)
                .body("containers[0].create.env.DB_PASSWORD", equalTo(Redactor.MASK));

        String body = as(READER)
                .get("/api/v1/targets/" + name)
                .then()
                .statusCode(200)
                .body("containers[0].create.env.DB_PASSWORD", equalTo(Redactor.MASK))
                .extract()
                .asString();

        assertThat(body).doesNotContain(ENV_VALUE);
    }

    @Test
    void aMaskedValueSentBackKeepsTheStoredOneAndIsRefusedWhereNoneIsStored() {
        String name = Api.uniqueTarget();
        as(ADMIN)
                .body(container(name, "{\"DB_PASSWORD\": \"" + ENV_VALUE + "\"}"))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);

        as(ADMIN)
                .body(container(name, "{\"DB_PASSWORD\": \"********\", \"MODE\": \"blue-green\"}"))
                .put("/api/v1/targets/" + name)
                .then()
                .statusCode(200);
        assertThat(catalog.find(name)
                        .orElseThrow()
                        .spec()
                        .container(unit(name))
                        .orElseThrow()
                        .create()
                        .env())
                .containsEntry("DB_PASSWORD", ENV_VALUE)
                .containsEntry("MODE", "blue-green");

        as(ADMIN)
                .body(container(name, "{\"NEW_KEY\": \"********\"}"))
                .put("/api/v1/targets/" + name)
                .then()
                .statusCode(400)
                .body("message", containsString("containers[0].create.env.NEW_KEY: is the mask"));
        as(ADMIN)
                .body(container(Api.uniqueTarget(), "{\"DB_PASSWORD\": \"********\"}"))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_target"));
    }

    @Test
    void aScopedAdminIsRefusedASecretSourceOutsideItsAllowList() {
        as(TEAM_ADMIN)
                .body(sshCompose(Api.uniqueTarget(), ALLOWED.resolve("key").toString(), registry("OTHER_TOKEN")))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_target"))
                .body(
                        "message",
                        allOf(
                                containsString("registry.passwordEnv: OTHER_TOKEN is not on this token's allow-list"),
                                containsString("[KEELSON_SECRET_TEAM_]")));
        as(TEAM_ADMIN)
                .body(sshCompose(
                        Api.uniqueTarget(), "/etc/ssh/ssh_host_ed25519_key", registry("KEELSON_SECRET_TEAM_X")))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body(
                        "message",
                        allOf(
                                containsString(
                                        "ssh.privateKeyFile: /etc/ssh/ssh_host_ed25519_key is not on this token's"),
                                containsString("target/allowed-secrets")));
        as(TEAM_ADMIN)
                .body(sshCompose(Api.uniqueTarget(), ALLOWED + "/../../pom.xml", registry("KEELSON_SECRET_TEAM_X")))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("message", containsString("must not contain '..'"));
    }

    @Test
    void aScopedAdminMayNameSourcesInsideItsAllowList() throws Exception {
        Files.createDirectories(ALLOWED);
        String name = Api.uniqueTarget();

        as(TEAM_ADMIN)
                .body(sshCompose(name, ALLOWED.resolve("key").toString(), registry("KEELSON_SECRET_TEAM_REGISTRY")))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        as(TEAM_ADMIN)
                .body(sshCompose(name, ALLOWED.resolve("key").toString(), registry("KEELSON_SECRET_OTHER")))
                .put("/api/v1/targets/" + name)
                .then()
                .statusCode(400)
                .body("message", containsString("registry.passwordEnv"));
    }

    @Test
    void keelsonsOwnSettingsAreRefusedToEveryAdmin() {
        for (String token : new String[] {ADMIN, TEAM_ADMIN}) {
            as(token)
                    .body(sshCompose(
                            Api.uniqueTarget(),
                            ALLOWED.resolve("key").toString(),
                            registry("QUARKUS_DATASOURCE_PASSWORD")))
                    .post("/api/v1/targets")
                    .then()
                    .statusCode(400)
                    .body(
                            "message",
                            containsString("registry.passwordEnv: QUARKUS_DATASOURCE_PASSWORD is one of Keelson's own"
                                    + " settings"));
        }
        as(ADMIN)
                .body(sshCompose(Api.uniqueTarget(), "/proc/self/environ", registry("SOME_TOKEN")))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("message", containsString("ssh.privateKeyFile: /proc/self/environ is Keelson's own process"));
    }
}
