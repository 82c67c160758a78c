package io.keelson.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a caller with a read token can make Keelson do by reading: history without logs, logs page
 * by page, text for anyone who does not ask for a stream by name, and live followers that cost no
 * thread and are bounded (429 with Retry-After). One real deployment, shared by the class.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadBoundsTest {

    /** The test profile's bounds (application.properties): per token, and per replica. */
    private static final int PER_TOKEN = 255;

    private static final int PER_REPLICA = 260;

    @TestHTTPResource("/")
    URL base;

    private ComposeProject project;
    private String target;
    private String finished;

    /** Made by the first test that runs (rest-assured knows Keelson's port only once a test runs). */
    @BeforeEach
    void oneFinishedDeployment() {
        if (finished != null) {
            return;
        }
        TestEnv.require();
        String repo = TestImages.uniqueRepo("reads");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        target = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"60s\", \"stableFor\": \"10s\", \"onFailure\": \"rollback\"}");
        finished = Api.as(Api.CI)
                .body("{\"force\": true}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
    }

    @AfterAll
    void down() {
        if (project != null) {
            project.down();
        }
    }

    @Test
    void historyItemsCarryNoLogButTheDeploymentDoes() {
        Response history = Api.as(Api.READER).get("/api/v1/targets/" + target + "/deployments?limit=500");
        history.then().statusCode(200);
        assertThat(history.jsonPath().getList("$")).isNotEmpty();
        assertThat(history.asString()).contains("\"log\":null").doesNotContain("docker pull");
        // The deployment this class made and finished (another test may have queued a newer one since).
        assertThat(history.jsonPath().getList("find { it.id == '" + finished + "' }.changes"))
                .isNotEmpty();

        List<String> log = Api.as(Api.READER)
                .get("/api/v1/deployments/" + finished)
                .then()
                .statusCode(200)
                .extract()
                .path("log");
        assertThat(log).anyMatch(l -> l.contains("docker pull")).last().isEqualTo("deployment SUCCEEDED");

        Response withoutLog = Api.as(Api.READER).get("/api/v1/deployments/" + finished + "?log=false");
        assertThat(withoutLog.asString()).contains("\"log\":null");
        assertThat(withoutLog.jsonPath().getList("changes")).isNotEmpty();
    }

    @Test
    void theLogIsReadPageByPageWithTheNextLineNamed() {
        List<String> whole = textLog("");
        assertThat(whole.size()).isGreaterThan(6);

        Response page =
                Api.as(Api.READER).accept("text/plain").get("/api/v1/deployments/" + finished + "/log?from=2&limit=3");
        page.then().statusCode(200).header("Keelson-Log-Next", "5");
        assertThat(page.asString().split("\n")).containsExactlyElementsOf(whole.subList(2, 5));

        Response last = Api.as(Api.READER)
                .accept("text/plain")
                .get("/api/v1/deployments/" + finished + "/log?from=" + (whole.size() - 1));
        last.then().statusCode(200);
        assertThat(last.getHeader("Keelson-Log-Next")).isNull();
        assertThat(last.asString()).isEqualTo("deployment SUCCEEDED\n");

        assertThat(textLog("?from=" + whole.size())).isEmpty();
        Api.as(Api.READER)
                .get("/api/v1/deployments/" + finished + "/log?limit=0")
                .then()
                .statusCode(400);
        Api.as(Api.READER)
                .get("/api/v1/deployments/" + finished + "/log?from=-1")
                .then()
                .statusCode(400);
        Api.as(Api.READER)
                .get("/api/v1/deployments/" + finished + "/log?limit=10001")
                .then()
                .statusCode(400);
    }

    @Test
    void anyAcceptButTheEventStreamByNameGetsTheTextWhichEnds() throws Exception {
        for (String accept : List.of("*/*", "text/*", "text/html,application/xhtml+xml,*/*;q=0.8")) {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            logRequest(finished, Api.READER)
                                    .header("Accept", accept)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(accept).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                    .as(accept)
                    .startsWith("text/plain");
            assertThat(answer.body())
                    .as(accept)
                    .endsWith("deployment SUCCEEDED\n")
                    .doesNotContain("data:");
        }
        HttpResponse<String> none = HttpClient.newHttpClient()
                .send(logRequest(finished, Api.READER).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    }

    /**
     * 250 followers held by one read token on a deployment in a 10 s gate: the API still answers at
     * once, a deploy is accepted, the followed deployment ends as it should (its lease held), and
     * every follower got its lines. Past the bounds a follower is refused with 429 and Retry-After.
     */
    @Test
    void followersHoldNoThreadAndAreBounded() throws Exception {
        String slow = Api.as(Api.CI)
                .body("{\"force\": true}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        HttpClient client = HttpClient.newBuilder().build();
        List<CompletableFuture<HttpResponse<InputStream>>> opened = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            opened.add(client.sendAsync(
                    logRequest(slow, Api.READER)
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        List<CompletableFuture<String>> streams = new ArrayList<>();
        for (CompletableFuture<HttpResponse<InputStream>> f : opened) {
            HttpResponse<InputStream> response = f.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            streams.add(CompletableFuture.supplyAsync(() -> readAll(response.body())));
        }

        long t0 = System.nanoTime();
        Api.as(Api.READER).get("/api/v1/targets").then().statusCode(200);
        String other = Api.as(Api.CI)
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        // Followers holding the worker pool would stall these calls for the followers' whole 30 s; on two
        // busy cores (the whole suite running) they take up to ~3 s, so 5 s tells the two apart.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

        List<CompletableFuture<HttpResponse<InputStream>>> more = new ArrayList<>();
        for (int i = 250; i < PER_TOKEN; i++) { // up to the token's bound: still admitted
            more.add(client.sendAsync(
                    logRequest(slow, Api.READER)
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        for (CompletableFuture<HttpResponse<InputStream>> f : more) {
            HttpResponse<InputStream> response = f.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            streams.add(CompletableFuture.supplyAsync(() -> readAll(response.body())));
        }
        HttpResponse<String> refused = client.send(
                logRequest(slow, Api.READER)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("too_many_requests");
        for (int i = PER_TOKEN; i < PER_REPLICA; i++) { // another token fills the replica's bound
            HttpResponse<InputStream> response = client.send(
                    logRequest(slow, Api.OPS)
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            streams.add(CompletableFuture.supplyAsync(() -> readAll(response.body())));
        }
        HttpResponse<String> overReplica = client.send(
                logRequest(slow, Api.OPS).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(overReplica.statusCode()).isEqualTo(429);

        for (CompletableFuture<String> stream : streams) {
            assertThat(stream.get(120, TimeUnit.SECONDS)).contains("deployment SUCCEEDED");
        }
        assertThat(status(slow)).isEqualTo("SUCCEEDED");
        Api.as(Api.CI).get("/api/v1/deployments/" + other).then().statusCode(200);
        // Once they ended, the followers' places are free again.
        HttpResponse<String> again = client.send(
                logRequest(slow, Api.READER)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(200);
    }

    private String status(String id) {
        return Api.as(Api.READER)
                .get("/api/v1/deployments/" + id + "?log=false")
                .then()
                .extract()
                .path("status");
    }

    private List<String> textLog(String query) {
        String text = Api.as(Api.READER)
                .accept("text/plain")
                .get("/api/v1/deployments/" + finished + "/log" + query)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }

    private HttpRequest.Builder logRequest(String id, String token) {
        return HttpRequest.newBuilder(URI.create(base + "api/v1/deployments/" + id + "/log"))
                .header("Authorization", "Bearer " + token);
    }

    private static String readAll(InputStream body) {
        try (body) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
