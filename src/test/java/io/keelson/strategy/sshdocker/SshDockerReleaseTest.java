package io.keelson.strategy.sshdocker;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.OPS;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chatbot team's release: three images tagged by one commit, deployed as one deployment. Every
 * container is gated; when one fails, all go back; one rollback undoes the whole release.
 */
@QuarkusTest
class SshDockerReleaseTest {

    private static final List<String> UNITS = List.of("bot", "actions", "web");

    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, String> repos = new LinkedHashMap<>();
    private String target;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder containers = new StringBuilder();
        for (String unit : UNITS) {
            names.put(unit, unit + "-" + suffix);
            repos.put(unit, TestImages.uniqueRepo(unit));
            TestImages.push(TestImages.Kind.APP, repos.get(unit) + ":v1");
            Shell.run("docker", "run", "-d", "--name", names.get(unit), repos.get(unit) + ":v1")
                    .require();
            containers.append(containers.isEmpty() ? "" : ",").append("""
                    {"name": "%s", "image": "%s:latest"}""".formatted(names.get(unit), repos.get(unit)));
        }
        target = Api.uniqueTarget();
        as(ADMIN)
                .body("""
                {"name": "%s", "strategy": "ssh-docker",
                 "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "containers": [%s], "rollout": %s}""".formatted(
                                target,
                                TestEnv.SSH_HOST,
                                TestEnv.SSH_PORT,
                                TestEnv.clientKey(),
                                TestEnv.knownHosts(),
                                containers,
                                Api.FAST_ROLLOUT))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
    }

    @AfterEach
    void tearDown() {
        names.values().forEach(name -> Shell.run("docker", "rm", "-f", name));
    }

    @Test
    void aReleaseIsOneDeploymentAndOneRollbackUndoesIt() {
        Map<String, String> v1 = digests("v1");
        Map<String, String> v2 = new LinkedHashMap<>();
        UNITS.forEach(unit -> v2.put(unit, TestImages.push(TestImages.Kind.APP, repos.get(unit) + ":v2")));

        JsonPath d = release("v2", 200);

        assertThat(d.getList("changes.unit", String.class)).containsExactlyElementsOf(names.values());
        assertThat(d.getList("changes.status", String.class)).containsOnly("SUCCEEDED");
        UNITS.forEach(unit -> assertThat(running(unit)).isEqualTo(repos.get(unit) + "@" + v2.get(unit)));

        JsonPath back = as(OPS).body("{}")
                .post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(back.getList("changes.unit", String.class)).containsExactlyInAnyOrderElementsOf(names.values());
        UNITS.forEach(unit -> assertThat(running(unit)).isEqualTo(repos.get(unit) + "@" + v1.get(unit)));
    }

    @Test
    void whenOneImageOfAReleaseFailsEveryContainerGoesBack() {
        Map<String, String> v1 = digests("v1");
        TestImages.push(TestImages.Kind.APP, repos.get("bot") + ":v2");
        TestImages.push(TestImages.Kind.APP, repos.get("actions") + ":v2");
        TestImages.push(TestImages.Kind.CRASH, repos.get("web") + ":v2");

        JsonPath d = release("v2", 424);

        assertThat(d.getString("status")).isEqualTo("ROLLED_BACK");
        assertThat(d.getList("changes.status", String.class)).containsOnly("ROLLED_BACK");
        UNITS.forEach(unit -> assertThat(runningDigest(unit)).as(unit).isEqualTo(v1.get(unit)));
    }

    @Test
    void aReleaseNamingAnotherRepositoryIsRefusedBeforeAnythingIsQueued() {
        String body = """
                {"release": {"%s": "%s:v2", "%s": "%s:v2"}}""".formatted(names.get("bot"), repos.get("web"), names.get("web"), repos.get("web"));

        as(CI).body(body)
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(400);

        as(CI).get("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(200)
                .body("size()", org.hamcrest.Matchers.is(0));
    }

    private JsonPath release(String tag, int status) {
        StringBuilder members = new StringBuilder();
        UNITS.forEach(unit -> members.append(members.isEmpty() ? "" : ",")
                .append("\"%s\": \"%s:%s\"".formatted(names.get(unit), repos.get(unit), tag)));
        return as(CI).body("{\"release\": {" + members + "}, \"reason\": \"release " + tag + "\"}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    private Map<String, String> digests(String tag) {
        Map<String, String> digests = new LinkedHashMap<>();
        UNITS.forEach(unit -> digests.put(unit, TestImages.digestOf(repos.get(unit) + ":" + tag)));
        return digests;
    }

    private String running(String unit) {
        return Shell.run("docker", "inspect", "--format", "{{.Config.Image}}", names.get(unit))
                .require()
                .strip();
    }

    /** The registry digest of what the container runs, whatever reference it was started from. */
    private String runningDigest(String unit) {
        String image = Shell.run("docker", "inspect", "--format", "{{.Image}}", names.get(unit))
                .require()
                .strip();
        String repoDigests = Shell.run(
                        "docker", "image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", image)
                .require();
        return repoDigests
                .lines()
                .filter(l -> l.startsWith(repos.get(unit) + "@"))
                .map(l -> l.substring(l.indexOf('@') + 1))
                .findFirst()
                .orElse(null);
    }
}
