package io.keelson.deploy;

import static io.keelson.support.Api.as;
import static io.keelson.support.Api.deploy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.EdgeRoutes;
import io.keelson.support.Load;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ssh-compose with {@code handover}, against the real sshd, docker-compose and engine: a service the
 * seed's compose file published itself is adopted by the edge on the first deployment, then compose
 * makes each new copy beside the old one and the edge switches, under steady load from Debian's
 * {@code hey} counting every failure.
 */
@QuarkusTest
class SshComposeHandoverTest {

    private static final String SERVICE = """
                command: ["sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; cp /nonce /www/index.html; httpd -p 8000 -h /www; while true; do sleep 0.2; done"]
                healthcheck:
                  test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8000/"]
                  interval: 1s
                stop_grace_period: 2s
            """;

    /** The copies have a healthcheck: the gate waits for it and for nothing more. */
    private static final String GATE_BY_HEALTHCHECK =
            "{\"healthTimeout\": \"20s\", \"stableFor\": \"0s\", \"onFailure\": \"rollback\"}";

    private String repo;
    private ComposeProject project;
    private int port;

    @BeforeEach
    void setUp() throws IOException {
        TestEnv.require();
        repo = TestImages.uniqueRepo("web");
        port = TestEnv.freePort();
    }

    @AfterEach
    void tearDown() {
        if (project != null) {
            project.down();
        }
        EdgeRoutes.forget("web", port);
    }

    @Test
    void aServiceThatStillPublishesTheEdgesPortIsRefusedWhenLoadedAndBeforeADeploymentChangesAnything()
            throws IOException {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        project = ComposeProject.create(Map.of("web", repo + ":latest"), SERVICE + published());

        var refused =
                as(Api.ADMIN).body(targetJson(Api.uniqueTarget(), "overlap")).post("/api/v1/targets");
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(400);
        assertThat(refused.asString()).contains("docker-compose.yml", "'web'", "ports", String.valueOf(port));

        // Loaded while the files were right, changed since: the deployment refuses before anything changes.
        Path file = project.dir().resolve("docker-compose.yml");
        String publishing = Files.readString(file);
        Files.writeString(file, publishing.replace(published(), ""));
        String target = createTarget("overlap");
        Files.writeString(file, publishing);

        JsonPath d = deploy(target, 424);

        assertThat(d.getString("status")).isEqualTo("FAILED");
        assertThat(d.getString("error")).contains("docker-compose.yml", "'web'", "ports", String.valueOf(port));
        assertThat(project.containers("web")).isEmpty();
    }

    @Test
    void theSeedsPublishedServiceIsAdoptedThenOverlapDeploymentsFailNoRequest() throws IOException {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        // The seed: the compose file publishes the port, started by hand.
        project = ComposeProject.create(Map.of("web", repo + ":latest"), SERVICE + published());
        compose("up", "-d");
        // The handover's first step for the team: the port moves from the compose file to the target.
        Files.writeString(
                project.dir().resolve("docker-compose.yml"),
                Files.readString(project.dir().resolve("docker-compose.yml")).replace(published(), ""));
        String target = createTarget("overlap");

        JsonPath adopted = deploy(target, 200);
        assertThat(String.join("\n", adopted.getList("log", String.class))).contains("adopt", String.valueOf(port));
        assertThat(get()).isEqualTo(nonce());

        Load.Running load = Load.start(url());
        for (int i = 0; i < 3; i++) {
            TestImages.push(TestImages.Kind.APP, repo + ":latest");
            JsonPath d = deploy(target, 200);
            assertThat(String.join("\n", d.getList("log", String.class))).contains("switched to the new copy");
        }
        Load.Seen seen = load.stop();

        assertThat(seen.failed()).as(seen.report()).isZero();
        assertThat(seen.ok()).as(seen.report()).isGreaterThan(100);
        assertThat(project.containers("web")).as("one copy, compose's own").hasSize(1);
        assertThat(get()).isEqualTo(nonce());

        // Without the handover, and the port back in the compose file: the service publishes it again.
        as(Api.ADMIN)
                .body(targetJson(target, null))
                .put("/api/v1/targets/" + target)
                .then()
                .statusCode(200);
        Path file = project.dir().resolve("docker-compose.yml");
        Files.writeString(
                file,
                Files.readString(file)
                        .replace("    stop_grace_period: 2s\n", "    stop_grace_period: 2s\n" + published()));
        JsonPath back = deploy(target, 200);
        assertThat(String.join("\n", back.getList("log", String.class))).contains("hand back", String.valueOf(port));
        assertThat(Shell.run("docker", "port", project.containers("web").get(0)).output())
                .contains(String.valueOf(port));
        assertThat(get()).isEqualTo(nonce());
    }

    /**
     * A connection made while the edge holds is served by the new copy once it passed its gate. Not
     * under hey's load: under the whole suite (other tests reloading the same edge) one request in
     * ~1800 stalled 60 s in compose's hold, cause not found yet (see docs/handover.md); the edge's own
     * hold under load is EdgeHandoverTest's.
     */
    @Test
    void holdModeRecreatesTheServiceAndAConnectionMadeDuringTheHoldIsServedByTheNewCopy() throws Exception {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        project = ComposeProject.create(Map.of("web", repo + ":latest"), SERVICE);
        String target = createTarget("hold");
        deploy(target, 200);
        String before = nonce();

        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        CompletableFuture<JsonPath> deployed = CompletableFuture.supplyAsync(() -> deploy(target, 200));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Shell.run("docker", "exec", "keelson-edge", "/usr/share/keelson-edge/edge", "holds")
                        .output()
                        .lines()
                        .anyMatch(l -> l.matches(".*-" + port + " 1")));
        Instant heldAt = Instant.now();
        // The edge's state is read while the connection still waits, if it waits long.
        AtomicReference<String> duringEdge = new AtomicReference<>("");
        CompletableFuture<String> asked = CompletableFuture.supplyAsync(() ->
                Shell.run("curl", "-fsS", "--max-time", "60", url()).output().strip());
        try {
            asked.get(45, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            duringEdge.set(EdgeRoutes.describe(port));
        }
        String during = asked.get(30, TimeUnit.SECONDS);
        Instant answeredAt = Instant.now();
        JsonPath d = deployed.get(120, TimeUnit.SECONDS);

        assertThat(String.join("\n", d.getList("log", String.class)))
                .contains("the edge holds new connections", "lets the held connections on");
        assertThat(nonce()).isNotEqualTo(before);
        assertThat(during)
                .as(
                        "the connection made during the hold (held from %s, answered %s; the deployment ran %s to %s)"
                                + "; the deployment said:%n%s%nthe edge then: %s",
                        heldAt,
                        answeredAt,
                        d.getString("startedAt"),
                        d.getString("finishedAt"),
                        String.join("\n", d.getList("log", String.class)),
                        duringEdge.get())
                .isEqualTo(nonce());
        assertThat(get()).isEqualTo(nonce());
    }

    private String published() {
        return "    ports: [\"127.0.0.1:" + port + ":8000\"]\n";
    }

    private String createTarget(String mode) {
        return Api.createSshTarget(
                project,
                List.of(TestEnv.SSH_HOST),
                List.of("web"),
                TestEnv.knownHosts(),
                GATE_BY_HEALTHCHECK,
                handover(mode));
    }

    private String handover(String mode) {
        return mode == null ? "" : """
                , "handover": {"drainTimeout": "5s", "units": {"web": {"mode": "%s", "ports": ["127.0.0.1:%d:8000"]}}}""".formatted(mode, port);
    }

    /** The target's JSON; with a null mode, without a handover. */
    private String targetJson(String name, String mode) {
        return """
                {"name": "%s", "strategy": "ssh-compose",
                 "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "compose": {"projectDir": "%s", "projectName": "%s", "files": ["docker-compose.yml"], "services": ["web"]},
                 "rollout": %s%s}""".formatted(
                        name,
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.clientKey(),
                        TestEnv.knownHosts(),
                        project.dir(),
                        project.name(),
                        GATE_BY_HEALTHCHECK,
                        handover(mode));
    }

    private void compose(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of(
                "docker-compose",
                "-p",
                project.name(),
                "-f",
                project.dir().resolve("docker-compose.yml").toString()));
        argv.addAll(List.of(args));
        Shell.run(argv.toArray(String[]::new)).require();
    }

    /** What the service's one container answers: its image's build nonce. */
    private String nonce() {
        return Shell.run("docker", "exec", project.containers("web").get(0), "cat", "/nonce")
                .require()
                .strip();
    }

    private String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    private String get() {
        return Shell.run("curl", "-fsS", "--max-time", "5", url()).output().strip();
    }
}
