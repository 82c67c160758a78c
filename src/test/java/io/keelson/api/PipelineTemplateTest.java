package io.keelson.api;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.GitLabJob;
import io.keelson.support.GitLabJob.Job;
import io.keelson.support.ReviewTemplates;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CI template's own script, run as a job would run it, against a running Keelson and a real deploy. */
@QuarkusTest
class PipelineTemplateTest {

    @TestHTTPResource("/")
    URL keelson;

    private String repo;
    private ComposeProject project;
    private String target;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        repo = TestImages.uniqueRepo("pipeline");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        target = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"10s\", \"stableFor\": \"3s\", \"onFailure\": \"rollback\"}");
    }

    @AfterEach
    void tearDown() {
        project.down();
    }

    @Test
    void aSuccessfulDeploymentExitsZeroAndItsLogArrivesWhileItRuns() throws Exception {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");

        Job job = runTemplate();

        assertThat(job.exit()).as(String.join("\n", job.lines())).isZero();
        assertThat(job.lines()).anyMatch(l -> l.contains("docker pull")).anyMatch(l -> l.endsWith("SUCCEEDED"));
        Instant finished = Instant.parse(as(CI).get("/api/v1/targets/" + target + "/deployments")
                .then()
                .extract()
                .path("[0].finishedAt"));
        int firstLogLine = indexOf(job.lines(), "docker pull");
        assertThat(job.arrived().get(firstLogLine))
                .as("log lines reach the job before the deployment ends")
                .isBefore(finished);
    }

    @Test
    void aFailedDeploymentFailsTheJobAndPrintsWhy() throws Exception {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);
        TestImages.push(TestImages.Kind.CRASH, repo + ":latest");

        Job job = runTemplate();

        assertThat(job.exit()).isNotZero();
        assertThat(job.lines()).anyMatch(l -> l.contains("did not succeed")).anyMatch(l -> l.contains("ROLLED_BACK"));
    }

    @Test
    void aReleaseVariableDeploysItsImagesAsOneDeployment() throws Exception {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);
        String commit = TestImages.push(TestImages.Kind.APP, repo + ":3f2a9c1");

        Job job = runTemplate(Map.of("KEELSON_RELEASE", "bot=" + repo + ":3f2a9c1"));

        assertThat(job.exit()).as(String.join("\n", job.lines())).isZero();
        assertThat(as(CI).get("/api/v1/targets/" + target + "/deployments")
                        .then()
                        .extract()
                        .<String>path("[0].changes[0].toDigest"))
                .isEqualTo(commit);
    }

    @Test
    void theReviewJobCreatesAnEnvironmentAndHandsItsUrlToGitLabAndTheStopJobRemovesIt() throws Exception {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Path root = ReviewTemplates.uniqueRoot();
        int port = ReviewTemplates.uniquePorts();
        ComposeProject base = ComposeProject.create(Map.of("bot", repo + ":latest"));
        String template =
                ReviewTemplates.create(ReviewTemplates.uniqueName(), base, root, port + "-" + (port + 3), "1h", 5);
        Path dir = Files.createTempDirectory("ci-job");
        Map<String, String> review =
                Map.of("KEELSON_TARGET", template, "CI_ENVIRONMENT_SLUG", "review-feature-x", "KEELSON_TTL", "3h");

        Job job = runTemplate(".keelson-review", dir, review);

        assertThat(job.exit()).as(String.join("\n", job.lines())).isZero();
        assertThat(job.lines()).anyMatch(l -> l.contains("docker pull")).anyMatch(l -> l.contains("SUCCEEDED"));
        assertThat(Files.readString(dir.resolve("keelson-environment.env")).strip())
                .isEqualTo("KEELSON_ENVIRONMENT_URL=http://127.0.0.1:" + port + "/");
        assertThat(as(CI).get("/api/v1/targets/" + template + "/environments")
                        .then()
                        .extract()
                        .<String>path("[0].expiresAt"))
                .isNotNull();
        assertThat(root.resolve("review-feature-x")).isDirectory();

        Job stop = runTemplate(".keelson-stop-review", dir, review);

        assertThat(stop.exit()).as(String.join("\n", stop.lines())).isZero();
        assertThat(stop.lines()).anyMatch(l -> l.contains("is gone"));
        assertThat(root.resolve("review-feature-x")).doesNotExist();
        assertThat(as(CI).get("/api/v1/targets/" + template + "/environments")
                        .then()
                        .extract()
                        .<List<Object>>path("$"))
                .isEmpty();
        assertThat(runTemplate(".keelson-stop-review", dir, review).exit())
                .as("stopping again is fine")
                .isZero();
        base.down();
    }

    private Job runTemplate() throws Exception {
        return runTemplate(Map.of());
    }

    private Job runTemplate(Map<String, String> variables) throws Exception {
        Map<String, String> withTarget = new java.util.HashMap<>(Map.of("KEELSON_TARGET", target));
        withTarget.putAll(variables);
        return runTemplate(".keelson-deploy", Files.createTempDirectory("ci-job"), withTarget);
    }

    /** Runs the script of the template's job {@code name} in {@code dir}, as GitLab's runner would. */
    private Job runTemplate(String name, Path dir, Map<String, String> variables) throws Exception {
        return GitLabJob.run(keelson, name, dir, variables);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError("no line contains " + part + ": " + lines);
    }
}
