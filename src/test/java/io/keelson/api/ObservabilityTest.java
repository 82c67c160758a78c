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
        given().get("/q/health/ready")
                .then()
                .body("checks.name", hasItem("ssh-hosts"))
                .body(
                        "checks.find { it.name == 'ssh-hosts' }.data",
                        org.hamcrest.Matchers.hasKey("it-file-target/127.0.0.1:2222"));
    }

    @Test
    void metricsAreServedInPrometheusFormat() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    @Test
    void theOpenApiDocumentDescribesTheDeploymentEndpointItsBodyAndItsAnswers() {
        given().accept("application/json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString("/api/v1/targets/{name}/deployments"))
                .body("paths.'/api/v1/targets/{name}/deployments'.post.responses", org.hamcrest.Matchers.hasKey("424"))
                .body("components.schemas", org.hamcrest.Matchers.hasKey("DeployRequestJson"))
                .body("components.schemas.DeploymentJson.properties", org.hamcrest.Matchers.hasKey("changes"));
    }

    @Test
    void swaggerUiIsServed() {
        given().redirects()
                .follow(true)
                .get("/q/swagger-ui")
                .then()
                .statusCode(200)
                .body(containsString("swagger"));
    }

    @Test
    void theWatchedContainersGaugeAndDeploymentCountersAreNamedByConvention() {
        io.keelson.support.Api.as(io.keelson.support.Api.ADMIN)
                .body("""
                {"name": "it-metrics-watch", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "none-metrics"}}
                """)
                .post("/api/v1/targets")
                .then()
                .statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(201), org.hamcrest.Matchers.is(409)));
        io.keelson.support.Api.as(io.keelson.support.Api.CI)
                .body("{}")
                .post("/api/v1/targets/it-metrics-watch/deployments?wait=true")
                .then()
                .statusCode(200);

        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("keelson_watched_containers{target=\"it-metrics-watch\"} 0.0"))
                .body(containsString(
                        "keelson_deployments_total{status=\"SUCCEEDED\",target=\"it-metrics-watch\",trigger=\"API\"}"))
                .body(containsString("keelson_deployment_duration_seconds"));
    }
}
