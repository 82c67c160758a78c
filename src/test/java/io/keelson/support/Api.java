package io.keelson.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** The test tokens of application.properties and helpers to create targets through the API. */
public final class Api {

    public static final String ADMIN = "test-admin-token-0123456789";
    public static final String CI = "test-ci-token-0123456789";
    public static final String READER = "test-reader-token-0123456789";
    public static final String OPS = "test-ops-token-0123456789";
    /** An admin of the it-* targets only: its targets may name only the allowed secret sources. */
    public static final String TEAM_ADMIN = "test-team-admin-token-0123456789";

    private Api() {}

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    /** A target name the ci token may deploy (it-*), unique to the test. */
    public static String uniqueTarget() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates an ssh-compose target for {@code project} on the test sshd; returns its name. */
    public static String createSshTarget(
            ComposeProject project, List<String> services, Path knownHosts, String rollout) {
        return createSshTarget(project, List.of(TestEnv.SSH_HOST), services, knownHosts, rollout);
    }

    /** The same with the hosts given, rolled in that order. */
    public static String createSshTarget(
            ComposeProject project, List<String> hosts, List<String> services, Path knownHosts, String rollout) {
        return createSshTarget(project, hosts, services, knownHosts, rollout, "");
    }

    /** The same with {@code extra} JSON members added to the target, e.g. {@code , "allowedImages": [...]}. */
    public static String createSshTarget(
            ComposeProject project,
            List<String> hosts,
            List<String> services,
            Path knownHosts,
            String rollout,
            String extra) {
        String name = uniqueTarget();
        String body = """
                {"name": "%s", "strategy": "ssh-compose", "description": "integration test",
                 "ssh": {"hosts": [%s], "port": %d, "user": "root",
                         "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "compose": {"projectDir": "%s", "projectName": "%s", "files": ["docker-compose.yml"],
                             "services": [%s]},
                 "rollout": %s%s}
                """.formatted(
                name,
                String.join(",", hosts.stream().map(h -> "\"" + h + "\"").toList()),
                TestEnv.SSH_PORT,
                TestEnv.clientKey(),
                knownHosts,
                project.dir(),
                project.name(),
                String.join(",", services.stream().map(s -> "\"" + s + "\"").toList()),
                rollout,
                extra);
        as(ADMIN).body(body).post("/api/v1/targets").then().statusCode(201);
        return name;
    }

    /** Deletes an API-defined target, e.g. so that another may take its compose project (one project, one target). */
    /**
     * A deployment of {@code target} asked for with the CI token and an empty body, waited for
     * ({@code ?wait=true}); fails the test, showing the answer, unless its status is {@code status}.
     */
    public static JsonPath deploy(String target, int status) {
        var response = as(CI).body("{}").post("/api/v1/targets/" + target + "/deployments?wait=true");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        return response.jsonPath();
    }

    /** How many deployments the history of {@code target} holds. */
    public static int history(String target) {
        return as(ADMIN)
                .get("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(200)
                .extract()
                .path("size()");
    }

    public static void deleteTarget(String name) {
        as(ADMIN).delete("/api/v1/targets/" + name).then().statusCode(204);
    }

    /**
     * The JSON of an ssh-compose target for {@code project}'s service bot on the test sshd, for the
     * tests that create it in a Keelson of their own (a separate process, a replica).
     */
    public static String botTargetJson(String name, ComposeProject project, String healthTimeout, String stableFor) {
        return """
                {"name": "%s", "strategy": "ssh-compose",
                 "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "compose": {"projectDir": "%s", "projectName": "%s", "services": ["bot"]},
                 "rollout": {"healthTimeout": "%s", "stableFor": "%s", "onFailure": "rollback"}}
                """.formatted(
                        name,
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.clientKey(),
                        TestEnv.knownHosts(),
                        project.dir(),
                        project.name(),
                        healthTimeout,
                        stableFor);
    }

    /**
     * Health gate short enough for tests: stable for 1s, at most 8s (a container that crash-loops is
     * failed after 8s instead of waiting out a production-sized timeout).
     */
    public static final String FAST_ROLLOUT =
            "{\"healthTimeout\": \"8s\", \"stableFor\": \"1s\", \"onFailure\": \"rollback\"}";
}
