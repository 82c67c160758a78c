package io.keelson.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.ComposeProject;
import io.keelson.support.KeelsonProcess;
import io.keelson.support.ReviewTemplates;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keelson killed with SIGKILL while it creates or ends a review environment, then started again:
 * the environment ends up either working or entirely gone (containers, volumes, networks, folder,
 * its ports free), never half there.
 */
class ReviewEnvironmentKillIT {

    /** Stays up; its gate takes stableFor (3 s), long enough to be killed in. */
    private static final String SLOW_GATE =
            "{\"healthTimeout\": \"20s\", \"stableFor\": \"3s\", \"onFailure\": \"rollback\"}";

    private KeelsonProcess keelson;
    private ComposeProject base;
    private String template;
    private Path root;
    private String repo;

    @BeforeEach
    void setUp() throws Exception {
        TestEnv.require();
        keelson = new KeelsonProcess(18095, Map.of("KEELSON_ENVIRONMENTS_CHECK_INTERVAL", "1s")).start();
        repo = TestImages.uniqueRepo("kill-review");
        base = ComposeProject.create(Map.of("bot", repo + ":latest"));
        root = ReviewTemplates.uniqueRoot();
        template = ReviewTemplates.uniqueName();
        int port = ReviewTemplates.uniquePorts();
        String json = ReviewTemplates.json(template, base, root, port + "-" + (port + 3), "1h", 5)
                .replace(io.keelson.support.Api.FAST_ROLLOUT, SLOW_GATE);
        keelson.api().body(json).post("/api/v1/targets").then().statusCode(201);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
    }

    @AfterEach
    void tearDown() throws Exception {
        keelson.close();
        base.down();
    }

    @Test
    void killedWhileCreatingTheEnvironmentIsGoneAfterRestart() throws Exception {
        String id = keelson.api()
                .body("{}")
                .put("/api/v1/targets/" + template + "/environments/born")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> log(id).stream().anyMatch(l -> l.contains("up -d --no-deps bot")));
        keelson.kill();
        assertThat(root.resolve("born"))
                .as("the kill came after the folder was made")
                .isDirectory();

        keelson.start();

        awaitGone("born");
        JsonPath history = history("born");
        assertThat(history.getString("[0].trigger")).isEqualTo("STOP");
        assertThat(history.getString("[0].requestedBy")).isEqualTo("keelson");
        assertThat(history.getString("[0].status")).isEqualTo("SUCCEEDED");
        assertThat(history.getString("[1].id")).isEqualTo(id);
        assertThat(history.getString("[1].status")).isEqualTo("INTERRUPTED");
        // Its port is free again: a new environment takes the lowest of the range.
        int port = keelson.api()
                .body("{}")
                .put("/api/v1/targets/" + template + "/environments/again?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .path("environment.ports.bot");
        assertThat(port).isEqualTo(firstPortOfTemplate());
        keelson.api()
                .delete("/api/v1/targets/" + template + "/environments/again")
                .then()
                .statusCode(204);
    }

    @Test
    void killedWhileEndingTheEnvironmentIsGoneAfterRestart() throws Exception {
        keelson.api()
                .body("{}")
                .put("/api/v1/targets/" + template + "/environments/dying?wait=true")
                .then()
                .statusCode(200);
        String id = keelson.api()
                .delete("/api/v1/targets/" + template + "/environments/dying?wait=false")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> log(id).stream().anyMatch(l -> l.contains("removing project")));
        keelson.kill();

        keelson.start();

        awaitGone("dying");
        JsonPath history = history("dying");
        assertThat(history.getString("[0].trigger")).isEqualTo("STOP");
        assertThat(history.getString("[0].status")).isEqualTo("SUCCEEDED");
        assertThat(history.getList("id")).contains(id);
    }

    /** Nothing of the environment is left: not in Keelson, not on the host. */
    private void awaitGone(String slug) {
        String project = ReviewTemplates.projectOf(template, slug);
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> keelson.api()
                        .get("/api/v1/targets/" + template + "/environments")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("slug")
                        .isEmpty());
        for (String what : List.of("ps -a", "volume ls", "network ls")) {
            String[] verb = what.split(" ");
            assertThat(Shell.run(
                                    "docker",
                                    verb[0],
                                    verb[1],
                                    "-q",
                                    "--filter",
                                    "label=com.docker.compose.project=" + project)
                            .require()
                            .strip())
                    .as(what + " of " + project)
                    .isEmpty();
        }
        assertThat(root.resolve(slug)).doesNotExist();
    }

    private int firstPortOfTemplate() {
        String range = keelson.api()
                .get("/api/v1/targets/" + template)
                .then()
                .statusCode(200)
                .extract()
                .path("environments.ports.bot");
        return Integer.parseInt(range.split("-")[0]);
    }

    private JsonPath history(String slug) {
        return keelson.api()
                .get("/api/v1/targets/" + template + "--" + slug + "/deployments")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private List<String> log(String id) {
        return keelson.log(id);
    }
}
