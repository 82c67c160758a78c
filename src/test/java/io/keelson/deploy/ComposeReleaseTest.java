package io.keelson.deploy;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.OPS;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A release of two compose services, each from its own repository tagged by one commit: one deployment, one rollback. */
@QuarkusTest
class ComposeReleaseTest {

    private String botRepo;
    private String webRepo;
    private ComposeProject project;
    private String target;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        botRepo = TestImages.uniqueRepo("rel-bot");
        webRepo = TestImages.uniqueRepo("rel-web");
        project = ComposeProject.create(Map.of("bot", botRepo + ":latest", "web", webRepo + ":latest"));
        target = Api.createSshTarget(project, List.of("bot", "web"), TestEnv.knownHosts(), Api.FAST_ROLLOUT);
    }

    @AfterEach
    void tearDown() {
        project.down();
    }

    @Test
    void twoServicesAreReleasedTogetherAndRolledBackTogether() {
        String bot1 = TestImages.push(TestImages.Kind.APP, botRepo + ":latest");
        String web1 = TestImages.push(TestImages.Kind.APP, webRepo + ":latest");
        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);
        String bot2 = TestImages.push(TestImages.Kind.APP, botRepo + ":3f2a9c1");
        String web2 = TestImages.push(TestImages.Kind.APP, webRepo + ":3f2a9c1");

        JsonPath d = as(CI).body("""
                {"release": {"bot": "%s:3f2a9c1", "web": "%s:3f2a9c1"}}""".formatted(botRepo, webRepo))
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(d.getList("changes.unit", String.class)).containsExactly("bot", "web");
        assertThat(d.getList("changes.toDigest", String.class)).containsExactly(bot2, web2);
        assertThat(project.runningDigest("bot", botRepo)).contains(bot2);
        assertThat(project.runningDigest("web", webRepo)).contains(web2);

        as(OPS).body("{}")
                .post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .statusCode(200);

        assertThat(project.runningDigest("bot", botRepo)).contains(bot1);
        assertThat(project.runningDigest("web", webRepo)).contains(web1);
    }
}
