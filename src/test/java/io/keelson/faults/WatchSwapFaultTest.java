package io.keelson.faults;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.EngineB;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.WatchFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A watched container is never left missing, whatever cut a replacement off: an old container left
 * set aside is put back before the next check, and an engine restarted while the new container is
 * being health-gated ends with the old one running under its name.
 */
@QuarkusTest
class WatchSwapFaultTest {

    private static final String[] STAY_UP = TestImages.stayUp();

    private WatchFixture fx;
    private AutoCloseable engineB;

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) {
            fx.cleanUp();
        }
        if (engineB != null) {
            engineB.close();
        }
    }

    @Test
    void anOldContainerLeftSetAsideIsPutBackUnderItsNameBeforeTheNextCheck() {
        TestEnv.require();
        fx = new WatchFixture().create();
        String repo = TestImages.uniqueRepo("aside");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String name = fx.name("app");
        String oldId = fx.run(
                        name,
                        List.of("--label", "keelson.enable=true", "--restart", "unless-stopped"),
                        repo + ":latest",
                        STAY_UP)
                .strip();
        // What a replacement cut off between "set aside" and "start the new one" leaves behind.
        fx.docker("stop", "-t", "1", name).require();
        fx.docker("rename", name, name + "-keelson-old-" + oldId.substring(0, 12))
                .require();

        as(CI).body("{}")
                .post("/api/v1/targets/" + fx.target + "/deployments?wait=true")
                .then()
                .statusCode(200);

        assertThat(fx.inspect(name, "{{.Id}} {{.State.Running}}")).isEqualTo(oldId + " true");
        assertThat(fx.docker("ps", "-aq", "--filter", "name=keelson-old", "--filter", "label=keelson.scope=" + fx.scope)
                        .output())
                .isBlank();
    }

    @Test
    void anEngineRestartedDuringTheHealthGateEndsWithTheOldContainerRunningUnderItsName() {
        TestEnv.require();
        engineB = EngineB.exclusive(); // no test in another JVM deploys to it while it restarts
        fx = new WatchFixture(TestEnv.HOST_B_DOCKER).create();
        String repo = TestImages.uniqueRepo("restart");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String name = fx.name("app");
        String oldId = fx.run(
                        name,
                        List.of("--label", "keelson.enable=true", "--restart", "unless-stopped"),
                        repo + ":latest",
                        STAY_UP)
                .strip();
        TestImages.push(TestImages.Kind.CRASH, repo + ":latest");

        String id = as(CI).body("{}")
                .post("/api/v1/targets/" + fx.target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> log(id).stream().anyMatch(l -> l.contains("waiting for the health gate")));
        Shell.Result restart = Shell.run("bash", "scripts/test-env.sh", "restart-engine-b", "4");
        assertThat(restart.exit()).as(restart.output()).isZero();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> !"RUNNING"
                        .equals(as(CI).get("/api/v1/deployments/" + id).path("status")));

        // The next check repairs whatever the restart kept the deployment from restoring.
        as(CI).body("{}")
                .post("/api/v1/targets/" + fx.target + "/deployments?wait=true")
                .then()
                .statusCode(200);

        JsonPath d = as(CI).get("/api/v1/deployments/" + id).then().extract().jsonPath();
        assertThat(d.getString("status")).isIn("ROLLED_BACK", "FAILED");
        assertThat(fx.inspect(name, "{{.Id}} {{.State.Running}}"))
                .as(String.join("\n", log(id)))
                .isEqualTo(oldId + " true");
    }

    private static List<String> log(String id) {
        return as(CI).get("/api/v1/deployments/" + id)
                .then()
                .extract()
                .jsonPath()
                .getList("log", String.class);
    }
}
