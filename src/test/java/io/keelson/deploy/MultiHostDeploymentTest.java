package io.keelson.deploy;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.EngineB;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two deploy hosts, each with its own Docker engine: rolled host after host, and a failure on the
 * second puts the first back too. The compose file names the tag by ${KEELSON_TEST_HOST}, which the
 * second host's sessions set to "b", so each host can be given its own image.
 */
@QuarkusTest
class MultiHostDeploymentTest {

    private String repo;
    private ComposeProject project;
    private String target;

    private AutoCloseable engineB;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        engineB = EngineB.use();
        repo = TestImages.uniqueRepo("multi");
        project = ComposeProject.create(Map.of("bot", repo + ":${KEELSON_TEST_HOST:-a}"));
        target = Api.createSshTarget(
                project,
                List.of(TestEnv.SSH_HOST, TestEnv.HOST_B),
                List.of("bot"),
                TestEnv.knownHosts(),
                Api.FAST_ROLLOUT);
    }

    @AfterEach
    void tearDown() throws Exception {
        project.down();
        engineB.close();
    }

    @Test
    void eachHostIsDeployedInOrderAndRecordedByDigest() {
        String a = TestImages.push(TestImages.Kind.APP, repo + ":a");
        String b = TestImages.push(TestImages.Kind.APP, repo + ":b");

        JsonPath d = deploy(200);

        assertThat(d.getList("changes.host", String.class)).containsExactly(TestEnv.SSH_HOST, TestEnv.HOST_B);
        assertThat(d.getList("changes.toDigest", String.class)).containsExactly(a, b);
        assertThat(project.runningDigest(null, "bot", repo)).contains(a);
        assertThat(project.runningDigest(TestEnv.HOST_B_DOCKER, "bot", repo)).contains(b);
        List<String> log = d.getList("log", String.class);
        int lastOfA = lastIndex(log, "[" + TestEnv.SSH_HOST + "]");
        int firstOfB = firstIndex(log, "[" + TestEnv.HOST_B + "]");
        assertThat(lastOfA).as("host a is done before host b starts").isLessThan(firstOfB);
    }

    @Test
    void aFailureOnTheSecondHostRollsBackTheFirstToo() {
        String a1 = TestImages.push(TestImages.Kind.APP, repo + ":a");
        String b1 = TestImages.push(TestImages.Kind.APP, repo + ":b");
        deploy(200);
        String a2 = TestImages.push(TestImages.Kind.APP, repo + ":a");
        TestImages.push(TestImages.Kind.CRASH, repo + ":b");

        JsonPath d = deploy(424);

        assertThat(d.getString("status")).isEqualTo("ROLLED_BACK");
        assertThat(d.getList("changes.status", String.class)).containsExactly("ROLLED_BACK", "ROLLED_BACK");
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(a2);
        assertThat(project.runningDigest(null, "bot", repo)).contains(a1);
        assertThat(project.runningDigest(TestEnv.HOST_B_DOCKER, "bot", repo)).contains(b1);
    }

    private JsonPath deploy(int status) {
        return as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    private static int firstIndex(List<String> log, String prefix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndex(List<String> log, String prefix) {
        int last = -1;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith(prefix)) {
                last = i;
            }
        }
        return last;
    }
}
