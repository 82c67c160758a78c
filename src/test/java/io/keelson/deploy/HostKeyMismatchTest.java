package io.keelson.deploy;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Host keys are always verified: a host whose key does not match is never sent a command. */
@QuarkusTest
class HostKeyMismatchTest {

    @Test
    void aHostWithAnotherKeyFailsTheDeploymentBeforeAnyCommandRuns() {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("hostkey");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        ComposeProject project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        String target = Api.createSshTarget(project, List.of("bot"), TestEnv.wrongKnownHosts(), Api.FAST_ROLLOUT);

        JsonPath d = as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(424)
                .extract()
                .jsonPath();

        assertThat(d.getString("status")).isEqualTo("FAILED");
        assertThat(d.getString("error")).contains("HOST KEY MISMATCH").contains("nothing was run");
        assertThat(d.getList("log", String.class)).noneMatch(line -> line.contains("$ "));
        assertThat(d.getList("changes")).isEmpty();
        assertThat(project.containers("bot")).isEmpty();
    }
}
