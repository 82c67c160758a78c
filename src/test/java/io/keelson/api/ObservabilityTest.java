package io.keelson.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Health, metrics and the OpenAPI document need no token. */
@QuarkusTest
class ObservabilityTest {

    @Test
    void livenessIsUpWithoutAToken() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessReportsTheDatabaseAndEachSshHost() {
        given().get("/q/health/ready").then().body("checks.name", hasItem("ssh-hosts"))
                .body("checks.find { it.name == 'ssh-hosts' }.data", org.hamcrest.Matchers.hasKey("it-file-target/127.0.0.1:2222"));
    }

    @Test
    void metricsAreServedInPrometheusFormat() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    @Test
    void theOpenApiDocumentListsTheDeploymentEndpoint() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/targets/{name}/deployments"));
    }
}
