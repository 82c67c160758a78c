package io.keelson.identity;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.OPS;
import static io.keelson.support.Api.as;
import static io.keelson.support.Api.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.keelson.support.Api;
import io.keelson.support.GitLabJob;
import io.keelson.support.TestIssuer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pipelines authenticating with the ID token their CI signs, against an issuer the test runs (HTTPS
 * with its own CA, discovery, JWKS): what verifies deploys, with the audit taken from the signed
 * claims; everything else is refused with the check that failed, and nothing is queued.
 */
@QuarkusTest
class CiIdentityTest {

    private static TestIssuer issuer;

    @TestHTTPResource("/")
    URL keelson;

    @BeforeAll
    static void startIssuer() throws Exception {
        issuer = TestIssuer.start();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.close();
    }

    /** A watch target with nothing to watch (a deployment is a quick check) trusting project 1234 to deploy, 5678 to operate. */
    private static String target() {
        String name = Api.uniqueTarget();
        as(ADMIN).body("""
                        {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "none-%s"},
                         "trustedPipelines": [
                           {"issuer": "ci", "claims": {"project_id": "1234", "ref_protected": "true"}, "role": "deploy"},
                           {"issuer": "ci", "claims": {"project_id": "5678", "ref": "ma*"}, "role": "operate"},
                           {"issuer": "ci", "claims": {"repository_id": "987654", "ref": "refs/heads/*"}, "role": "deploy"}]}
                        """.formatted(name, name)).post("/api/v1/targets").then().statusCode(201);
        return name;
    }

    private static ValidatableResponse deploy(String target, String token, String body) {
        return as(token)
                .body(body)
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then();
    }

    @Test
    void aValidTokenDeploysAndTheAuditIsTheSignedClaimsNotTheBody() throws Exception {
        String target = target();
        String token = issuer.gitlab("1234", "lappis/tais", "4711").sign();

        deploy(target, token, """
                        {"reason": "release", "pipeline": {"project": "someone/else", "id": "1", "url": "https://evil.example/"}}""")
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("requestedBy", equalTo("ci:lappis/tais"))
                .body("pipeline.project", equalTo("lappis/tais"))
                .body("pipeline.id", equalTo("4711"))
                .body("pipeline.commit", equalTo("3f2a9c1e0000000000000000000000000000abcd"))
                .body("pipeline.ref", equalTo("main"))
                .body("pipeline.job", equalTo("94711"))
                .body("pipeline.url", equalTo(TestIssuer.URL + "/lappis/tais/-/pipelines/4711"));

        String es256 = issuer.gitlab("1234", "lappis/tais", "4712")
                .with(m -> {
                    m.kid = "ec-1";
                    m.alg = AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
                    m.audience = List.of("https://other.example", TestIssuer.AUDIENCE);
                })
                .sign();
        deploy(target, es256, "{}").statusCode(200).body("pipeline.id", equalTo("4712"));
    }

    @Test
    void everyTokenThatDoesNotVerifyIs401SaysWhyAndQueuesNothing() throws Exception {
        String target = target();
        record Bad(String check, Consumer<TestIssuer.Mint> spoil) {}
        List<Bad> bad = List.of(
                new Bad("aud", m -> m.audience = "https://someone-else.example"),
                new Bad("exp", m -> m.expires = Instant.now().minus(5, ChronoUnit.MINUTES)),
                new Bad("exp", m -> m.expires = null),
                new Bad("nbf", m -> m.notBefore = Instant.now().plus(5, ChronoUnit.MINUTES)),
                new Bad("kid", m -> m.kid = "not-published"),
                new Bad("kid", m -> m.kid = null),
                new Bad("alg", m -> m.alg = AlgorithmIdentifiers.NONE),
                new Bad("alg", m -> m.alg = AlgorithmIdentifiers.HMAC_SHA256),
                new Bad("alg", m -> {
                    m.kid = "rsa-1";
                    m.alg = AlgorithmIdentifiers.RSA_USING_SHA512;
                }),
                new Bad("iss", m -> m.issuer = "https://127.0.0.1:18444"),
                new Bad("jti", m -> m.jti = null));
        for (Bad b : bad) {
            String token =
                    issuer.gitlab("1234", "lappis/tais", "1").with(b.spoil()).sign();
            String message = deploy(target, token, "{}")
                    .statusCode(401)
                    .body("error", equalTo("unauthorized"))
                    .extract()
                    .path("message");
            assertThat(message).as(b.check()).contains(b.check() + ":").doesNotContain(token);
        }
        // A signature made by a key the issuer never published, under a kid it does publish.
        String forged = issuer.gitlab("1234", "lappis/tais", "1").sign();
        String[] parts = forged.split("\\.");
        String other = issuer.gitlab("1234", "lappis/tais", "2").sign();
        deploy(target, parts[0] + "." + parts[1] + "." + other.split("\\.")[2], "{}")
                .statusCode(401)
                .body("message", containsString("signature:"));

        assertThat(history(target)).isZero();
    }

    @Test
    void aTokenMatchingNoRuleIs403AndARuleGivesItsRoleOnItsTargetOnly() throws Exception {
        String target = target();
        String elsewhere = Api.uniqueTarget();
        as(ADMIN)
                .body("""
                        {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "none-%s"}}
                        """.formatted(elsewhere, elsewhere))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);

        deploy(target, issuer.gitlab("999", "lappis/tais", "1").sign(), "{}")
                .statusCode(403)
                .body("message", containsString("no trustedPipelines rule"));
        deploy(
                        target,
                        issuer.gitlab("1234", "lappis/tais", "1")
                                .with(m -> m.claims.put("ref_protected", "false"))
                                .sign(),
                        "{}")
                .statusCode(403);
        deploy(elsewhere, issuer.gitlab("1234", "lappis/tais", "1").sign(), "{}")
                .statusCode(403);
        // deploy, not operate: a rollback needs the operate rule
        as(issuer.gitlab("1234", "lappis/tais", "1").sign())
                .post("/api/v1/targets/" + target + "/rollback")
                .then()
                .statusCode(403)
                .body("message", containsString("needs operate"));
        as(issuer.gitlab("1234", "lappis/tais", "1").sign())
                .get("/api/v1/targets/" + target)
                .then()
                .statusCode(200);
        as(issuer.gitlab("5678", "ops/tools", "1").sign())
                .post("/api/v1/targets/" + target + "/pause")
                .then()
                .statusCode(200);
        as(OPS).post("/api/v1/targets/" + target + "/resume").then().statusCode(200);
        as(issuer.gitlab("1234", "lappis/tais", "1").sign())
                .post("/api/v1/targets")
                .then()
                .statusCode(403);
        assertThat(history(target)).isZero();
        assertThat(history(elsewhere)).isZero();
    }

    @Test
    void aTokenIsSpentByItsFirstRequestAndAReplayIs401() throws Exception {
        String target = target();
        String token = issuer.gitlab("1234", "lappis/tais", "20").sign();
        deploy(target, token, "{}").statusCode(200);
        deploy(target, token, "{}").statusCode(401).body("message", containsString("used already"));
        // refused before its jti was spent: the same token works once the rule lets it
        String early = issuer.gitlab("1234", "lappis/tais", "21").sign();
        as(early).post("/api/v1/targets/" + target + "/rollback").then().statusCode(403);
        deploy(target, early, "{}").statusCode(200);
        assertThat(history(target)).isEqualTo(2);
        // each step of the checks is timed for operators
        String metrics = io.restassured.RestAssured.get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        for (String step : List.of("verify", "rules", "spend")) {
            assertThat(metrics)
                    .containsPattern("keelson_id_token_check_seconds_count\\{step=\"" + step + "\"\\} [1-9]");
            assertThat(metrics).contains("keelson_id_token_check_seconds{step=\"" + step + "\",quantile=\"0.99\"}");
        }
    }

    @Test
    void aRotatedKeyIsFetchedOnceAndCachedKeysOutliveTheIssuer() throws Exception {
        String target = target();
        deploy(target, issuer.gitlab("1234", "lappis/tais", "30").sign(), "{}").statusCode(200);
        Thread.sleep(2100); // past the test profile's 2 s between fetches (60 s in production)
        int before = issuer.jwksFetches();
        String kid = issuer.rotate();
        for (int i = 0; i < 3; i++) {
            String rotated = issuer.gitlab("1234", "lappis/tais", "3" + (i + 1))
                    .with(m -> m.kid = kid)
                    .sign();
            deploy(target, rotated, "{}").statusCode(200);
        }
        assertThat(issuer.jwksFetches()).as("one fetch for the new key").isEqualTo(before + 1);
        List<String> madeUp = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            madeUp.add(issuer.gitlab("1234", "lappis/tais", "1")
                    .with(m -> m.kid = "made-up-" + Math.random())
                    .sign());
        }
        int beforeFlood = issuer.jwksFetches();
        for (String token : madeUp) {
            deploy(target, token, "{}").statusCode(401);
        }
        assertThat(issuer.jwksFetches())
                .as("five unknown kids in a row: at most one fetch per interval")
                .isLessThanOrEqualTo(beforeFlood + 1);

        issuer.down();
        try {
            Thread.sleep(2100);
            deploy(target, issuer.gitlab("1234", "lappis/tais", "40").sign(), "{}")
                    .statusCode(200)
                    .body("pipeline.id", equalTo("40"));
            deploy(
                            target,
                            issuer.gitlab("1234", "lappis/tais", "41")
                                    .with(m -> m.kid = "made-up")
                                    .sign(),
                            "{}")
                    .statusCode(401);
            deploy(target, issuer.gitlab("1234", "lappis/tais", "42").sign(), "{}")
                    .statusCode(200);
        } finally {
            issuer.up();
        }
    }

    @Test
    void whileASlowIssuerIsAskedForKeysOnlyTheRequestThatAskedWaits() throws Exception {
        String target = target();
        String known = issuer.gitlab("1234", "lappis/tais", "50").sign();
        String first = issuer.gitlab("1234", "lappis/tais", "1")
                .with(m -> m.kid = "slow-1")
                .sign();
        String second = issuer.gitlab("1234", "lappis/tais", "1")
                .with(m -> m.kid = "slow-2")
                .sign();
        deploy(target, known, "{}").statusCode(200); // the keys are cached
        Thread.sleep(2100); // past the test profile's 2 s between fetches
        int before = issuer.jwksFetches();
        issuer.delayKeys(Duration.ofSeconds(4)); // within Keelson's 5 s
        try {
            var fetching = CompletableFuture.supplyAsync(
                    () -> deploy(target, first, "{}").extract().statusCode());
            await().atMost(Duration.ofSeconds(10)).until(() -> issuer.jwksFetches() > before);

            deploy(target, second, "{}").statusCode(401);
            deploy(target, issuer.gitlab("1234", "lappis/tais", "51").sign(), "{}")
                    .statusCode(200);
            assertThat(fetching)
                    .as("the other requests were answered while the fetch still ran")
                    .isNotDone();
            assertThat(fetching.get(20, TimeUnit.SECONDS)).isEqualTo(401);
        } finally {
            issuer.delayKeys(Duration.ZERO);
        }
    }

    @Test
    void anOlderPipelineCannotOverwriteANewerReleaseUnlessAnOperatorSaysSo() throws Exception {
        String target = target();
        deploy(target, issuer.gitlab("1234", "lappis/tais", "10").sign(), "{}").statusCode(200);
        int recorded = history(target);

        deploy(target, issuer.gitlab("1234", "lappis/tais", "9").sign(), "{}")
                .statusCode(409)
                .body("error", equalTo("outdated"))
                .body("message", containsString("older than pipeline 10"));
        deploy(target, issuer.gitlab("1234", "lappis/tais", "9").sign(), "{\"allowOutdated\": true}")
                .statusCode(409)
                .body("error", equalTo("outdated"));
        // the same rule for a Keelson token reporting its pipeline in the body
        deploy(target, CI, "{\"pipeline\": {\"project\": \"lappis/tais\", \"id\": \"9\"}}")
                .statusCode(409)
                .body("error", equalTo("outdated"));
        // another project, a non-integer id: not compared
        deploy(target, CI, "{\"pipeline\": {\"project\": \"lappis/other\", \"id\": \"9\"}}")
                .statusCode(200);
        deploy(target, CI, "{\"pipeline\": {\"project\": \"lappis/tais\", \"id\": \"nine\"}}")
                .statusCode(200);
        assertThat(history(target)).isEqualTo(recorded + 2);

        deploy(target, issuer.gitlab("5678", "lappis/tais", "9").sign(), "{\"allowOutdated\": true}")
                .statusCode(200)
                .body("pipeline.id", equalTo("9"));
        deploy(target, OPS, "{\"allowOutdated\": true, \"pipeline\": {\"project\": \"lappis/tais\", \"id\": \"8\"}}")
                .statusCode(200);
        as(OPS).post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .body("error", not(equalTo("outdated")));
    }

    @Test
    void theGitLabTemplateSignsInWithItsIdTokensOnePerCall() throws Exception {
        String target = target();
        Map<String, String> variables = new java.util.HashMap<>(Map.of("KEELSON_TARGET", target, "KEELSON_TOKEN", ""));
        variables.put(
                "KEELSON_ID_TOKEN", issuer.gitlab("1234", "lappis/tais", "4711").sign());
        variables.put(
                "KEELSON_ID_TOKEN_LOG",
                issuer.gitlab("1234", "lappis/tais", "4711").sign());
        variables.put(
                "KEELSON_ID_TOKEN_WAIT",
                issuer.gitlab("1234", "lappis/tais", "4711").sign());

        GitLabJob.Job job = GitLabJob.run(keelson, ".keelson-deploy", Files.createTempDirectory("ci-job"), variables);

        assertThat(job.exit()).as(String.join("\n", job.lines())).isZero();
        assertThat(job.lines()).anyMatch(l -> l.endsWith("SUCCEEDED"));
        as(ADMIN)
                .get("/api/v1/targets/" + target + "/deployments")
                .then()
                .body("size()", equalTo(1))
                .body("[0].requestedBy", equalTo("ci:lappis/tais"));

        variables.put(
                "KEELSON_ID_TOKEN", issuer.gitlab("1234", "lappis/tais", "4712").sign());
        variables.put("CI_JOB_ID", "another-job");
        GitLabJob.Job replay =
                GitLabJob.run(keelson, ".keelson-deploy", Files.createTempDirectory("ci-job"), variables);
        assertThat(replay.exit())
                .as("the log and wait tokens were spent by the first job")
                .isNotZero();
    }

    @Test
    void theGitHubWorkflowAsksGitHubForATokenAndDeploys() throws Exception {
        String target = target();
        com.fasterxml.jackson.databind.JsonNode workflow = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(java.nio.file.Path.of("ci/keelson-deploy.github.yml").toFile());
        String script = workflow.path("jobs")
                .path("deploy")
                .path("steps")
                .get(0)
                .path("run")
                .asText();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script)
                .directory(Files.createTempDirectory("gh-job").toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("KEELSON_URL", keelson.toString().replaceAll("/$", ""));
        env.put("KEELSON_AUDIENCE", TestIssuer.AUDIENCE);
        env.put("KEELSON_TARGET", target);
        env.put("KEELSON_TIMEOUT", "60");
        env.put("KEELSON_TOKEN", "");
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", TestIssuer.URL + "/_actions/token?api-version=2.0");
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "runner-secret");
        env.put("CURL_CA_BUNDLE", TestIssuer.CA_FILE.toAbsolutePath().toString());
        env.putAll(Map.of(
                "GITHUB_RUN_ID",
                "555",
                "GITHUB_RUN_ATTEMPT",
                "1",
                "GITHUB_JOB",
                "deploy",
                "GITHUB_REPOSITORY",
                "lappis/tais",
                "GITHUB_SHA",
                "3f2a9c1",
                "GITHUB_REF",
                "refs/heads/main"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("SUCCEEDED");
        as(ADMIN)
                .get("/api/v1/targets/" + target + "/deployments")
                .then()
                .body("[0].requestedBy", equalTo("ci:lappis/tais"))
                .body("[0].pipeline.id", equalTo("555"))
                .body("[0].pipeline.job", equalTo("deploy"));
    }
}
