package io.keelson.faults;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.OPS;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.WatchFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Work that waits in a target's queue is decided when it runs, not when it was asked: a rollback
 * undoes the deployment that ran before it, and a second watch check that arrives while one waits
 * joins it instead of being dropped.
 */
@QuarkusTest
class PlannedAtRunTimeTest {

    private static final String[] STAY_UP = TestImages.stayUp();

    @Test
    void aRollbackAskedWhileADeploymentRunsUndoesThatDeployment() {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("plan");
        ComposeProject project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        try {
            String target = Api.createSshTarget(
                    project,
                    List.of("bot"),
                    TestEnv.knownHosts(),
                    "{\"healthTimeout\": \"20s\", \"stableFor\": \"4s\", \"onFailure\": \"rollback\"}");
            String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
            as(CI).body("{}")
                    .post("/api/v1/targets/" + target + "/deployments?wait=true")
                    .then()
                    .statusCode(200);
            TestImages.push(TestImages.Kind.APP, repo + ":latest");
            String running = as(CI).body("{}")
                    .post("/api/v1/targets/" + target + "/deployments")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "RUNNING"
                            .equals(as(CI).get("/api/v1/deployments/" + running).path("status")));

            // Asked now, only the first deployment (nothing before it) could be undone; planned when it runs, the
            // running one is.
            String rollback = as(OPS).body("{}")
                    .post("/api/v1/targets/" + target + "/rollback")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");

            await().atMost(Duration.ofMinutes(1))
                    .until(() -> "SUCCEEDED"
                            .equals(as(CI).get("/api/v1/deployments/" + rollback)
                                    .path("status")));
            assertThat(project.runningDigest("bot", repo)).contains(v1);
        } finally {
            project.down();
        }
    }

    @Test
    void aSecondCheckArrivingWhileOneWaitsJoinsItAndBothImagesAreChecked() {
        TestEnv.require();
        WatchFixture fx = new WatchFixture().create();
        try {
            String a = TestImages.uniqueRepo("join-a");
            String b = TestImages.uniqueRepo("join-b");
            String slow = TestImages.uniqueRepo("join-slow");
            for (String repo : List.of(a, b, slow)) {
                TestImages.push(TestImages.Kind.APP, repo + ":latest");
                fx.run(
                        fx.name(repo.substring(repo.lastIndexOf('/') + 1)),
                        List.of("--label", "keelson.enable=true", "--restart", "unless-stopped"),
                        repo + ":latest",
                        STAY_UP);
            }
            // Built before the lane is busy, tagged latest while it is: a build on a loaded machine can outlast the
            // gate.
            String a2 = TestImages.push(TestImages.Kind.APP, a + ":next");
            String b2 = TestImages.push(TestImages.Kind.APP, b + ":next");
            // Keep the target's lane busy: an update whose new container never passes its gate.
            TestImages.push(TestImages.Kind.CRASH, slow + ":latest");
            String busy = as(CI).body("{}")
                    .post("/api/v1/targets/" + fx.target + "/deployments")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            as(CI).get("/api/v1/deployments/" + busy).jsonPath().getList("log", String.class).stream()
                                    .anyMatch(l -> l.contains("waiting for the health gate")));
            for (String repo : List.of(a, b)) {
                Shell.run("docker", "tag", repo + ":next", repo + ":latest").require();
                TestImages.retag(repo, "next", "latest");
            }

            JsonPath first = as(CI).post("/v1/update?image=" + a + ":latest")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            JsonPath second = as(CI).post("/v1/update?image=" + b + ":latest")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();

            assertThat(first.getList("checking", String.class)).contains(fx.target);
            assertThat(first.getList("coalesced", String.class)).doesNotContain(fx.target);
            assertThat(second.getList("coalesced", String.class)).contains(fx.target);
            String nameA = fx.name(a.substring(a.lastIndexOf('/') + 1));
            String nameB = fx.name(b.substring(b.lastIndexOf('/') + 1));
            // A container being replaced is briefly under no name at all (set aside, new one not yet created): ask
            // again then.
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> a2.equals(fx.digest(nameA, a)) && b2.equals(fx.digest(nameB, b)));
        } finally {
            fx.cleanUp();
        }
    }
}
