package io.keelson.faults;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestSecrets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets do not leak through side doors: a failed command's last line stored as the error, an
 * inline notify URL read back through the API, a notify address that is not a URL in Keelson's log.
 */
@QuarkusTest
class SecretRedactionTest {

    private static final String PASSWORD = "leakyregistrypass";
    private static final String NOTIFY_FILE_VALUE = "not a url but-a-secret-value-42";
    private static final String INLINE_URL = "https://hooks.example.com/services/T0/B0/inlinesecretpart";

    private ComposeProject project;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        List.of(PASSWORD, NOTIFY_FILE_VALUE, INLINE_URL).forEach(TestSecrets::remember);
        // The image is named after the password, so the pull's error line carries the secret.
        project = ComposeProject.create(Map.of("bot", TestEnv.REGISTRY + "/" + PASSWORD + ":latest"));
    }

    @AfterEach
    void tearDown() {
        project.down();
    }

    @Test
    void aSecretInAFailedCommandsOutputIsMaskedInTheErrorTheLogAndKeelsonsOwnLog() throws Exception {
        Path password = Files.createTempFile("registry", ".pass");
        Files.writeString(password, PASSWORD + "\n");
        Path notifyFile = Files.createTempFile("notify", ".url");
        Files.writeString(notifyFile, NOTIFY_FILE_VALUE);
        String target = Api.createSshTarget(
                project,
                List.of(TestEnv.SSH_HOST),
                List.of("bot"),
                TestEnv.knownHosts(),
                Api.FAST_ROLLOUT,
                ", \"registry\": {\"server\": \"" + TestEnv.REGISTRY + "\", \"username\": \"ci\", \"passwordFile\": \""
                        + password + "\"}" + ", \"notify\": [{\"urlFile\": \"" + notifyFile
                        + "\", \"on\": [\"failed\"]}]");

        JsonPath d = as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(424)
                .extract()
                .jsonPath();

        assertThat(d.getString("status")).isEqualTo("FAILED");
        assertThat(d.getString("error")).contains("********").doesNotContain(PASSWORD);
        assertThat(d.getList("log", String.class)).noneMatch(l -> l.contains(PASSWORD));
        String text = as(READER)
                .get("/api/v1/deployments/" + d.getString("id") + "/log")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(text).doesNotContain(PASSWORD);
        Path keelsonLog = Path.of("target/keelson-test.log");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(keelsonLog)
                        .contains("could not notify a channel of deployment " + d.getString("id")));
        assertThat(Files.readString(keelsonLog)).doesNotContain(PASSWORD).doesNotContain("but-a-secret-value-42");
    }

    @Test
    void anInlineNotifyUrlIsNeverReturned() {
        String target = Api.createSshTarget(
                project,
                List.of(TestEnv.SSH_HOST),
                List.of("bot"),
                TestEnv.knownHosts(),
                Api.FAST_ROLLOUT,
                ", \"notify\": [{\"url\": \"" + INLINE_URL + "\"}]");

        for (String token : List.of(READER, ADMIN)) {
            String body = as(token)
                    .get("/api/v1/targets/" + target)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(body).doesNotContain("inlinesecretpart").contains("\"notify\"");
        }
    }
}
