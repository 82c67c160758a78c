package io.keelson.environment;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.ComposeProject;
import io.keelson.support.ReviewTemplates;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Review environments for real: a template over a compose project on the test sshd, environments
 * made from it that serve on their own ports, deployed again, deleted down to nothing and expiring
 * by themselves, through the API a pipeline's review and stop jobs call.
 */
@QuarkusTest
class ReviewEnvironmentTest {

    /** Serves the environment's slug on 8080, published on the port Keelson gave it. */
    private static final String SERVICE_YAML = """
                command: ["sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; echo $$KEELSON_ENVIRONMENT > /www/index.html; httpd -f -p 8080 -h /www & while true; do sleep 1 & wait $$!; done"]
                environment: {KEELSON_ENVIRONMENT: "${KEELSON_ENVIRONMENT:-template}"}
                ports: ["${KEELSON_PORT_BOT:-0}:8080"]
                volumes: [data:/data]
                stop_grace_period: 2s
            """;

    /** A service the template does not roll (as a database would be): it runs in every environment all the same. */
    private static final String COMPANION = """
              cache:
                image: %s:latest
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1 & wait $$!; done"]
                stop_grace_period: 1s
            volumes:
              data: {}
            """;

    private final List<String> templates = new ArrayList<>();
    private final List<ComposeProject> projects = new ArrayList<>();
    private String repo;
    private Path envRoot;
    private int firstPort;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        repo = TestImages.uniqueRepo("review");
        envRoot = TestEnv.DIR
                .resolve("projects")
                .resolve("review-" + UUID.randomUUID().toString().substring(0, 8));
        // A range of its own per test: forks run other classes beside this one.
        firstPort = ReviewTemplates.uniquePorts();
    }

    @AfterEach
    void tearDown() {
        for (String template : templates) {
            JsonPath list = as(ADMIN)
                    .get("/api/v1/targets/" + template + "/environments")
                    .then()
                    .extract()
                    .jsonPath();
            for (String slug : list.getList("slug", String.class)) {
                as(ADMIN).delete("/api/v1/targets/" + template + "/environments/" + slug);
            }
        }
        projects.forEach(ComposeProject::down);
    }

    @Test
    void twoEnvironmentsServeOnTheirOwnPortsAndARedeployKeepsThePortAndMovesTheTime() throws Exception {
        String template = template(ReviewTemplates.uniqueName(), firstPort + "-" + (firstPort + 3), "1h", 5);
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        JsonPath a = put(template, "feature-a", "{\"reason\": \"review\"}", 200);
        JsonPath b = put(template, "feature-b", "{}", 200);

        assertThat(a.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(a.getString("target")).isEqualTo(template + "--feature-a");
        assertThat(a.getString("environment.slug")).isEqualTo("feature-a");
        assertThat(a.getString("environment.target")).isEqualTo(template + "--feature-a");
        int portA = a.getInt("environment.ports.bot");
        int portB = b.getInt("environment.ports.bot");
        assertThat(portA).isNotEqualTo(portB).isBetween(firstPort, firstPort + 3);
        assertThat(a.getString("environment.url")).isEqualTo("http://127.0.0.1:" + portA + "/");
        assertThat(get(a.getString("environment.url"))).isEqualTo("feature-a");
        assertThat(get(b.getString("environment.url"))).isEqualTo("feature-b");
        assertThat(Shell.run(
                                "docker",
                                "ps",
                                "-q",
                                "--filter",
                                "label=com.docker.compose.project=" + ReviewTemplates.projectOf(template, "feature-a"),
                                "--filter",
                                "label=com.docker.compose.service=cache")
                        .require()
                        .strip())
                .as("the service the template does not roll runs too")
                .isNotEmpty();
        assertThat(Files.readString(envRoot.resolve("feature-a/.env"))).contains("KEELSON_PORT_BOT=" + portA);
        assertThat(a.getString("changes[0].toDigest")).isEqualTo(v1);
        Instant expires = Instant.parse(a.getString("environment.expiresAt"));
        assertThat(expires).isEqualTo(Instant.parse(a.getString("finishedAt")).plus(Duration.ofHours(1)));

        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        JsonPath again = put(template, "feature-a", "{\"ttl\": \"2h\"}", 200);

        assertThat(again.getInt("environment.ports.bot")).isEqualTo(portA);
        assertThat(again.getString("changes[0].toDigest")).isEqualTo(v2);
        assertThat(Instant.parse(again.getString("environment.expiresAt")))
                .isEqualTo(Instant.parse(again.getString("finishedAt")).plus(Duration.ofHours(2)));
        assertThat(get(again.getString("environment.url"))).isEqualTo("feature-a");
        JsonPath list = as(CI).get("/api/v1/targets/" + template + "/environments")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(list.getList("slug", String.class)).containsExactly("feature-a", "feature-b");
        assertThat(list.getString("[0].lastDeployment.id")).isEqualTo(again.getString("id"));
        JsonPath history = as(CI).get("/api/v1/targets/" + template + "--feature-a/deployments")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(history.getList("id")).hasSize(2);
    }

    @Test
    void deleteLeavesNothingOnTheHostAndTheEndStaysInTheHistory() {
        String template = template(ReviewTemplates.uniqueName(), firstPort + "-" + (firstPort + 3), "1h", 5);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        JsonPath a = put(template, "gone", "{}", 200);
        String project = ReviewTemplates.projectOf(template, "gone");
        assertThat(labelled("ps", "-a", project)).isNotEmpty();
        assertThat(labelled("volume", "ls", project)).isNotEmpty();

        as(CI).delete("/api/v1/targets/" + template + "/environments/gone")
                .then()
                .statusCode(204);

        assertThat(labelled("ps", "-a", project)).isEmpty();
        assertThat(labelled("volume", "ls", project)).isEmpty();
        assertThat(labelled("network", "ls", project)).isEmpty();
        assertThat(envRoot.resolve("gone")).doesNotExist();
        JsonPath history = as(CI).get("/api/v1/targets/" + template + "--gone/deployments")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(history.getString("[0].trigger")).isEqualTo("STOP");
        assertThat(history.getString("[0].status")).isEqualTo("SUCCEEDED");
        assertThat(history.getString("[1].id")).isEqualTo(a.getString("id"));
        as(CI).delete("/api/v1/targets/" + template + "/environments/gone")
                .then()
                .statusCode(204);
        as(CI).get("/api/v1/targets/" + template + "/environments")
                .then()
                .statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(0));
        as(CI).get("/api/v1/targets/" + template + "--gone").then().statusCode(404);
    }

    @Test
    void maxAndAnExhaustedRangeAnswer409AndAFreedPortIsUsedAgain() {
        String template = template(ReviewTemplates.uniqueName(), firstPort + "-" + (firstPort + 1), "1h", 3);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        // Queued, not waited for: each environment exists (folder, ports, target) from its PUT on.
        int first = put(template, "one", "{}", 202).getInt("environment.ports.bot");
        put(template, "two", "{}", 202);

        JsonPath full = put(template, "three", "{}", 409);
        assertThat(full.getString("message")).contains("no free port for bot");
        assertThat(envRoot.resolve("three")).doesNotExist();

        as(CI).delete("/api/v1/targets/" + template + "/environments/one")
                .then()
                .statusCode(204);
        assertThat(put(template, "three", "{}", 202).getInt("environment.ports.bot"))
                .isEqualTo(first);

        String small = template(ReviewTemplates.uniqueName(), (firstPort + 2) + "-" + (firstPort + 3), "1h", 1);
        put(small, "only", "{}", 202);
        assertThat(put(small, "more", "{}", 409).getString("message")).contains("its max");
    }

    @Test
    void aBadSlugOrAnotherTargetsTokenIsRefusedAndCreatesNothing() {
        String template = template(ReviewTemplates.uniqueName(), firstPort + "-" + (firstPort + 3), "1h", 5);
        for (String slug : List.of("Feature", "-x", "x-", "a_b", "%2e%2e", "a".repeat(41))) {
            as(CI).body("{}")
                    .put("/api/v1/targets/" + template + "/environments/" + slug)
                    .then()
                    .statusCode(400);
        }
        as(CI).body("{\"ttl\": \"forever\"}")
                .put("/api/v1/targets/" + template + "/environments/ok")
                .then()
                .statusCode(400);
        // Under the template's freeze: 423, and nothing is made (checked below with the rest)
        String frozen = ReviewTemplates.json(
                template, projects.get(projects.size() - 1), envRoot, firstPort + "-" + (firstPort + 3), "1h", 5);
        frozen = frozen.substring(0, frozen.lastIndexOf('}')) + """
                , "policy": {"freezes": [{"from": "2020-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z", "reason": "audit"}]}}""";
        as(ADMIN).body(frozen).put("/api/v1/targets/" + template).then().statusCode(200);
        assertThat(put(template, "ok", "{}", 423).getString("error")).isEqualTo("frozen");
        String foreign = template(
                "rv-" + UUID.randomUUID().toString().substring(0, 8), firstPort + "-" + (firstPort + 3), "1h", 5);
        as(CI).body("{}")
                .put("/api/v1/targets/" + foreign + "/environments/ok")
                .then()
                .statusCode(403);
        as(CI).delete("/api/v1/targets/" + foreign + "/environments/ok").then().statusCode(403);
        as(CI).get("/api/v1/targets/" + template + "/environments")
                .then()
                .statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(0));
        assertThat(envRoot).doesNotExist();
        as(ADMIN).delete("/api/v1/targets/" + template + "--ok").then().statusCode(404);
        as(ADMIN).post("/api/v1/targets/" + template + "/pause").then().statusCode(200);
        assertThat(put(template, "ok", "{}", 409).getString("message")).contains("paused");
        as(CI).delete("/api/v1/targets/" + template + "/environments/never")
                .then()
                .statusCode(204);
        as(CI).delete("/api/v1/targets/it-nosuchtemplate/environments/never")
                .then()
                .statusCode(404);
    }

    @Test
    void anEnvironmentWhoseTimeIsUpIsStoppedByKeelson() throws Exception {
        String template = template(ReviewTemplates.uniqueName(), firstPort + "-" + (firstPort + 3), "1h", 5);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String project = ReviewTemplates.projectOf(template, "short");
        put(template, "short", "{\"ttl\": \"5s\"}", 200);
        assertThat(labelled("ps", "-a", project)).isNotEmpty();

        Instant deadline = Instant.now().plusSeconds(40);
        JsonPath history;
        do {
            Thread.sleep(500);
            history = as(CI).get("/api/v1/targets/" + template + "--short/deployments")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
        } while (!("EXPIRE".equals(history.getString("[0].trigger"))
                        && "SUCCEEDED".equals(history.getString("[0].status")))
                && Instant.now().isBefore(deadline));

        assertThat(history.getString("[0].trigger")).isEqualTo("EXPIRE");
        assertThat(history.getString("[0].status")).isEqualTo("SUCCEEDED");
        assertThat(history.getString("[0].requestedBy")).isEqualTo("keelson");
        assertThat(labelled("ps", "-a", project)).isEmpty();
        assertThat(envRoot.resolve("short")).doesNotExist();
        Instant gone = Instant.now().plusSeconds(5);
        while (Instant.now().isBefore(gone)
                && as(CI).get("/api/v1/targets/" + template + "/environments")
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("slug")
                                .size()
                        > 0) {
            Thread.sleep(200);
        }
        as(CI).get("/api/v1/targets/" + template + "/environments")
                .then()
                .statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(0));
    }

    /** Creates a template over a fresh compose project; its environments live under {@link #envRoot}. */
    private String template(String name, String range, String ttl, int max) {
        ComposeProject project = ComposeProject.create(Map.of("bot", repo + ":latest"), SERVICE_YAML);
        try {
            Files.writeString(
                    project.dir().resolve("docker-compose.yml"), COMPANION.formatted(repo), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        projects.add(project);
        templates.add(ReviewTemplates.create(name, project, envRoot, range, ttl, max));
        return name;
    }

    private static JsonPath put(String template, String slug, String body, int status) {
        return as(CI).body(body)
                .put("/api/v1/targets/" + template + "/environments/" + slug
                        + (status == 202 ? "" : "?wait=true&timeout=120"))
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    /** The ids of what carries the project's label: {@code ps -a} containers, {@code volume ls}, {@code network ls}. */
    private static List<String> labelled(String what, String verb, String project) {
        return Shell.run("docker", what, verb, "-q", "--filter", "label=com.docker.compose.project=" + project)
                .require()
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
    }

    private static String get(String url) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            try {
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return answer.body().strip();
                }
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(url + " did not answer 200");
            }
            Thread.sleep(200);
        }
    }
}
