package io.keelson.faults;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SSH connection cut (its sshd process killed) while docker-compose is recreating a service:
 * the command finishes on the host on its own, the rollback connects again, waits for it, and puts
 * the old digest back.
 */
@QuarkusTest
class SshConnectionLossTest {

    /** The old container ignores SIGTERM, so compose spends its whole grace period stopping it: a wide window to cut in. */
    private static final String SLOW_STOP =
            "    stop_grace_period: 8s\n    command: [\"sh\", \"-c\", \"trap '' TERM; while true; do sleep 1; done\"]\n";

    private ComposeProject project;
    private String repo;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        repo = TestImages.uniqueRepo("cut");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"), SLOW_STOP);
    }

    @AfterEach
    void tearDown() {
        project.down();
    }

    @Test
    void aConnectionLostMidUpEndsRolledBackWithTheOldDigestRunning() {
        String target = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"30s\", \"stableFor\": \"1s\", \"onFailure\": \"rollback\"}");
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");

        String id = as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> log(id).stream().anyMatch(l -> l.contains("up -d --no-deps bot")));
        sleep(2000);
        // Only this deployment's connection: the sshd session whose shell works in this project's
        // folder (other test classes may hold sessions of their own at the same time).
        Shell.Result cut = Shell.run(
                "sh",
                "-c",
                "cut=1; for p in $(pgrep -f '^sshd: root'); do for c in $(pgrep -P \"$p\"); do"
                        + " [ \"$(readlink /proc/$c/cwd)\" = \"$1\" ] && kill -KILL \"$p\" && cut=0; done; done; exit $cut",
                "cut",
                project.dir().toAbsolutePath().toString());
        assertThat(cut.exit())
                .as("this deployment's sshd session process was killed: %s", cut.output())
                .isZero();

        await().atMost(Duration.ofMinutes(2))
                .until(() -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "INTERRUPTED")
                        .contains(as(CI).get("/api/v1/deployments/" + id).<String>path("status")));
        JsonPath d = as(CI).get("/api/v1/deployments/" + id).then().extract().jsonPath();
        assertThat(d.getString("status"))
                .as(String.join("\n", d.getList("log", String.class)))
                .isEqualTo("ROLLED_BACK");
        assertThat(d.getString("changes[0].status")).isEqualTo("ROLLED_BACK");
        assertThat(project.runningDigest("bot", repo)).contains(v1);
        assertThat(project.containers("bot")).hasSize(1);
    }

    private static List<String> log(String id) {
        return as(CI).get("/api/v1/deployments/" + id)
                .then()
                .extract()
                .jsonPath()
                .getList("log", String.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
