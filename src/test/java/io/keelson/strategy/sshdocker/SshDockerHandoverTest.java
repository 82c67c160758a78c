package io.keelson.strategy.sshdocker;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.EdgeRoutes;
import io.keelson.support.EngineB;
import io.keelson.support.Load;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ssh-docker with {@code handover}: a container started by hand that publishes its port is adopted
 * by the host's edge on its first deployment, then every deployment hands connections from the old
 * copy to the new one, under steady load from Debian's {@code hey} counting every failure.
 */
@QuarkusTest
class SshDockerHandoverTest {

    /** busybox httpd answering the image's build nonce on 8000; a TERM ends it within a second. */
    private static final String SERVE = "trap 'exit 0' TERM; mkdir -p /www; cp /nonce /www/index.html;"
            + " httpd -p 8000 -h /www || exit 3; while true; do sleep 0.2; done";

    /** The copies have a healthcheck: the gate waits for it and for nothing more. */
    private static final String GATE_BY_HEALTHCHECK =
            "{\"healthTimeout\": \"20s\", \"stableFor\": \"0s\", \"onFailure\": \"rollback\"}";

    private String repo;
    private String name;
    private int port;

    @BeforeEach
    void setUp() throws IOException {
        TestEnv.require();
        repo = TestImages.uniqueRepo("edge");
        name = "edge-" + UUID.randomUUID().toString().substring(0, 8);
        port = TestEnv.freePort();
    }

    @AfterEach
    void tearDown() {
        for (String c : Shell.run("docker", "ps", "-aq", "--filter", "name=" + name)
                .output()
                .lines()
                .toList()) {
            Shell.run("docker", "rm", "-f", c);
        }
        // The edge lets the test's port go.
        EdgeRoutes.forget(name, port);
    }

    @Test
    void theFirstDeploymentAdoptsThePortThenTenOverlapDeploymentsFailNoRequest() {
        String a = TestImages.push(TestImages.Kind.APP, repo + ":a");
        String b = TestImages.push(TestImages.Kind.APP, repo + ":b");
        startByHand(repo + ":a");
        String target = createTarget("overlap");

        JsonPath adopted = deploy(target, "a", 200);
        assertThat(adopted.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(String.join("\n", adopted.getList("log", String.class)))
                .contains("adopt")
                .contains(String.valueOf(port));
        assertThat(inspect("{{json .HostConfig.PortBindings}}")).doesNotContain(String.valueOf(port));
        assertThat(get()).isEqualTo(ownNonce());

        String worker = edgeWorker();
        Load.Running load = Load.start(url());
        for (int i = 0; i < 10; i++) {
            JsonPath d = deploy(target, i % 2 == 0 ? "b" : "a", 200);
            assertThat(d.getString("status")).as(d.prettify()).isEqualTo("SUCCEEDED");
            assertThat(String.join("\n", d.getList("log", String.class))).contains("switched to the new copy");
        }
        Load.Seen seen = load.stop();

        assertThat(seen.failed()).as(seen.report()).isZero();
        assertThat(seen.ok()).as(seen.report()).isGreaterThan(200);
        assertThat(get()).isEqualTo(ownNonce());
        assertThat(Shell.run("docker", "ps", "-aq", "--filter", "name=" + name)
                        .output()
                        .lines())
                .as("one copy left, under the unit's name")
                .hasSize(1);
        assertThat(inspect("{{.Config.Image}}")).isEqualTo(repo + "@" + a);
        // The edge's counters reach the target page and /q/metrics: every connection, unless another
        // test's route change reloaded the edge since the load began (then what the old worker took
        // after Keelson's last read of it is not counted), so the worker is asked again at each look.
        // Keelson reads the counters when a deployment ends (here while the load still ran) and then
        // every 30 s: the wait covers one whole round (a full run once gave up after 20 s, short).
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(45))
                .pollInterval(java.time.Duration.ofSeconds(1)) // each look is a docker exec too
                .until(() -> as(CI).get("/api/v1/targets/" + target).jsonPath().getLong("edge[0].connections")
                        >= (worker.equals(edgeWorker()) ? seen.ok() : 1));
        JsonPath page = as(CI).get("/api/v1/targets/" + target).jsonPath();
        assertThat(page.getString("edge[0].unit")).isEqualTo(name);
        assertThat(page.getInt("edge[0].port")).isEqualTo(port);
        assertThat(page.getLong("edge[0].failed")).isZero();
        assertThat(io.restassured.RestAssured.get("/q/metrics").asString())
                .contains("keelson_edge_connections_total{")
                .contains("unit=\"" + name + "\"");

        // A deleted target's counters go with it, once the reads already queued are done.
        Api.deleteTarget(target);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(15))
                .until(() ->
                        !io.restassured.RestAssured.get("/q/metrics").asString().contains("unit=\"" + name + "\""));
    }

    /** The pid of the edge's HAProxy worker: a reload starts another. */
    private static String edgeWorker() {
        return Shell.run("docker", "exec", "keelson-edge", "/usr/share/keelson-edge/edge", "api", "show info")
                .output()
                .lines()
                .filter(l -> l.startsWith("Pid: "))
                .findFirst()
                .orElse("");
    }

    @Test
    void aCrashingImageNeverReceivesARequestAndTheOldCopyKeepsServing() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        startByHand(repo + ":latest");
        String target = createTarget("overlap");
        deploy(target, null, 200);
        String oldId = inspect("{{.Id}}");
        // A broken build: its shell is gone, so the copy cannot even start.
        Shell.run(
                        "sh",
                        "-c",
                        "printf 'FROM %s\\nRUN [\"/bin/busybox\", \"rm\", \"/bin/busybox\"]\\n' \"$1\""
                                + " | docker build -q -t \"$2\" - && docker push -q \"$2\"",
                        "sh",
                        TestEnv.REGISTRY + "/keelson-test/app:base",
                        repo + ":latest")
                .require();

        Load.Running load = Load.start(url());
        JsonPath d = deploy(target, null, 424);
        Load.Seen seen = load.stop();

        assertThat(d.getString("status")).isEqualTo("ROLLED_BACK");
        assertThat(String.join("\n", d.getList("log", String.class))).contains("it never served");
        assertThat(seen.failed()).as(seen.report()).isZero();
        assertThat(inspect("{{.Id}}")).isEqualTo(oldId);
        assertThat(get()).isEqualTo(ownNonce());
        assertThat(Shell.run("docker", "ps", "-aq", "--filter", "name=" + name)
                        .output()
                        .lines())
                .hasSize(1);
    }

    @Test
    void removingTheHandoverGivesThePortBackToTheContainer() {
        TestImages.push(TestImages.Kind.APP, repo + ":a");
        startByHand(repo + ":a");
        String target = createTarget("overlap");
        deploy(target, "a", 200);
        assertThat(inspect("{{json .HostConfig.PortBindings}}")).doesNotContain(String.valueOf(port));

        as(ADMIN)
                .body(targetJson(target, null))
                .put("/api/v1/targets/" + target)
                .then()
                .statusCode(200);
        JsonPath d = deploy(target, "a", 200);

        assertThat(String.join("\n", d.getList("log", String.class))).contains("hand back", String.valueOf(port));
        assertThat(inspect("{{json .HostConfig.PortBindings}}")).contains("\"HostPort\":\"" + port + "\"");
        assertThat(Shell.run("docker", "exec", "keelson-edge", "/usr/share/keelson-edge/edge", "routes")
                        .output())
                .doesNotContain(name);
        assertThat(get()).isEqualTo(ownNonce());
    }

    /**
     * hold through ssh-docker: the edge holds, the container restarts, the edge serves the new one. The
     * no-refused-connection promise under load is proven by EdgeHandoverTest (the edge's hold) and
     * SshComposeHandoverTest (Keelson's hold through compose); here, under the whole suite's load, one
     * request in about 660 once stalled for 60 s, a cause not yet found (see the issue's note).
     */
    @Test
    void holdModeRestartsTheUnitBehindTheEdge() {
        String a = TestImages.push(TestImages.Kind.APP, repo + ":a");
        TestImages.push(TestImages.Kind.APP, repo + ":b");
        startByHand(repo + ":a");
        String target = createTarget("hold");
        deploy(target, "a", 200);

        for (int i = 0; i < 2; i++) {
            JsonPath d = deploy(target, i % 2 == 0 ? "b" : "a", 200);
            assertThat(String.join("\n", d.getList("log", String.class)))
                    .contains("the edge holds new connections", "lets the held connections on");
            assertThat(get()).isEqualTo(ownNonce());
        }

        assertThat(inspect("{{.Config.Image}}")).isEqualTo(repo + "@" + a);
        assertThat(Shell.run("docker", "exec", "keelson-edge", "/usr/share/keelson-edge/edge", "holds")
                        .output())
                .as("no hold left in place")
                .doesNotContainPattern("(?m)^" + java.util.regex.Pattern.quote(name) + "\\S* 1$");
    }

    /**
     * The edge's HAProxy crashes (kill -9 of its process, as a crash would end it) while the new copy
     * waits for its gate: the deployment fails at its switch, the new copy goes, and the edge that Docker
     * restarted (its restart policy) serves the old copy from its route files. On the second host: its
     * edge is this test's alone, the first host's serves the other lanes' tests.
     */
    @Test
    void theEdgeDyingMidDeploymentFailsItAndTheOldCopyServesAgain() throws Exception {
        String b = TestEnv.HOST_B_DOCKER;
        TestImages.push(TestImages.Kind.APP, repo + ":a");
        TestImages.push(TestImages.Kind.APP, repo + ":b");
        try (AutoCloseable engineB = EngineB.use()) {
            // The new copy's gate is its healthcheck, whose first run comes one interval after the
            // start: 5 s here, the time the test has to kill the edge while the gate waits (with 1 s,
            // a loaded machine let the gate pass and the switch happen before the kill, seen once).
            startByHand(List.of("-H", b), repo + ":a", "5s");
            String target = Api.uniqueTarget();
            String json =
                    targetJson(target, "overlap").replace("\"" + TestEnv.SSH_HOST + "\"", "\"" + TestEnv.HOST_B + "\"");
            as(ADMIN).body(json).post("/api/v1/targets").then().statusCode(201);
            try {
                assertThat(deploy(target, "a", 200).getString("status")).isEqualTo("SUCCEEDED");
                String oldId = Shell.run("docker", "-H", b, "inspect", "--format", "{{.Id}}", name)
                        .require()
                        .strip();
                String nonce = Shell.run("docker", "-H", b, "exec", name, "cat", "/nonce")
                        .require()
                        .strip();

                String id = as(CI).body("{\"image\": \"" + repo + ":b\"}")
                        .post("/api/v1/targets/" + target + "/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(60))
                        .pollInterval(java.time.Duration.ofMillis(50))
                        .until(() -> as(CI).get("/api/v1/deployments/" + id + "/log?from=0&limit=500")
                                .asString()
                                .contains("waiting for the health gate"));
                String pid = Shell.run("docker", "-H", b, "inspect", "--format", "{{.State.Pid}}", "keelson-edge")
                        .require()
                        .strip();
                Shell.run("kill", "-9", pid).require();
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> !List.of("QUEUED", "RUNNING")
                                .contains(
                                        as(CI).get("/api/v1/deployments/" + id).path("status")));
                JsonPath d = as(CI).get("/api/v1/deployments/" + id).jsonPath();
                String log = as(CI).get("/api/v1/deployments/" + id + "/log?from=0&limit=500")
                        .asString();

                assertThat(d.getString("status")).as(log).isIn("FAILED", "ROLLED_BACK");
                assertThat(log).contains("the edge did not take the new copy", "stopped or restarted");
                assertThat(Shell.run("docker", "-H", b, "ps", "-q", "--no-trunc", "--filter", "name=" + name)
                                .output()
                                .lines())
                        .as("the old container alone, running")
                        .containsExactly(oldId);
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(get())
                                .as("served through the restarted edge")
                                .isEqualTo(nonce));
            } finally {
                EdgeRoutes.forget(b, name, port);
                for (String c : Shell.run("docker", "-H", b, "ps", "-aq", "--filter", "name=" + name)
                        .output()
                        .lines()
                        .toList()) {
                    Shell.run("docker", "-H", b, "rm", "-f", c);
                }
            }
        }
    }

    private void startByHand(String image) {
        startByHand(List.of(), image, "1s");
    }

    /**
     * The unit as its owner ran it before Keelson: publishing its port itself, on the engine {@code
     * engine} names, with a healthcheck every {@code healthInterval} (the copies Keelson makes keep it).
     */
    private void startByHand(List<String> engine, String image, String healthInterval) {
        List<String> argv = new java.util.ArrayList<>(List.of("docker"));
        argv.addAll(engine);
        argv.addAll(List.of(
                "run",
                "-d",
                "--name",
                name,
                "-p",
                "127.0.0.1:" + port + ":8000",
                "--health-cmd",
                "wget -q -O /dev/null http://127.0.0.1:8000/",
                "--health-interval",
                healthInterval,
                image,
                "sh",
                "-c",
                SERVE));
        Shell.run(argv.toArray(String[]::new)).require();
    }

    private String createTarget(String mode) {
        String target = Api.uniqueTarget();
        as(ADMIN).body(targetJson(target, mode)).post("/api/v1/targets").then().statusCode(201);
        return target;
    }

    /** The target's JSON; with a null mode, without a handover. */
    private String targetJson(String target, String mode) {
        String handover = mode == null ? "" : """
                , "handover": {"drainTimeout": "5s", "units": {"%s": {"mode": "%s", "ports": ["127.0.0.1:%d:8000"]}}}""".formatted(name, mode, port);
        return """
                {"name": "%s", "strategy": "ssh-docker",
                 "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "containers": [{"name": "%s", "image": "%s:a"}],
                 "allowedImages": ["%s"],
                 "rollout": %s%s}""".formatted(
                        target,
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.clientKey(),
                        TestEnv.knownHosts(),
                        name,
                        repo,
                        repo,
                        GATE_BY_HEALTHCHECK,
                        handover);
    }

    private JsonPath deploy(String target, String tag, int status) {
        String body =
                tag == null ? "{\"image\": \"" + repo + ":latest\"}" : "{\"image\": \"" + repo + ":" + tag + "\"}";
        var response = as(CI).body(body).post("/api/v1/targets/" + target + "/deployments?wait=true");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        return response.jsonPath();
    }

    /** What the unit's container answers: its image's build nonce. */
    private String ownNonce() {
        return Shell.run("docker", "exec", name, "cat", "/nonce").require().strip();
    }

    private String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    private String get() {
        return Shell.run("curl", "-fsS", "--max-time", "5", url()).output().strip();
    }

    private String inspect(String format) {
        return Shell.run("docker", "inspect", "--format", format, name)
                .require()
                .strip();
    }
}
