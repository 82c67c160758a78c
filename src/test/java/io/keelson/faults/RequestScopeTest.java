package io.keelson.faults;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deploy token reaches only what its target allows: its own services, and images from the
 * repositories those services run (or the target's allowedImages). Everything else is refused with
 * the contract's error and nothing is queued or run.
 */
@QuarkusTest
class RequestScopeTest {

    private String repo;
    private ComposeProject project;
    private String target;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        repo = TestImages.uniqueRepo("scope");
        project = ComposeProject.create(Map.of("bot", repo + ":latest", "db", repo + "-db:latest"));
        target = Api.createSshTarget(project, List.of("bot"), TestEnv.knownHosts(), Api.FAST_ROLLOUT);
    }

    @AfterEach
    void tearDown() {
        project.down();
    }

    @Test
    void aServiceTheTargetDoesNotListIsRefusedAndNothingIsQueued() {
        as(CI).body("{\"services\": [\"db\"]}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("message", containsString("'db' is not one of"));

        assertThat(history()).isEmpty();
    }

    @Test
    void aHundredThousandServicesAreRefusedWithoutStartingAnything() {
        String services =
                IntStream.range(0, 100_000).mapToObj(i -> "\"s" + i + "\"").collect(Collectors.joining(","));

        int status = as(CI).body("{\"services\": [" + services + "]}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .extract()
                .statusCode();

        assertThat(status).isIn(400, 413);
        assertThat(history()).isEmpty();
    }

    @Test
    void anImageFromARepositoryTheTargetNeverRanIsRefused() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);

        as(CI).body("{\"image\": \"127.0.0.1:5000/evil/miner:1\"}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(400)
                .body("message", containsString("allowedImages"));

        assertThat(history()).hasSize(1);
    }

    @Test
    void onAFreshTargetAForeignImageFailsBeforeAnythingChanges() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String foreign = TestImages.uniqueRepo("foreign");
        TestImages.push(TestImages.Kind.APP, foreign + ":1");

        JsonPath d = as(CI).body("{\"services\": [\"bot\"], \"image\": \"" + foreign + ":1\"}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(424)
                .extract()
                .jsonPath();

        assertThat(d.getString("status")).isEqualTo("FAILED");
        assertThat(d.getString("error")).contains("not allowed for bot");
        assertThat(d.getList("changes")).isEmpty();
        assertThat(project.containers("bot")).isEmpty();
    }

    @Test
    void allowedImagesLetsATargetRunAnotherRepository() {
        String ci = repo + "-ci";
        String built = TestImages.push(TestImages.Kind.APP, ci + ":7");
        Api.deleteTarget(target); // one compose project belongs to one target
        String allowing = Api.createSshTarget(
                project,
                List.of(TestEnv.SSH_HOST),
                List.of("bot"),
                TestEnv.knownHosts(),
                Api.FAST_ROLLOUT,
                ", \"allowedImages\": [\"" + repo + "-*\"]");

        as(CI).body("{\"services\": [\"bot\"], \"image\": \"" + ci + ":7\"}")
                .post("/api/v1/targets/" + allowing + "/deployments?wait=true")
                .then()
                .statusCode(200);

        assertThat(project.runningDigest("bot", ci)).contains(built);
    }

    private List<Object> history() {
        return as(CI).get("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
    }
}
