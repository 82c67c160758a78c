package io.keelson.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.PgReplicas;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.TestIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several Keelson processes (separate JVMs, PostgreSQL build) on one PostgreSQL: no deployment lost
 * or run twice, per-target order kept, no overlap, a killed replica's work taken over, watch
 * checks once per interval across replicas.
 */
class ClusterIT {

    private static final int TARGETS = 20;
    private static final int PER_TARGET = 10;
    private PgReplicas replicas;
    private TestIssuer issuer;
    private ComposeProject project;
    private String container;

    @AfterEach
    void tearDown() throws Exception {
        if (replicas != null) {
            replicas.close();
        }
        if (issuer != null) {
            issuer.close();
        }
        if (project != null) {
            project.down();
        }
        if (container != null) {
            Shell.run("docker", "rm", "-f", container);
        }
    }

    @Test
    void twoHundredDeploymentsOnThreeReplicasWithOneKilledMidRun() throws Exception {
        replicas = new PgReplicas(Map.of());
        for (int i = 0; i < 3; i++) {
            replicas.start();
        }
        List<String> targets = new ArrayList<>();
        for (int t = 0; t < TARGETS; t++) {
            String name = "it-cl-" + t + "-" + UUID.randomUUID().toString().substring(0, 4);
            replicas.api(t % 3)
                    .body("""
                            {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "none-%s"}}
                            """.formatted(name, name))
                    .post("/api/v1/targets")
                    .then()
                    .statusCode(201);
            targets.add(name);
        }
        // A slow deployment (a 20 s gate) that one replica is running when it is killed.
        String repo = TestImages.uniqueRepo("cluster");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        String slow = sshTarget(project, "20s");
        String interrupted = submit(0, slow, "slow-1");
        await().atMost(Duration.ofSeconds(60)).until(() -> replicas.runnerOf(interrupted) >= 0);
        int victim = replicas.runnerOf(interrupted);
        String after = submit((victim + 1) % 3, slow, "slow-2");

        AtomicInteger sent = new AtomicInteger();
        Map<String, List<String>> submitted = new ConcurrentHashMap<>();
        ExecutorService pipelines = Executors.newFixedThreadPool(TARGETS);
        List<Future<?>> done = new ArrayList<>();
        for (String target : targets) {
            done.add(pipelines.submit(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < PER_TARGET; i++) {
                    int n = sent.getAndIncrement();
                    ids.add(submitToAny(n % 3, target, target + "-" + i));
                }
                submitted.put(target, ids);
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= 60);
        long killedAt = System.nanoTime();
        replicas.kill(victim);
        for (Future<?> f : done) {
            f.get();
        }
        pipelines.shutdown();

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> status(interrupted).equals("INTERRUPTED"));
        Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> unfinished() == 0);

        assertThat(status(after)).isEqualTo("SUCCEEDED");
        assertThat(failover)
                .as("the killed replica's deployment is closed within the lease time")
                .isLessThan(Duration.ofSeconds(30));
        List<String> all = new ArrayList<>();
        for (String target : targets) {
            List<String> ids = submitted.get(target);
            assertThat(ids)
                    .as("ids sort in the order %s's requests were answered", target)
                    .isSorted();
            List<Row> rows = rows(target);
            assertThat(rows).extracting(Row::id).containsExactlyElementsOf(ids);
            for (int i = 1; i < rows.size(); i++) {
                Row before = rows.get(i - 1);
                Row next = rows.get(i);
                assertThat(next.started())
                        .as("%s: %s starts after %s ended", target, next.id(), before.id())
                        .isAfterOrEqualTo(before.finished());
            }
            for (Row row : rows) {
                assertThat(row.status())
                        .as("%s (run by %s)", row.id(), row.runBy())
                        .isIn("SUCCEEDED", "INTERRUPTED");
            }
            all.addAll(ids);
        }
        assertThat(all).hasSize(TARGETS * PER_TARGET).doesNotHaveDuplicates();
        assertThat(runners()).as("every live replica ran some").hasSizeGreaterThanOrEqualTo(2);
        assertThat(project.runningDigest("bot", repo)).isPresent();
        System.out.printf("cluster: failover after kill -9 took %d ms%n", failover.toMillis());
    }

    /**
     * Fencing: the replica running an ssh-docker deployment is paused (SIGSTOP) for twice its lease
     * right after the new container started its gate. The other replica takes the lane, marks the
     * deployment INTERRUPTED and puts the old container back. When the paused one resumes it must
     * change nothing: one container for the unit, running what the record says (the old digest),
     * and the taker's INTERRUPTED stays.
     */
    @Test
    void aRunnerPausedPastItsLeaseChangesNothingAfterAnotherReplicaTookOver() throws Exception {
        replicas = new PgReplicas(Map.of(
                "KEELSON_CLUSTER_LEASE_TTL", "6s",
                "KEELSON_CLUSTER_RENEW_EVERY", "2s",
                "KEELSON_CLUSTER_LEASE_MARGIN", "2s",
                "KEELSON_CLUSTER_SWEEP_EVERY", "1s"));
        replicas.start();
        replicas.start();
        String repo = TestImages.uniqueRepo("fence");
        String first = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        container = "fence-" + UUID.randomUUID().toString().substring(0, 8);
        Shell.run("docker", "run", "-d", "--name", container, repo + "@" + first)
                .require();
        String target = "it-fence-" + UUID.randomUUID().toString().substring(0, 6);
        replicas.api(0)
                .body("""
                        {"name": "%s", "strategy": "ssh-docker",
                         "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                         "containers": [{"name": "%s", "image": "%s:latest"}],
                         "rollout": {"healthTimeout": "60s", "stableFor": "8s", "onFailure": "rollback"}}
                        """.formatted(
                                target,
                                TestEnv.SSH_HOST,
                                TestEnv.SSH_PORT,
                                TestEnv.clientKey(),
                                TestEnv.knownHosts(),
                                container,
                                repo))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String id = submit(0, target, "fenced");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> replicas.runnerOf(id) >= 0
                        && Files.readString(replicas.log(replicas.runnerOf(id)))
                                .contains("waiting for the health gate"));
        int runner = replicas.runnerOf(id);
        int taker = 1 - runner;

        replicas.signal(runner, "STOP");
        long pausedAt = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> status(id).equals("INTERRUPTED")
                            && Files.readString(replicas.log(taker)).contains("back under its name, running"));
            long paused = Duration.ofNanos(System.nanoTime() - pausedAt).toMillis();
            Thread.sleep(Math.max(0, 12_000 - paused)); // paused for twice the lease (6 s) in all
        } finally {
            replicas.signal(runner, "CONT");
        }
        // The resumed runner goes on from its gate until it ends the deployment its way; then look.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(replicas.log(runner))
                        .contains("deployment " + id + " of " + target + " ended"));
        Thread.sleep(2000);

        assertThat(status(id)).as("the taker's status stays").isEqualTo("INTERRUPTED");
        List<String> named = Shell.run(
                        "docker", "ps", "-a", "--format", "{{.Names}} {{.State}}", "--filter", "name=" + container)
                .require()
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
        assertThat(named).as("one container for the unit, running").containsExactly(container + " running");
        assertThat(Shell.run("docker", "inspect", "--format", "{{.Config.Image}}", container)
                        .require()
                        .strip())
                .as("the unit runs what the record says: the old digest")
                .isEqualTo(repo + "@" + first);
        assertThat(Files.readString(replicas.log(runner)))
                .as("the resumed runner says it stopped at its fence")
                .contains("no longer holds the lane");
    }

    @Test
    void aWatchScheduleRunsOncePerIntervalAcrossReplicasAndSurvivesAKill() throws Exception {
        replicas = new PgReplicas(Map.of());
        replicas.start();
        replicas.start();
        String repo = TestImages.uniqueRepo("cluster-watch");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String scope = "kc" + UUID.randomUUID().toString().substring(0, 8);
        container = scope + "-app";
        Shell.run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        container,
                        "--label",
                        "keelson.scope=" + scope,
                        "--label",
                        "keelson.enable=true",
                        repo + ":latest")
                .require();
        String target = "it-clw-" + scope;
        replicas.api(0)
                .body("""
                        {"name": "%s", "strategy": "watch", "watch": {"interval": "1s", "labelEnable": true, "scope": "%s"}}
                        """.formatted(target, scope))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        Path registryLog = TestEnv.DIR.resolve("registry.log");
        String manifest = "/v2/" + repo.substring(repo.indexOf('/') + 1) + "/manifests/latest";

        Thread.sleep(2000); // the first check comes one interval (and jitter) after the target appears
        long before = count(registryLog, manifest);
        Thread.sleep(10_000);
        long inTenSeconds = count(registryLog, manifest) - before;

        // Never more than one check per interval across the replicas. The registry sees a check when it
        // runs, not when a replica claims its slot, so the most a correct schedule shows in 10 s is: the
        // due times a claim inside the window can serve (a claim comes less than an interval after its
        // slot was due: 12 in 11 s), plus the two claimed before the window that the target's lane had
        // not run yet (one running, one waiting; later claims join the waiting one). 14 in all; two
        // replicas that both served each slot would show about 20. On a loaded machine (the suite runs
        // three test JVMs beside these replicas) a 1 s schedule slips beats, but keeps running: 5 at least.
        assertThat(inTenSeconds)
                .as("checks in 10 s at a 1 s interval, two replicas")
                .isBetween(5L, 14L);

        replicas.kill(0);
        long atKill = count(registryLog, manifest);
        // The survivor takes the schedule over within a lease; on a loaded machine that may take a while.
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count(registryLog, manifest) > atKill);
        Thread.sleep(5_000);
        long afterKill = count(registryLog, manifest) - atKill;
        assertThat(afterKill).as("checks in ~5 s on the surviving replica").isBetween(2L, 7L);
    }

    @Test
    void waitAndTheLogStreamAnswerOnAReplicaThatDoesNotRunTheDeploymentAndAnIdTokenIsSpentForBoth() throws Exception {
        issuer = TestIssuer.start();
        replicas = new PgReplicas(Map.of(
                "KEELSON_AUTH_OIDC_CI_ISSUER", TestIssuer.URL,
                "KEELSON_AUTH_OIDC_CI_AUDIENCE", TestIssuer.AUDIENCE,
                "KEELSON_AUTH_OIDC_CI_CA_FILE",
                        TestIssuer.CA_FILE.toAbsolutePath().toString()));
        replicas.start();
        replicas.start();
        String repo = TestImages.uniqueRepo("cluster-wait");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        String target = sshTarget(project, "4s");
        String first = submit(0, target, "first");
        await().atMost(Duration.ofSeconds(60)).until(() -> replicas.runnerOf(first) >= 0);
        int runner = replicas.runnerOf(first);
        int other = 1 - runner;

        // Queued behind the first on the lane the runner holds: the runner runs it, the other replica answers.
        ExecutorService callers = Executors.newFixedThreadPool(2);
        Future<io.restassured.response.Response> waited = callers.submit(() -> replicas.api(other)
                .body("{\"force\": true}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true&timeout=120"));
        await().atMost(Duration.ofSeconds(30)).until(() -> queuedOrRunning(target) == 2);
        String second = latest(target);
        Future<String> followed = callers.submit(() -> replicas.api(other)
                .accept("text/event-stream")
                .get("/api/v1/deployments/" + second + "/log")
                .asString());

        io.restassured.response.Response answer = waited.get(120, java.util.concurrent.TimeUnit.SECONDS);
        String stream = followed.get(60, java.util.concurrent.TimeUnit.SECONDS);
        callers.shutdown();

        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        assertThat(answer.jsonPath().getString("id")).isEqualTo(second);
        assertThat(replicas.runnerOf(second)).as("the runner drained its lane").isEqualTo(runner);
        assertThat(stream).contains("deployment SUCCEEDED");

        // A CI ID token spent on one replica is refused on the other: the spent ids are in the database.
        String trusting = Api.uniqueTarget();
        replicas.api(0)
                .body("""
                        {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "none-%s"},
                         "trustedPipelines": [{"issuer": "ci", "claims": {"project_id": "1234"}, "role": "deploy"}]}
                        """.formatted(trusting, trusting))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        replicas.api(runner).get("/api/v1/targets/" + trusting).statusCode() == 200);
        String token = issuer.gitlab("1234", "lappis/tais", "1").sign();
        assertThat(withToken(other, token).get("/api/v1/targets/" + trusting).statusCode())
                .isEqualTo(200);
        io.restassured.response.Response replay = withToken(runner, token).get("/api/v1/targets/" + trusting);
        assertThat(replay.statusCode()).as(replay.asString()).isEqualTo(401);
        assertThat(replay.asString()).contains("used already");
    }

    private io.restassured.specification.RequestSpecification withToken(int replica, String token) {
        return io.restassured.RestAssured.given()
                .baseUri(replicas.baseUri(replica))
                .header("Authorization", "Bearer " + token);
    }

    @Test
    void twoReplicasStartingTogetherWithoutTokensGenerateOneAdminToken() throws Exception {
        replicas = new PgReplicas(Map.of()).withoutTokens();
        replicas.startTogether(2);

        List<String> printed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("kls_[0-9a-f]{64}").matcher(Files.readString(replicas.log(i)));
            while (m.find()) {
                printed.add(m.group());
            }
        }
        assertThat(printed).as("printed once, by one replica").hasSize(1);
        try (Connection c = PgReplicas.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM api_token")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        for (int i = 0; i < 2; i++) {
            io.restassured.RestAssured.given()
                    .baseUri(replicas.baseUri(i))
                    .header("Authorization", "Bearer " + printed.get(0))
                    .get("/api/v1/targets")
                    .then()
                    .statusCode(200);
        }
    }

    private static long queuedOrRunning(String target) throws Exception {
        try (Connection c = PgReplicas.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM deployment WHERE target = ? AND status IN ('QUEUED', 'RUNNING')")) {
            ps.setString(1, target);
            ResultSet rs = ps.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String latest(String target) throws Exception {
        try (Connection c = PgReplicas.connect();
                PreparedStatement ps = c.prepareStatement("SELECT max(id) FROM deployment WHERE target = ?")) {
            ps.setString(1, target);
            ResultSet rs = ps.executeQuery();
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Path log, String manifest) throws Exception {
        return Files.readAllLines(log).stream()
                .filter(l -> l.startsWith("127.0.0.1 - - ") && l.contains(manifest))
                .count();
    }

    private String sshTarget(ComposeProject project, String stableFor) {
        String name = "it-cl-slow-" + UUID.randomUUID().toString().substring(0, 6);
        replicas.api(0)
                .body(Api.botTargetJson(name, project, "60s", stableFor))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        return name;
    }

    private String submit(int replica, String target, String key) {
        return replicas.api(replica)
                .header("Idempotency-Key", key)
                .body("{\"force\": true}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    /** As a pipeline behind a Service does: a replica that does not answer, the same request (same key) to the next. */
    private String submitToAny(int first, String target, String key) {
        for (int attempt = 0; attempt < 6; attempt++) {
            int replica = (first + attempt) % replicas.size();
            if (!replicas.alive(replica)) {
                continue;
            }
            try {
                return submit(replica, target, key);
            } catch (Exception | AssertionError e) { // rest-assured throws the connection's IOException unchecked
                // the replica died under us: try the next
            }
        }
        throw new AssertionError("no replica took " + key);
    }

    private String status(String id) throws Exception {
        try (Connection c = PgReplicas.connect();
                PreparedStatement ps = c.prepareStatement("SELECT status FROM deployment WHERE id = ?")) {
            ps.setString(1, id);
            ResultSet rs = ps.executeQuery();
            return rs.next() ? rs.getString(1) : "MISSING";
        }
    }

    private static long unfinished() throws Exception {
        try (Connection c = PgReplicas.connect();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM deployment WHERE status IN ('QUEUED', 'RUNNING')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> runners() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = PgReplicas.connect();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT DISTINCT run_by FROM deployment WHERE run_by IS NOT NULL")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    record Row(String id, String status, Timestamp started, Timestamp finished, String runBy) {}

    /** The target's deployments in the order they started. */
    private static List<Row> rows(String target) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection c = PgReplicas.connect();
                PreparedStatement ps = c.prepareStatement("SELECT id, status, started_at, finished_at, run_by"
                        + " FROM deployment WHERE target = ? ORDER BY started_at, id")) {
            ps.setString(1, target);
            ResultSet rs = ps.executeQuery();
            while (rs.next()) {
                rows.add(new Row(
                        rs.getString(1), rs.getString(2), rs.getTimestamp(3), rs.getTimestamp(4), rs.getString(5)));
            }
        }
        return Collections.unmodifiableList(rows);
    }
}
