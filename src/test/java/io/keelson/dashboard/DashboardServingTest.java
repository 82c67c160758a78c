package io.keelson.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.keelson.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What the dashboard stands on: the page is served without a token, locked down by headers, and told the caller's role. */
@QuarkusTest
class DashboardServingTest {

    @Test
    void thePageIsServedAtTheRootWithHeadersThatKeepItToItsOwnOrigin() {
        given().get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Frame-Options", equalTo("DENY"))
                .header("Referrer-Policy", equalTo("no-referrer"))
                .body(containsString("<script type=\"module\" src=\"dashboard.js\"></script>"));
        given().get("/dashboard.js").then().statusCode(200).header("X-Content-Type-Options", equalTo("nosniff"));
    }

    @Test
    void theTokenEndpointNamesTheCallersRoleAndNeedsAToken() {
        Api.as(Api.OPS)
                .get("/api/v1/token")
                .then()
                .statusCode(200)
                .body("name", equalTo("ops"))
                .body("role", equalTo("operate"));
        Api.as(Api.READER).get("/api/v1/token").then().statusCode(200).body("role", equalTo("read"));
        given().get("/api/v1/token").then().statusCode(401);
        Api.as("not-a-token-0123456789").get("/api/v1/token").then().statusCode(401);
    }
}
