package io.keelson.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.ComposeProject;
import io.keelson.support.KeelsonProcess;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keelson killed with SIGKILL in the middle of changing a unit, then started again: every unit
 * runs, none is missing, and the deployment is INTERRUPTED with the units it touched recorded.
 */
class KillNineIT {

    private static final String[] STAY_UP = TestImages.stayUp();
    /** A service whose stop takes 15 s: the `up` that replaces it outlives Keelson's kill and restart. */
    /**
     * An old container that takes 30 s to stop, so the up a killed Keelson leaves running outlives the
     * restart and the repair (15 s was too short once, on a loaded machine) and the rollback meets it.
     */
    private static final String SLOW_STOP =
            "    stop_grace_period: 30s\n    command: [\"sh\", \"-c\", \"trap '' TERM; while true; do sleep 1; done\"]\n";

    private KeelsonProcess keelson;
    private ComposeProject project;
    private String scope;

    @BeforeEach
    void setUp() throws Exception {
        TestEnv.require();
        keelson = new KeelsonProcess(18097, Map.of()).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        keelson.close();
        if (project != null) {
            project.down();
        }
        if (scope != null) {
            Shell.run(
                    "sh", "-c", "docker ps -aq --filter label=keelson.scope=" + scope + " | xargs -r docker rm -f -v");
        }
    }

    @Test
    void killedWhileANewWatchedContainerIsBeingGatedTheOldOneRunsAfterRestart() throws Exception {
        String target = watchTarget("kn", "60s");
        String repo = TestImages.uniqueRepo("kill-watch");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String name = scope + "-app";
        String oldId = watched(name, repo);
        TestImages.push(TestImages.Kind.CRASH, repo + ":latest");

        String id = keelson.api()
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> log(id).stream().anyMatch(l -> l.contains("waiting for the health gate")));
        keelson.kill();
        assertThat(Shell.run(
                                "docker",
                                "inspect",
                                "--format",
                                "{{.State.Running}}",
                                name + "-keelson-old-" + oldId.substring(0, 12))
                        .output()
                        .strip())
                .as("the old container is set aside and stopped when Keelson dies")
                .isEqualTo("false");

        keelson.start();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> (oldId + " true")
                        .equals(Shell.run("docker", "inspect", "--format", "{{.Id}} {{.State.Running}}", name)
                                .output()
                                .strip()));
        JsonPath d = deployment(id);
        assertThat(d.getString("status")).isEqualTo("INTERRUPTED");
        assertThat(d.getString("changes[0].unit")).isEqualTo(name);
        assertThat(d.getString("changes[0].status")).isEqualTo("FAILED");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> log(id).stream().anyMatch(l -> l.startsWith("repair: " + name)));
    }

    /**
     * The repair trusts the record, not the newest deployment: killed after the first of two watched
     * containers passed its gate (recorded SUCCEEDED) while the second gates, with a check queued
     * behind. After the restart the first keeps its new container (the one its deployment recorded
     * as passed), the second is put back on its old one.
     */
    @Test
    void killedAfterOneUnitPassedTheRepairKeepsWhatTheRecordSaysPassed() throws Exception {
        String target = watchTarget("kr", "10s");
        String passing = scope + "-a";
        String gating = scope + "-b";
        String repoA = TestImages.uniqueRepo("kill-rec-a");
        String repoB = TestImages.uniqueRepo("kill-rec-b");
        TestImages.push(TestImages.Kind.APP, repoA + ":latest");
        TestImages.push(TestImages.Kind.APP, repoB + ":latest");
        // The engine lists the newest container first, and a check replaces them in that order.
        String gatingOld = watched(gating, repoB);
        watched(passing, repoA);
        TestImages.push(TestImages.Kind.APP, repoA + ":latest");
        TestImages.push(TestImages.Kind.CRASH, repoB + ":latest");

        String id = keelson.api()
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> log(id).stream().anyMatch(l -> l.startsWith(gating + ": new container")));
        assertThat(log(id))
                .as("the first unit passed before the second one's gate")
                .contains(passing + ": healthy");
        String passedId = inspect(passing, "{{.Id}}");
        keelson.api()
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202);
        keelson.kill();

        keelson.start();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> (gatingOld + " true").equals(inspect(gating, "{{.Id}} {{.State.Running}}")));
        assertThat(inspect(passing, "{{.Id}} {{.State.Running}}"))
                .as("the unit recorded as passed keeps its new container")
                .isEqualTo(passedId + " true");
        JsonPath d = deployment(id);
        assertThat(d.getString("status")).isEqualTo("INTERRUPTED");
        assertThat(d.getList("changes.status")).containsExactly("SUCCEEDED", "FAILED");
        assertThat(Shell.run("docker", "ps", "-aq", "--filter", "name=" + scope + "-a-keelson-old-")
                        .output()
                        .strip())
                .as("the passed unit's old container was removed")
                .isEmpty();
        // The queued check runs after the repair; whatever it does, the passed unit stays on its digest.
        await().atMost(Duration.ofSeconds(60))
                .until(() -> keelson
                        .api()
                        .get("/api/v1/targets/" + target + "/deployments?limit=5")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("status")
                        .stream()
                        .noneMatch(s -> s.equals("QUEUED") || s.equals("RUNNING")));
        assertThat(inspect(passing, "{{.Id}} {{.State.Running}}")).isEqualTo(passedId + " true");
    }

    /** A watch target of a scope of its own (kept in {@link #scope} for the clean-up) on the local engine; its name. */
    private String watchTarget(String prefix, String healthTimeout) {
        scope = prefix + UUID.randomUUID().toString().substring(0, 8);
        String target = "it-" + prefix + "-" + scope;
        keelson.api()
                .body("""
                {"name": "%s", "strategy": "watch", "docker": {"host": "unix:///var/run/docker.sock"},
                 "watch": {"interval": "1h", "labelEnable": true, "scope": "%s"},
                 "rollout": {"healthTimeout": "%s", "stableFor": "1s", "onFailure": "rollback"}}
                """.formatted(target, scope, healthTimeout))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        return target;
    }

    /** A container the scope's watch target selects, started by hand from {@code repo:latest}; its id. */
    private String watched(String name, String repo) {
        return Shell.run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        name,
                        "--label",
                        "keelson.scope=" + scope,
                        "--label",
                        "keelson.enable=true",
                        "--restart",
                        "unless-stopped",
                        repo + ":latest",
                        STAY_UP[0],
                        STAY_UP[1],
                        STAY_UP[2])
                .require()
                .strip();
    }

    private static String inspect(String container, String format) {
        return Shell.run("docker", "inspect", "--format", format, container)
                .output()
                .strip();
    }

    @Test
    void killedDuringAnSshComposeUpTheServiceRunsAfterRestartAndUndoGoesBackToTheDigestBefore() throws Exception {
        String repo = TestImages.uniqueRepo("kill-ssh");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"), SLOW_STOP);
        String target = keelson.createSshTarget(project, "1s");
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        keelson.api()
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        String id = keelson.api()
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> log(id).stream().anyMatch(l -> l.contains("up -d --no-deps bot")));
        Thread.sleep(1000);
        keelson.kill();
        keelson.start();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> project.containers("bot").size() == 1
                        && project.runningDigest("bot", repo).isPresent());
        JsonPath d = deployment(id);
        assertThat(d.getString("status")).isEqualTo("INTERRUPTED");
        assertThat(d.getString("changes[0].unit")).isEqualTo("bot");
        assertThat(d.getString("changes[0].status")).isEqualTo("FAILED");
        assertThat(d.getString("changes[0].fromDigest")).isEqualTo(v1);
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(v2);

        JsonPath rollback = keelson.api()
                .body("{}")
                .post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        // Long enough for an up left running by the killed Keelson to have replaced the container, had nobody waited
        // for it.
        await().during(Duration.ofSeconds(16))
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> project.runningDigest("bot", repo).equals(Optional.of(v1)));
        assertThat(rollback.getList("log", String.class))
                .as("the rollback waited for the up the killed Keelson left running")
                .anyMatch(l -> l.contains("still runs here"));
    }

    private JsonPath deployment(String id) {
        return keelson.deployment(id);
    }

    private List<String> log(String id) {
        return keelson.log(id);
    }
}
