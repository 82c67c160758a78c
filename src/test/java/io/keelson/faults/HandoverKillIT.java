package io.keelson.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.EdgeRoutes;
import io.keelson.support.KeelsonProcess;
import io.keelson.support.Load;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keelson killed with SIGKILL (or paused with SIGSTOP) in the middle of a handover, under steady load
 * through the edge: not one request fails, before the kill, while Keelson is down or after it starts
 * again, and the start-up repair leaves exactly one copy, the one the edge was serving.
 */
class HandoverKillIT {

    /** Its gate takes stableFor (3 s): long enough to be killed in. */
    private static final String SLOW_GATE =
            "{\"healthTimeout\": \"20s\", \"stableFor\": \"3s\", \"onFailure\": \"rollback\"}";

    private static final String SERVE = "trap 'exit 0' TERM; mkdir -p /www; cp /nonce /www/index.html;"
            + " httpd -p 8000 -h /www; while true; do sleep 0.2; done";

    private KeelsonProcess keelson;
    private String repo;
    private String name;
    private String target;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        TestEnv.require();
        keelson = new KeelsonProcess(18094, Map.of()).start();
        repo = TestImages.uniqueRepo("kill-edge");
        name = "kill-edge-" + UUID.randomUUID().toString().substring(0, 8);
        port = TestEnv.freePort();
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Shell.run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        name,
                        "-p",
                        "127.0.0.1:" + port + ":8000",
                        repo + ":latest",
                        "sh",
                        "-c",
                        SERVE)
                .require();
        target = "it-kill-edge-" + UUID.randomUUID().toString().substring(0, 8);
        String body = """
                {"name": "%s", "strategy": "ssh-docker",
                 "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "containers": [{"name": "%s", "image": "%s:latest"}],
                 "handover": {"drainTimeout": "30s", "units": {"%s": {"mode": "overlap", "ports": ["127.0.0.1:%d:8000"]}}},
                 "rollout": %s}""".formatted(
                        target,
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.clientKey(),
                        TestEnv.knownHosts(),
                        name,
                        repo,
                        name,
                        port,
                        SLOW_GATE);
        keelson.api().body(body).post("/api/v1/targets").then().statusCode(201);
        // Adopted: from now on the edge serves the port.
        keelson.api()
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
    }

    @AfterEach
    void tearDown() throws Exception {
        keelson.close();
        for (String c : containers()) {
            Shell.run("docker", "rm", "-f", c);
        }
        EdgeRoutes.forget(name, port);
    }

    @Test
    void killedBeforeTheSwitchTheOldCopyServesAndTheNewOneIsRemoved() throws Exception {
        String oldId = id(name);
        Load.Running load = Load.start(url());
        String deployment = deploy();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> keelson.log(deployment).stream().anyMatch(l -> l.contains("started beside the old one")));
        keelson.kill();
        Thread.sleep(1000);

        keelson.start();

        awaitOneCopy();
        Load.Seen seen = load.stop();
        assertThat(id(name)).isEqualTo(oldId);
        assertThat(keelson.deployment(deployment).getString("status")).isEqualTo("INTERRUPTED");
        assertThat(seen.failed()).as(seen.report()).isZero();
        assertThat(seen.ok()).as(seen.report()).isGreaterThan(100);
    }

    @Test
    void killedDuringTheDrainTheNewCopyKeepsServingAndTakesTheName() throws Exception {
        Load.Running load = Load.start(url());
        String deployment;
        // An idle connection to the old copy: the drain waits for it, and Keelson is killed meanwhile.
        try (Socket idle = new Socket("127.0.0.1", port)) {
            deployment = deployPastTheSwitchWhileHeld(idle);
            keelson.kill();
        }
        String copy = containers().stream()
                .filter(c -> c.contains("-keelson-new-"))
                .findFirst()
                .orElseThrow();
        String newId = id(copy);

        keelson.start();

        awaitOneCopy();
        Load.Seen seen = load.stop();
        assertThat(id(name)).as("the copy the edge served took the unit's name").isEqualTo(newId);
        assertThat(keelson.deployment(deployment).getString("status")).isEqualTo("INTERRUPTED");
        assertThat(seen.failed()).as(seen.report()).isZero();
        assertThat(Shell.run("curl", "-fsS", url()).output().strip())
                .isEqualTo(Shell.run("docker", "exec", name, "cat", "/nonce")
                        .require()
                        .strip());
    }

    /**
     * A pause (kill -STOP: a long GC, a frozen VM) in the middle of the drain: the edge goes on serving
     * without Keelson, and once Keelson resumes it finishes the same handover, with no request failed.
     */
    @Test
    void pausedDuringTheDrainItFinishesTheHandoverOnResumeAndNoRequestFails() throws Exception {
        Load.Running load = Load.start(url());
        String deployment;
        String newId;
        // An idle connection to the old copy keeps the drain waiting while Keelson is paused.
        try (Socket idle = new Socket("127.0.0.1", port)) {
            deployment = deployPastTheSwitchWhileHeld(idle);
            String pid = String.valueOf(keelson.pid());
            Shell.run("kill", "-STOP", pid).require();
            try {
                // Within what its lease vouches for (15 s - 5 s margin - up to 5 s since the last renewal):
                // a longer pause stops it at its next step's fence check, the case ClusterIT proves.
                Thread.sleep(4000);
                assertThat(containers())
                        .as("both copies while Keelson is paused")
                        .hasSize(2);
                newId = id(containers().stream()
                        .filter(c -> c.contains("-keelson-new-"))
                        .findFirst()
                        .orElseThrow());
            } finally {
                Shell.run("kill", "-CONT", pid).require();
            }
        }

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !"RUNNING".equals(keelson.deployment(deployment).getString("status")));
        assertThat(keelson.deployment(deployment).getString("status")).isEqualTo("SUCCEEDED");
        awaitOneCopy();
        Load.Seen seen = load.stop();
        assertThat(id(name)).as("the new copy took the unit's name").isEqualTo(newId);
        assertThat(seen.failed()).as(seen.report()).isZero();
        assertThat(seen.ok()).as(seen.report()).isGreaterThan(100);
        assertThat(Shell.run("curl", "-fsS", url()).output().strip())
                .isEqualTo(Shell.run("docker", "exec", name, "cat", "/nonce")
                        .require()
                        .strip());
    }

    @Test
    void killedBeforeAComposeSwitchTheServiceKeepsTheCopyTheEdgeServes() throws Exception {
        String service = """
                    command: ["sh", "-c", "%s"]
                    stop_grace_period: 2s
                """.formatted(SERVE);
        ComposeProject project = ComposeProject.create(Map.of("web", repo + ":latest"), service);
        int webPort = TestEnv.freePort();
        try {
            String compose = "it-kill-edge-c-" + UUID.randomUUID().toString().substring(0, 8);
            keelson.api()
                    .body(Api.botTargetJson(compose, project, "20s", "3s")
                            .replace("\"bot\"", "\"web\"")
                            .replaceFirst(
                                    "}\\s*$",
                                    ", \"handover\": {\"drainTimeout\": \"30s\", \"units\": {\"web\": {\"mode\": \"overlap\","
                                            + " \"ports\": [\"127.0.0.1:" + webPort + ":8000\"]}}}}"))
                    .post("/api/v1/targets")
                    .then()
                    .statusCode(201);
            keelson.api()
                    .body("{}")
                    .post("/api/v1/targets/" + compose + "/deployments?wait=true")
                    .then()
                    .statusCode(200);
            TestImages.push(TestImages.Kind.APP, repo + ":latest");
            String url = "http://127.0.0.1:" + webPort + "/";
            String before = project.containers("web").get(0);
            Load.Running load = Load.start(url);
            String deployment = keelson.api()
                    .body("{}")
                    .post("/api/v1/targets/" + compose + "/deployments?wait=false")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            keelson.log(deployment).stream().anyMatch(l -> l.contains("started beside the old one")));
            keelson.kill();
            assertThat(project.containers("web"))
                    .as("two copies when Keelson died")
                    .hasSize(2);

            keelson.start();

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> project.containers("web").size() == 1);
            Load.Seen seen = load.stop();
            assertThat(project.containers("web")).containsExactly(before);
            assertThat(keelson.deployment(deployment).getString("status")).isEqualTo("INTERRUPTED");
            assertThat(seen.failed()).as(seen.report()).isZero();
        } finally {
            project.down();
            EdgeRoutes.forget("web", webPort);
        }
    }

    /**
     * Starts a deployment while {@code idle} holds a half-sent request to the old copy, and returns once
     * the edge has switched: the drain then waits for that connection.
     */
    private String deployPastTheSwitchWhileHeld(Socket idle) throws Exception {
        OutputStream out = idle.getOutputStream();
        out.write("GET / HTTP/1.0\r\n".getBytes());
        out.flush();
        String deployment = deploy();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> keelson.log(deployment).stream().anyMatch(l -> l.contains("switched to the new copy")));
        return deployment;
    }

    private String deploy() {
        return keelson.api()
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=false")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    /** Within the contract's 60 s of the start: one container for the unit, under its name. */
    private void awaitOneCopy() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> containers().equals(List.of(name)));
    }

    private List<String> containers() {
        return Shell.run("docker", "ps", "-a", "--format", "{{.Names}}", "--filter", "name=" + name)
                .output()
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
    }

    private static String id(String container) {
        return Shell.run("docker", "inspect", "--format", "{{.Id}}", container)
                .require()
                .strip();
    }

    private String url() {
        return "http://127.0.0.1:" + port + "/";
    }
}
