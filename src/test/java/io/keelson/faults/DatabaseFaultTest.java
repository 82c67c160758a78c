package io.keelson.faults;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database refusing writes in the middle of a deployment (here: the log table taken away under
 * it) neither stops the deployment on the host nor loses its end: the lines held meanwhile are
 * written once the database takes writes again.
 */
@QuarkusTest
class DatabaseFaultTest {

    @Inject
    AgroalDataSource database;

    private ComposeProject project;
    private String repo;
    private boolean tableAway;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        repo = TestImages.uniqueRepo("dbfault");
        project = ComposeProject.create(Map.of("bot", repo + ":latest"));
    }

    @AfterEach
    void tearDown() throws SQLException {
        if (tableAway) {
            sql("ALTER TABLE deployment_log_away RENAME TO deployment_log");
        }
        project.down();
    }

    @Test
    void aDeploymentWhoseLogCannotBeWrittenStillFinishesOnTheHostAndItsLogCatchesUp() throws Exception {
        String target = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"30s\", \"stableFor\": \"3s\", \"onFailure\": \"rollback\"}");
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String id = as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        "RUNNING".equals(as(CI).get("/api/v1/deployments/" + id).path("status")));

        sql("ALTER TABLE deployment_log RENAME TO deployment_log_away");
        tableAway = true;
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        project.runningDigest("bot", repo).filter(v1::equals).isPresent());
        Thread.sleep(1000);
        sql("ALTER TABLE deployment_log_away RENAME TO deployment_log");
        tableAway = false;

        await().atMost(Duration.ofSeconds(60))
                .until(() -> isFinal(as(CI).get("/api/v1/deployments/" + id).path("status")));
        JsonPath d = as(CI).get("/api/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(d.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(v1);
        assertThat(d.getList("log", String.class)).contains("[127.0.0.1] bot: healthy", "deployment SUCCEEDED");
        assertThat(project.runningDigest("bot", repo)).contains(v1);
    }

    private static boolean isFinal(String status) {
        return List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "INTERRUPTED").contains(status);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = database.getConnection();
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
