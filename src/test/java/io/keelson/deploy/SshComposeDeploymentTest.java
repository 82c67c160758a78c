package io.keelson.deploy;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.OPS;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deploys for real over SSH to a compose project on the test host, through the API a pipeline uses. */
@QuarkusTest
class SshComposeDeploymentTest {

    private String repo;
    private ComposeProject project;
    private String target;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        repo = TestImages.uniqueRepo("bot");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        target = Api.createSshTarget(project, List.of("bot"), TestEnv.knownHosts(), Api.FAST_ROLLOUT);
    }

    @AfterEach
    void tearDown() {
        project.down();
    }

    @Test
    void firstDeployStartsTheServiceAndRecordsItsDigest() {
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        JsonPath d = deploy(
                "{\"reason\": \"pipeline 1\", \"pipeline\": {\"project\": \"team/bot\", \"id\": \"1\", \"commit\": \"abc\"}}",
                200);

        assertThat(d.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(d.getString("trigger")).isEqualTo("API");
        assertThat(d.getString("requestedBy")).isEqualTo("ci");
        assertThat(d.getString("pipeline.commit")).isEqualTo("abc");
        assertThat(d.getList("changes")).hasSize(1);
        assertThat(d.getString("changes[0].unit")).isEqualTo("bot");
        assertThat(d.getString("changes[0].host")).isEqualTo(TestEnv.SSH_HOST);
        assertThat(d.getString("changes[0].fromDigest")).isNull();
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(v1);
        assertThat(d.getString("changes[0].status")).isEqualTo("SUCCEEDED");
        assertThat(project.runningDigest("bot", repo)).contains(v1);
        assertThat(project.overrideFile()).contains(repo + "@" + v1);
        assertThat(d.getList("log", String.class)).anyMatch(l -> l.contains("docker pull " + repo + ":latest"));
    }

    @Test
    void aNewDigestReplacesTheContainerAndHistoryKeepsBoth() {
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        deploy("{}", 200);
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        JsonPath d = deploy("{}", 200);

        assertThat(d.getString("changes[0].fromDigest")).isEqualTo(v1);
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(v2);
        assertThat(project.runningDigest("bot", repo)).contains(v2);
        JsonPath history = as(CI).get("/api/v1/targets/" + target + "/deployments?limit=10")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(history.getList("id")).hasSize(2);
        assertThat(history.getString("[0].changes[0].toDigest")).isEqualTo(v2);
        assertThat(history.getString("[1].changes[0].toDigest")).isEqualTo(v1);
    }

    @Test
    void theNewImageIsPulledWhileTheOldContainerKeepsRunning() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        deploy("{}", 200);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        long since = System.currentTimeMillis() / 1000 - 1;

        deploy("{}", 200);

        String events = Shell.run(
                        "docker",
                        "events",
                        "--since",
                        String.valueOf(since),
                        "--until",
                        String.valueOf(System.currentTimeMillis() / 1000 + 1),
                        "--filter",
                        "type=image",
                        "--filter",
                        "event=pull",
                        "--filter",
                        "type=container",
                        "--filter",
                        "event=die",
                        "--format",
                        "{{.TimeNano}} {{.Type}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes \"com.docker.compose.project\"}}")
                .require();
        long pulled = events.lines()
                .filter(l -> l.contains(" image pull ") && l.contains(repo))
                .mapToLong(l -> Long.parseLong(l.split(" ")[0]))
                .max()
                .orElseThrow();
        long died = events.lines()
                .filter(l -> l.contains(" container die ") && l.endsWith(project.name()))
                .mapToLong(l -> Long.parseLong(l.split(" ")[0]))
                .min()
                .orElseThrow();
        assertThat(pulled)
                .as("the pull finished before the old container stopped")
                .isLessThan(died);
    }

    @Test
    void anUnchangedDigestIsLeftAloneUnlessForced() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        deploy("{}", 200);
        String before = project.containers("bot").get(0);

        JsonPath same = deploy("{}", 200);
        assertThat(same.getString("changes[0].status")).isEqualTo("UNCHANGED");
        assertThat(project.containers("bot")).containsExactly(before);

        JsonPath forced = deploy("{\"force\": true}", 200);
        assertThat(forced.getString("changes[0].status")).isEqualTo("SUCCEEDED");
        assertThat(project.containers("bot")).doesNotContain(before).hasSize(1);
    }

    @Test
    void anImageOverrideDeploysThatTag() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        deploy("{}", 200);
        String tagged = TestImages.push(TestImages.Kind.APP, repo + ":3f2a9c1");

        JsonPath d = deploy("{\"image\": \"" + repo + ":3f2a9c1\"}", 200);

        assertThat(d.getString("changes[0].image")).isEqualTo(repo + ":3f2a9c1");
        assertThat(project.runningDigest("bot", repo)).contains(tagged);
    }

    @Test
    void anImageFromAnotherRepositoryIsRolledBackToTheRepositoryThatRanBefore() {
        String ciRepo = repo + "-ci";
        // Another repository only where the target allows it (allowedImages): this target takes the project.
        Api.deleteTarget(target);
        target = Api.createSshTarget(
                project,
                List.of(TestEnv.SSH_HOST),
                List.of("bot"),
                TestEnv.knownHosts(),
                Api.FAST_ROLLOUT,
                ", \"allowedImages\": [\"" + ciRepo + "\"]");
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        deploy("{}", 200);
        String built = TestImages.push(TestImages.Kind.APP, ciRepo + ":4711");

        JsonPath d = deploy("{\"image\": \"" + ciRepo + ":4711\"}", 200);
        assertThat(d.getString("changes[0].fromImage")).startsWith(repo + "@");
        assertThat(project.runningDigest("bot", ciRepo)).contains(built);

        as(OPS).body("{}")
                .post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .statusCode(200);
        assertThat(project.runningDigest("bot", repo)).contains(v1);
    }

    @Test
    void rollbackRestoresThePreviousDigest() {
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String first = deploy("{}", 200).getString("id");
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        deploy("{}", 200);
        assertThat(project.runningDigest("bot", repo)).contains(v2);

        JsonPath undo = as(OPS).body("{\"reason\": \"bad release\"}")
                .post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(undo.getString("trigger")).isEqualTo("ROLLBACK");
        assertThat(undo.getString("changes[0].fromDigest")).isEqualTo(v2);
        assertThat(undo.getString("changes[0].toDigest")).isEqualTo(v1);
        assertThat(project.runningDigest("bot", repo)).contains(v1);

        // Forward again to v2, then back to the first deployment by its id.
        deploy("{}", 200);
        assertThat(project.runningDigest("bot", repo)).contains(v2);
        as(OPS).body("{\"toDeployment\": \"" + first + "\"}")
                .post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .statusCode(200)
                .body("changes[0].toDigest", equalTo(v1));
        assertThat(project.runningDigest("bot", repo)).contains(v1);
    }

    @Test
    void aCrashingImageIsRolledBackAndTheOldDigestRunsAgain() {
        String good = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        deploy("{}", 200);
        String bad = TestImages.push(TestImages.Kind.CRASH, repo + ":latest");

        JsonPath d = deploy("{}", 424);

        assertThat(d.getString("status")).isEqualTo("ROLLED_BACK");
        assertThat(d.getString("error")).contains("health gate");
        assertThat(d.getString("changes[0].fromDigest")).isEqualTo(good);
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(bad);
        assertThat(d.getString("changes[0].status")).isEqualTo("ROLLED_BACK");
        assertThat(project.runningDigest("bot", repo)).contains(good);
        assertThat(project.overrideFile()).contains(repo + "@" + good);
    }

    @Test
    void withOnFailureStopAFailedDeploymentEndsFailedAndChangesNothingMore() {
        Api.deleteTarget(target); // one compose project belongs to one target
        String stopTarget = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"10s\", \"stableFor\": \"1s\", \"onFailure\": \"stop\"}");
        TestImages.push(TestImages.Kind.CRASH, repo + ":latest");

        JsonPath d = as(CI).body("{}")
                .post("/api/v1/targets/" + stopTarget + "/deployments?wait=true")
                .then()
                .statusCode(424)
                .extract()
                .jsonPath();

        assertThat(d.getString("status")).isEqualTo("FAILED");
        assertThat(d.getString("changes[0].status")).isEqualTo("FAILED");
    }

    @Test
    void theLogCanBeReadAsText() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String id = deploy("{}", 200).getString("id");

        String text = as(CI).accept("text/plain")
                .get("/api/v1/deployments/" + id + "/log")
                .then()
                .statusCode(200)
                .extract()
                .asString();

        assertThat(text).contains("docker pull").contains("deployment SUCCEEDED");
    }

    private JsonPath deploy(String body, int status) {
        return as(CI).body(body)
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }
}
