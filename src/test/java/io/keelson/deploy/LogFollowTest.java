package io.keelson.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code Accept: text/event-stream} follows a deployment's log while it runs. */
@QuarkusTest
class LogFollowTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void linesArriveBeforeTheDeploymentEndsAndTheStreamClosesWhenItDoes() throws Exception {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("follow");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        ComposeProject project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        String target = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"20s\", \"stableFor\": \"3s\", \"onFailure\": \"rollback\"}");
        try {
            String id = Api.as(Api.CI)
                    .body("{}")
                    .post("/api/v1/targets/" + target + "/deployments")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");

            HttpRequest follow = HttpRequest.newBuilder(URI.create(base + "api/v1/deployments/" + id + "/log"))
                    .header("Authorization", "Bearer " + Api.CI)
                    .header("Accept", "text/event-stream")
                    .build();
            HttpResponse<java.io.InputStream> response =
                    HttpClient.newHttpClient().send(follow, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> data = new ArrayList<>();
            String statusWhenFirstLineArrived = null;
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith("data:")) {
                        if (data.isEmpty()) {
                            statusWhenFirstLineArrived = Api.as(Api.CI)
                                    .get("/api/v1/deployments/" + id)
                                    .then()
                                    .extract()
                                    .path("status");
                        }
                        data.add(line.substring(5).trim());
                    }
                }
            }
            assertThat(statusWhenFirstLineArrived).isIn("QUEUED", "RUNNING");
            assertThat(data).anyMatch(l -> l.contains("docker pull"));
            assertThat(data.get(data.size() - 1)).isEqualTo("deployment SUCCEEDED");
        } finally {
            project.down();
        }
    }
}
