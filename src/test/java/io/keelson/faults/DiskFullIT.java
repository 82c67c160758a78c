package io.keelson.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.ComposeProject;
import io.keelson.support.KeelsonProcess;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The disk under Keelson's H2 database fills up (a small tmpfs, filled for real) while a deployment
 * runs: the deployment still finishes on the host, the host ends consistent (one container, on the
 * new digest), and once there is room again no deployment is left unfinished.
 */
class DiskFullIT {

    private Path disk;
    private KeelsonProcess keelson;
    private ComposeProject project;

    @BeforeEach
    void setUp() throws Exception {
        TestEnv.require();
        disk = Files.createTempDirectory("keelson-small-disk");
        Shell.Result mount = Shell.run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk.toString());
        assertThat(mount.exit())
                .as("mount a small tmpfs (the suite runs as root): " + mount.output())
                .isZero();
        keelson = new KeelsonProcess(
                        18096, Map.of("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:h2:file:" + disk.resolve("keelson")))
                .start();
    }

    @AfterEach
    void tearDown() throws Exception {
        keelson.close();
        if (project != null) {
            project.down();
        }
        Shell.run("umount", disk.toString());
    }

    @Test
    void aDiskThatFillsUpMidDeploymentLeavesTheHostConsistentAndNothingUnfinished() throws Exception {
        String repo = TestImages.uniqueRepo("diskfull");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        String target = keelson.createSshTarget(project, "4s");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
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
                .until(() ->
                        keelson.api().get("/api/v1/deployments/" + id).jsonPath().getList("log", String.class).stream()
                                .anyMatch(l -> l.contains("up -d --no-deps bot")));
        Shell.run("dd", "if=/dev/zero", "of=" + disk.resolve("filler"), "bs=1M"); // until the disk is full
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        project.runningDigest("bot", repo).filter(v2::equals).isPresent());
        Thread.sleep(6000); // past the gate: the deployment ends while the disk is still full
        Files.delete(disk.resolve("filler"));

        assertThat(project.containers("bot")).hasSize(1);
        assertThat(project.runningDigest("bot", repo)).contains(v2);
        // Whatever the database made of it, a restart closes every deployment it could not finish.
        keelson.kill();
        keelson.start();
        JsonPath d = keelson.api()
                .get("/api/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(d.getString("status")).isIn("SUCCEEDED", "INTERRUPTED");
        assertThat(keelson.api()
                        .get("/api/v1/targets/" + target + "/deployments")
                        .jsonPath()
                        .getList("status", String.class))
                .noneMatch(s -> List.of("QUEUED", "RUNNING").contains(s));
        assertThat(project.runningDigest("bot", repo)).contains(v2);
    }
}
