package io.keelson.faults;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.keelson.support.Api;
import io.keelson.support.TestEnv;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An unreachable deploy host shows in its target and in a metric; it never takes Keelson's readiness down. */
@QuarkusTest
class UnreachableHostTest {

    private final String target = Api.uniqueTarget();

    @AfterEach
    void tearDown() {
        as(ADMIN).delete("/api/v1/targets/" + target);
    }

    @Test
    void aTargetWhoseHostIsDownLeavesKeelsonReadyAndSaysSoItself() {
        as(ADMIN)
                .body("""
                {"name": "%s", "strategy": "ssh-compose",
                 "ssh": {"hosts": ["127.0.0.1"], "port": 1, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "compose": {"projectDir": "/srv/nothing", "services": ["bot"]}}
                """.formatted(target, TestEnv.clientKey(), TestEnv.knownHosts()))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> Boolean.FALSE.equals(
                        as(READER).get("/api/v1/targets/" + target).jsonPath().get("health[0].reachable")));

        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.find { it.name == 'ssh-hosts' }.data.'" + target + "/127.0.0.1:1'",
                        org.hamcrest.Matchers.startsWith("unreachable"));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString(
                        "keelson_target_reachable{endpoint=\"127.0.0.1:1\",target=\"" + target + "\"} 0.0"));
    }
}
