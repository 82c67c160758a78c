package io.keelson.policy;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static io.keelson.support.Api.deploy;
import static io.keelson.support.Api.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.TestSignatures;
import io.keelson.support.WatchFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signatures and minimum age (contract §10), on an ssh-docker target over the real sshd and on the
 * watcher: signatures made in the test, laid out in the real registry as cosign lays them out.
 */
@QuarkusTest
class ImagePolicyTest {

    private static final String[] STAY_UP = TestImages.stayUp();

    private final List<String> containers = new ArrayList<>();
    private WatchFixture fx;

    @AfterEach
    void tearDown() {
        containers.forEach(c -> Shell.run("docker", "rm", "-f", c));
        if (fx != null) {
            fx.cleanUp();
        }
    }

    @Test
    void onlyADigestSignedForItselfWithATrustedKeyDeploysAndEveryOtherFailsBeforeTheHostIsTouched() {
        TestEnv.require();
        TestSignatures.Key trusted = TestSignatures.newKey();
        TestSignatures.Key stranger = TestSignatures.newKey();
        String repo = TestImages.uniqueRepo("signed");
        String name = container("signed");
        String target = sshDockerTarget(name, repo, signatures("required", trusted));

        String unsigned = TestImages.push(TestImages.Kind.HEALTHY, repo + ":latest");
        assertFailedUntouched(deploy(target, 424), name, unsigned, "is not signed");

        TestSignatures.sign(repo, unsigned, stranger);
        assertFailedUntouched(deploy(target, 424), name, unsigned, "does not verify");

        String second = TestImages.push(TestImages.Kind.HEALTHY, repo + ":latest");
        TestSignatures.signOther(repo, second, unsigned, trusted);
        assertFailedUntouched(deploy(target, 424), name, second, "signs another digest");

        TestSignatures.signTampered(repo, second, trusted);
        assertFailedUntouched(deploy(target, 424), name, second, "does not verify");

        TestSignatures.sign(repo, second, trusted);
        JsonPath passed = deploy(target, 200);
        assertThat(passed.getString("changes[0].toDigest")).isEqualTo(second);
        assertThat(inspect(name, "{{.Config.Image}}")).endsWith("@" + second);

        String third = TestImages.push(TestImages.Kind.HEALTHY, repo + ":latest");
        TestSignatures.sign(repo, third, trusted);
        assertThat(deploy(target, 200).getString("changes[0].toDigest")).isEqualTo(third);

        // A rollback skips age and windows, never signatures: under a key that did not sign what ran
        // before, going back to it fails and the container stays as it is.
        as(ADMIN)
                .body(sshDockerBody(target, name, repo, signatures("required", stranger)))
                .put("/api/v1/targets/" + target)
                .then()
                .statusCode(200);
        JsonPath rollback = as(Api.OPS)
                .body("{}")
                .post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .statusCode(424)
                .extract()
                .jsonPath();
        assertThat(rollback.getString("error")).contains(second, "does not verify");
        assertThat(inspect(name, "{{.Config.Image}}")).endsWith("@" + third);
    }

    @Test
    void aComposeDeploymentRunsExactlyTheSignedDigestItsFilesName() {
        TestEnv.require();
        TestSignatures.Key trusted = TestSignatures.newKey();
        String repo = TestImages.uniqueRepo("signed-compose");
        ComposeProject project = ComposeProject.create(Map.of("app", repo + ":latest"));
        try {
            String target = Api.createSshTarget(
                    project,
                    List.of(TestEnv.SSH_HOST),
                    List.of("app"),
                    TestEnv.knownHosts(),
                    Api.FAST_ROLLOUT,
                    signatures("required", trusted));
            String unsigned = TestImages.push(TestImages.Kind.APP, repo + ":latest");
            JsonPath failed = deploy(target, 424);
            assertThat(failed.getString("error")).contains(unsigned, "is not signed");
            assertThat(project.containers("app")).isEmpty();

            String signed = TestImages.push(TestImages.Kind.APP, repo + ":latest");
            TestSignatures.sign(repo, signed, trusted);
            assertThat(deploy(target, 200).getString("changes[0].toDigest")).isEqualTo(signed);
            assertThat(project.runningDigest("app", repo)).contains(signed);
        } finally {
            project.down();
        }
    }

    @Test
    void ifSignedLetsAnUnsignedDigestRunButNeverABadlySignedOne() {
        TestEnv.require();
        TestSignatures.Key trusted = TestSignatures.newKey();
        String repo = TestImages.uniqueRepo("ifsigned");
        String name = container("ifsigned");
        String target = sshDockerTarget(name, repo, signatures("ifSigned", trusted));

        String bad = TestImages.push(TestImages.Kind.HEALTHY, repo + ":latest");
        TestSignatures.sign(repo, bad, TestSignatures.newKey());
        assertFailedUntouched(deploy(target, 424), name, bad, "does not verify");

        String unsigned = TestImages.push(TestImages.Kind.HEALTHY, repo + ":latest");
        assertThat(deploy(target, 200).getString("changes[0].toDigest")).isEqualTo(unsigned);
    }

    @Test
    void aDigestFirstSeenTooRecentlyIsRefusedWith423AndDeploysOnceOldEnough() {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("young");
        String name = container("young");
        String target = sshDockerTarget(name, repo, ", \"policy\": {\"minAge\": \"1h\"}");
        String digest = TestImages.push(TestImages.Kind.HEALTHY, repo + ":latest");
        // The registry's push notification is the first sight.
        Instant pushed = Instant.now();
        as(CI).contentType("application/vnd.docker.distribution.events.v1+json")
                .body("""
                        {"events": [{"action": "push", "target": {"repository": "%s", "tag": "latest", "digest": "%s"},
                                     "request": {"host": "%s"}}]}""".formatted(repo.substring(repo.indexOf('/') + 1), digest, TestEnv.REGISTRY))
                .post("/api/v1/hooks/registry")
                .then()
                .statusCode(202);

        Response refused = as(CI).body("{}").post("/api/v1/targets/" + target + "/deployments?wait=true");
        assertThat(refused.statusCode()).isEqualTo(423);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("too-young");
        assertThat(refused.jsonPath().getString("message")).contains(digest, "minAge (1h)");
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        long sinceFirst = Duration.between(pushed, Instant.now()).toSeconds();
        assertThat(retryAfter).isBetween(3600 - sinceFirst - 5, 3600L);
        assertThat(history(target)).as("a refused request records nothing").isZero();
        assertThat(as(CI).get("/api/v1/targets/" + target).jsonPath().getString("lastHeld.message"))
                .contains("refused", digest);
        assertThat(Shell.run("docker", "inspect", name).exit()).isNotZero();

        as(ADMIN)
                .body(sshDockerBody(target, name, repo, ", \"policy\": {\"minAge\": \"2s\"}"))
                .put("/api/v1/targets/" + target)
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Duration.between(pushed, Instant.now()).toSeconds() >= 3);
        assertThat(deploy(target, 200).getString("changes[0].toDigest")).isEqualTo(digest);
    }

    /**
     * Under both a minimum age and signatures, the order admitted by age is pinned to its digests, and
     * the signature check when it runs is made on those pins (the plan is not read again).
     */
    @Test
    void anAdmittedOrderIsCheckedForSignaturesOnTheDigestsItWasPinnedTo() {
        TestEnv.require();
        TestSignatures.Key trusted = TestSignatures.newKey();
        String repo = TestImages.uniqueRepo("aged-signed");
        String name = container("aged-signed");
        String policy = signatures("required", trusted).replace("}}", "}, \"minAge\": \"2s\"}");
        String target = sshDockerTarget(name, repo, policy);
        String digest = TestImages.push(TestImages.Kind.HEALTHY, repo + ":latest");
        Instant pushed = Instant.now();

        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(423)
                .body("error", equalTo("too-young"));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Duration.between(pushed, Instant.now()).toSeconds() >= 3);
        assertFailedUntouched(deploy(target, 424), name, digest, "is not signed");

        TestSignatures.sign(repo, digest, trusted);
        assertThat(deploy(target, 200).getString("changes[0].toDigest")).isEqualTo(digest);
    }

    /** Age is Keelson's first sight, never the image's {@code created}: an image "built" in 1970 is still new. */
    @Test
    void anImageCreatedIn1970IsTooYoungWhenKeelsonFirstSeesIt() {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("epoch");
        String target = sshDockerTarget(container("epoch"), repo, ", \"policy\": {\"minAge\": \"2h\"}");
        String digest = TestSignatures.pushImageCreated(repo, "latest", "1970-01-01T00:00:00Z");

        Response refused = as(CI).body("{}").post("/api/v1/targets/" + target + "/deployments");
        assertThat(refused.statusCode()).isEqualTo(423);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("too-young");
        assertThat(refused.jsonPath().getString("message")).contains(digest);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(7200L - 60, 7200L);
        assertThat(history(target)).isZero();
    }

    @Test
    void theWatcherRecordsABadSignatureOnceAndWaitsForAYoungDigestToAge() throws Exception {
        TestEnv.require();
        TestSignatures.Key trusted = TestSignatures.newKey();
        fx = new WatchFixture();
        String repo = TestImages.uniqueRepo("watch-signed");
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String app = fx.name("app");
        fx.run(app, List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
        fx.create("", signatures("required", trusted));

        String unsigned = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        check(repo);
        await().atMost(Duration.ofSeconds(30)).until(() -> history(fx.target) == 1);
        JsonPath failed =
                as(ADMIN).get("/api/v1/targets/" + fx.target + "/deployments").jsonPath();
        assertThat(failed.getString("[0].status")).isEqualTo("FAILED");
        assertThat(failed.getString("[0].error")).contains(unsigned, "is not signed");
        assertThat(failed.getString("[0].changes[0].status")).isEqualTo("FAILED");
        assertThat(fx.digest(app, repo)).isEqualTo(v1);
        check(repo);
        Thread.sleep(1500);
        assertThat(history(fx.target))
                .as("one failed deployment per unit and digest, not one per check")
                .isEqualTo(1);

        String signed = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        TestSignatures.sign(repo, signed, trusted);
        as(ADMIN)
                .body(fx.body("", signatures("required", trusted).replace("}}", "}, \"minAge\": \"3s\"}")))
                .put("/api/v1/targets/" + fx.target)
                .then()
                .statusCode(200);
        check(repo);
        Thread.sleep(1500);
        assertThat(fx.digest(app, repo)).as("too young: left alone").isEqualTo(v1);
        assertThat(history(fx.target)).as("a deferred check records nothing").isEqualTo(1);
        // ignoreExceptions: while the container is replaced, its name is briefly on no container.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> {
                    check(repo);
                    return signed.equals(fx.digest(app, repo));
                });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "SUCCEEDED"
                        .equals(as(ADMIN)
                                .get("/api/v1/targets/" + fx.target + "/deployments")
                                .jsonPath()
                                .getString("[0].status")));
    }

    private static void check(String repo) {
        as(CI).post("/v1/update?image=" + repo + ":latest").then().statusCode(200);
    }

    private static String signatures(String mode, TestSignatures.Key key) {
        return ", \"policy\": {\"signatures\": {\"mode\": \"%s\", \"publicKeyFiles\": [\"%s\"]}}"
                .formatted(mode, key.publicKeyFile());
    }

    private String container(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        containers.add(name);
        return name;
    }

    private static String sshDockerTarget(String name, String repo, String policy) {
        String target = Api.uniqueTarget();
        as(ADMIN)
                .body(sshDockerBody(target, name, repo, policy))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        return target;
    }

    private static String sshDockerBody(String target, String name, String repo, String policy) {
        return """
                {"name": "%s", "strategy": "ssh-docker",
                 "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "containers": [{"name": "%s", "image": "%s:latest", "create": {"restart": "no"}}],
                 "rollout": %s%s}""".formatted(
                        target,
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.clientKey(),
                        TestEnv.knownHosts(),
                        name,
                        repo,
                        Api.FAST_ROLLOUT,
                        policy);
    }

    private static void assertFailedUntouched(JsonPath d, String container, String digest, String problem) {
        assertThat(d.getString("status")).isEqualTo("FAILED");
        assertThat(d.getString("error")).contains(digest, problem);
        assertThat(d.getList("changes")).isEmpty();
        assertThat(d.getList("log").toString()).doesNotContain("pulling");
        assertThat(Shell.run("docker", "inspect", container).exit())
                .as("nothing was created on the host")
                .isNotZero();
    }

    private static String inspect(String container, String format) {
        return Shell.run("docker", "inspect", "--format", format, container)
                .require()
                .strip();
    }
}
