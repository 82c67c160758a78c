package io.keelson.faults;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What one caller or one noisy deployment can use up is bounded, and what was accepted is never lost. */
@QuarkusTest
@TestProfile(BoundsTest.SmallBounds.class)
class BoundsTest {

    /** Bounds small enough to reach in a test. */
    public static class SmallBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "keelson.deploy.max-queued-per-target",
                    "3",
                    "keelson.deploy.log-head-lines",
                    "8",
                    "keelson.deploy.log-tail-lines",
                    "3");
        }
    }

    private ComposeProject project;
    private String target;
    private String repo;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        repo = TestImages.uniqueRepo("bounds");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        target = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"20s\", \"stableFor\": \"2s\", \"onFailure\": \"rollback\"}");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
    }

    @AfterEach
    void tearDown() {
        project.down();
    }

    @Test
    void pastTheQueueCapARequestGets429WithRetryAfterAndEveryAcceptedOneRuns() {
        String running = start("{}").path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(status(running)));
        List<String> accepted = new ArrayList<>(List.of(running));
        Response refused = null;
        for (int i = 0; i < 6 && refused == null; i++) {
            Response answer = as(CI).body("{\"force\": true}").post("/api/v1/targets/" + target + "/deployments");
            if (answer.statusCode() == 202) {
                accepted.add(answer.path("id"));
            } else {
                refused = answer;
            }
        }

        assertThat(refused).as("a request past the cap").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        assertThat(refused.jsonPath().getString("error")).isEqualTo("too_many_requests");
        assertThat(accepted).hasSize(4);
        await().atMost(Duration.ofMinutes(2))
                .until(() -> accepted.stream().allMatch(id -> "SUCCEEDED".equals(status(id))));
    }

    @Test
    void aLongLogKeepsItsHeadAndItsTailAndSaysHowMuchWasLeftOut() {
        JsonPath d = as(CI).body("{\"force\": true}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        List<String> log = d.getList("log", String.class);
        assertThat(log).anyMatch(l -> l.startsWith("log: more than 8 lines"));
        assertThat(log).anyMatch(l -> l.matches("… \\d+ log lines left out here .*"));
        assertThat(log.get(log.size() - 1)).isEqualTo("deployment SUCCEEDED");
        assertThat(log.size()).isLessThanOrEqualTo(8 + 1 + 1 + 3 + 2);
    }

    private Response start(String body) {
        Response answer = as(CI).body(body).post("/api/v1/targets/" + target + "/deployments");
        assertThat(answer.statusCode()).isEqualTo(202);
        return answer;
    }

    private String status(String id) {
        return as(CI).get("/api/v1/deployments/" + id).path("status");
    }
}
