package io.keelson.deploy;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deployments of one target run one at a time, each recorded; a retried request is not run twice. */
@QuarkusTest
class DeploymentQueueTest {

    private ComposeProject project;
    private String target;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("queue");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        target = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"20s\", \"stableFor\": \"0s\", \"onFailure\": \"rollback\"}");
    }

    @AfterEach
    void tearDown() {
        // A deployment still queued or running would bring the project's container back after it is
        // removed (its "up" comes later), leaving it running for the rest of the suite.
        await().atMost(Duration.ofSeconds(60))
                .until(() -> as(CI)
                        .get("/api/v1/targets/" + target + "/deployments")
                        .jsonPath()
                        .getList("status", String.class)
                        .stream()
                        .noneMatch(s -> s.equals("QUEUED") || s.equals("RUNNING")));
        project.down();
    }

    @Test
    void tenParallelRequestsAreAllRecordedAndNeverOverlap() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String body = "{\"force\": true, \"reason\": \"parallel " + i + "\"}";
            calls.add(() -> as(CI).body(body)
                    .post("/api/v1/targets/" + target + "/deployments?wait=true&timeout=300")
                    .then()
                    .extract()
                    .statusCode());
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : pool.invokeAll(calls)) {
            statuses.add(f.get());
        }
        pool.shutdown();

        assertThat(statuses).containsOnly(200);
        JsonPath history = as(CI).get("/api/v1/targets/" + target + "/deployments?limit=50")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(history.getList("id")).hasSize(10).doesNotHaveDuplicates();
        assertThat(history.getList("status", String.class)).containsOnly("SUCCEEDED");
        List<Instant[]> spans = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            spans.add(new Instant[] {
                Instant.parse(history.getString("[" + i + "].startedAt")),
                Instant.parse(history.getString("[" + i + "].finishedAt"))
            });
        }
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0])
                    .as("deployment %d starts after the one before it ended", i)
                    .isAfterOrEqualTo(spans.get(i - 1)[1]);
        }
    }

    @Test
    void aRetriedRequestWithTheSameIdempotencyKeyAnswersTheFirstDeployment() {
        String first = as(CI).header("Idempotency-Key", "job-4711")
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        String again = as(CI).header("Idempotency-Key", "job-4711")
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .path("id");

        assertThat(again).isEqualTo(first);
        assertThat(as(CI).get("/api/v1/targets/" + target + "/deployments")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("id"))
                .containsExactly(first);
    }

    @Test
    void withoutWaitTheAnswerIs202WithALocation() {
        var response = as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract();

        String id = response.path("id");
        assertThat(response.header("Location")).endsWith("/api/v1/deployments/" + id);
        assertThat(response.<String>path("status")).isIn("QUEUED", "RUNNING");
        for (String field : List.of(
                "id",
                "target",
                "trigger",
                "status",
                "requestedBy",
                "reason",
                "pipeline",
                "createdAt",
                "startedAt",
                "finishedAt",
                "error",
                "changes",
                "log")) {
            assertThat(response.jsonPath().getMap("$")).containsKey(field);
        }
    }
}
