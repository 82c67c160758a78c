package io.keelson.api;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.keelson.support.Api;
import io.keelson.support.ComposeProject;
import io.keelson.support.TestEnv;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad request gets the contract's error JSON and starts nothing. */
@QuarkusTest
class ApiErrorsTest {

    private String target;

    private ComposeProject project;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        project = ComposeProject.create(Map.of("bot", TestEnv.REGISTRY + "/keelson-test/app:base"));
        target = Api.createSshTarget(project, List.of("bot"), TestEnv.knownHosts(), Api.FAST_ROLLOUT);
    }

    /** A test that deployed leaves a project (its network takes one of the engine's few address pools). */
    @AfterEach
    void tearDown() {
        project.down();
    }

    @Test
    void aMissingOrWrongTokenIs401() {
        given().post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"))
                .body("message", containsString("Bearer"));
        as("not-a-token")
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"));
        assertNothingRan();
    }

    @Test
    void aTokenWithoutTheRoleIs403() {
        as(READER)
                .body("{}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(403)
                .body("error", equalTo("forbidden"))
                .body("message", containsString("needs deploy"));
        as(CI).post("/api/v1/targets/" + target + "/pause").then().statusCode(403);
        as(CI).body("{}").post("/api/v1/targets").then().statusCode(403);
        assertNothingRan();
    }

    @Test
    void aTokenLimitedToOtherTargetsIs403() {
        as(CI).body("{}")
                .post("/api/v1/targets/it-file-target-other/deployments")
                .then()
                .statusCode(404);
        as(CI).get("/api/v1/targets/example-homolog").then().statusCode(403).body("error", equalTo("forbidden"));
    }

    @Test
    void anUnknownTargetOrDeploymentIs404() {
        as(CI).body("{}")
                .post("/api/v1/targets/it-no-such-target/deployments")
                .then()
                .statusCode(404)
                .body("error", equalTo("not_found"));
        as(CI).get("/api/v1/deployments/01JD0000000000000000000000")
                .then()
                .statusCode(404)
                .body("error", equalTo("not_found"));
        as(ADMIN).get("/api/v1/no-such-endpoint").then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void malformedJsonIs400() {
        as(CI).body("{\"services\": [")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_json"));
        assertNothingRan();
    }

    @Test
    void anUnknownFieldIs400() {
        as(CI).body("{\"servces\": [\"bot\"]}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("message", containsString("servces"));
        assertNothingRan();
    }

    @Test
    void anInvalidImageReferenceIs400() {
        as(CI).body("{\"image\": \"registry.example.com/bot:1; reboot\"}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("message", containsString("image"));
        as(CI).body("{\"image\": \"$(reboot)\"}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(400);
        assertNothingRan();
    }

    @Test
    void aServiceNameOutsideItsGrammarIs400() {
        as(CI).body("{\"services\": [\"bot;reboot\"]}")
                .post("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("message", containsString("bot;reboot"));
        assertNothingRan();
    }

    @Test
    void badQueryParametersAre400() {
        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=maybe")
                .then()
                .statusCode(400);
        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true&timeout=-1")
                .then()
                .statusCode(400);
        as(CI).get("/api/v1/targets/" + target + "/deployments?limit=0").then().statusCode(400);
        assertNothingRan();
    }

    private void assertNothingRan() {
        as(ADMIN)
                .get("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(200)
                .body("$", hasSize(0));
    }
}
