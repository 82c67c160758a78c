package io.keelson.policy;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.OPS;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.keelson.support.Api;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.WatchFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Windows, freezes and an operator's override, for API deployments and the watcher alike. */
@QuarkusTest
class DeployPolicyTest {

    private static final String[] STAY_UP = TestImages.stayUp();

    private WatchFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.cleanUp();
        }
    }

    private static String freeze(Instant from, Instant to, String reason) {
        return """
                , "policy": {"freezes": [{"from": "%s", "to": "%s", "reason": "%s"}]}""".formatted(from, to, reason);
    }

    private Response deploy(String token, String body) {
        return as(token).body(body).post("/api/v1/targets/" + fx.target + "/deployments?wait=true");
    }

    private int history() {
        return as(ADMIN)
                .get("/api/v1/targets/" + fx.target + "/deployments")
                .then()
                .statusCode(200)
                .extract()
                .path("size()");
    }

    @Test
    void aFreezeRefusesADeploymentWithRetryAfterAndOnlyAnOperatorMayOverrideIt() {
        TestEnv.require();
        Instant end = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        fx = new WatchFixture().create("", freeze(Instant.now().minus(1, ChronoUnit.HOURS), end, "year-end"));

        Response refused = deploy(CI, "{\"reason\": \"release\"}");
        assertThat(refused.statusCode()).isEqualTo(423);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("frozen");
        assertThat(refused.jsonPath().getString("message")).contains("year-end", end.toString());
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter)
                .isBetween(
                        Duration.ofHours(2).toSeconds() - 60,
                        Duration.ofHours(2).toSeconds());
        assertThat(history()).as("a refused request records nothing").isZero();

        deploy(CI, "{\"override\": {\"reason\": \"hotfix\"}}").then().statusCode(403);
        deploy(OPS, "{\"override\": {}}").then().statusCode(400).body("message", containsString("override.reason"));
        assertThat(history()).isZero();

        deploy(OPS, "{\"override\": {\"reason\": \"hotfix for the outage\"}}")
                .then()
                .statusCode(200)
                .body("override.reason", equalTo("hotfix for the outage"))
                .body("override.by", equalTo("ops"));
        assertThat(as(ADMIN)
                        .get("/api/v1/targets/" + fx.target + "/deployments")
                        .jsonPath()
                        .getString("[0].override.reason"))
                .isEqualTo("hotfix for the outage");
        // A rollback puts back what ran before: windows and freezes do not hold it.
        as(OPS).body("{}")
                .post("/api/v1/targets/" + fx.target + "/rollback")
                .then()
                .statusCode(not(equalTo(423)));
        as(CI).get("/api/v1/targets/" + fx.target)
                .then()
                .statusCode(200)
                .body("policy.freezes[0].reason", equalTo("year-end"))
                .body("policyHold.message", containsString("year-end"))
                .body("lastHeld.message", containsString("year-end"))
                .body("lastHeld.at", not(equalTo(null)));
    }

    @Test
    void outsideItsWindowsADeploymentWaitsForTheNextOpeningAndInsideOneItRuns() {
        TestEnv.require();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        DayOfWeek tomorrow = now.getDayOfWeek().plus(1);
        String closed = day(tomorrow) + " 10:00-11:00 UTC";
        fx = new WatchFixture().create("", ", \"policy\": {\"windows\": [\"" + closed + "\"]}");

        Response refused = deploy(CI, "{}");
        assertThat(refused.statusCode()).isEqualTo(423);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("frozen");
        assertThat(refused.jsonPath().getString("message")).contains("outside the deploy windows", closed);
        long expected = Duration.between(
                        Instant.now(),
                        now.toLocalDate().plusDays(1).atTime(10, 0).toInstant(ZoneOffset.UTC))
                .toSeconds();
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(expected - 30, expected + 30);

        // A window around now (it may cross midnight: its end is then before its start).
        ZonedDateTime from = now.minusHours(1).truncatedTo(ChronoUnit.MINUTES);
        String open = day(from.getDayOfWeek()) + " " + hhmm(from) + "-" + hhmm(now.plusHours(1)) + " UTC";
        as(ADMIN)
                .body(targetWith(", \"policy\": {\"windows\": [\"" + closed + "\", \"" + open + "\"]}"))
                .put("/api/v1/targets/" + fx.target)
                .then()
                .statusCode(200);
        deploy(CI, "{}").then().statusCode(200).body("override", equalTo(null));
    }

    @Test
    void aWrongPolicyIsRefusedFieldByField() {
        TestEnv.require();
        String name = Api.uniqueTarget();
        as(ADMIN)
                .body("""
                        {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "none-%s"},
                         "policy": {"windows": ["Mon-Fri 8-18 UTC"],
                                    "freezes": [{"from": "2026-12-20", "to": "2026-12-19T00:00:00Z"},
                                                {"from": "2027-01-02T00:00:00Z", "to": "2027-01-01T00:00:00Z", "reason": "x"}],
                                    "signatures": {"mode": "required", "publicKeyFiles": ["/k.pub"]},
                                    "minAge": "0s"}}
                        """.formatted(name, name))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("message", containsString("policy.windows[0]"))
                .body("message", containsString("policy.freezes[0].from"))
                .body("message", containsString("policy.freezes[0].reason"))
                .body("message", containsString("policy.freezes[1].to"))
                .body("message", containsString("policy.signatures.publicKeyFiles[0]"))
                .body("message", containsString("policy.minAge"));
    }

    @Test
    void theWatcherLeavesAContainerAloneDuringAFreezeAndUpdatesItAfter() throws Exception {
        TestEnv.require();
        fx = new WatchFixture();
        String repo = TestImages.uniqueRepo("frozen");
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String name = fx.name("app");
        fx.run(name, List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Instant end = Instant.now().plusSeconds(15);
        fx.create("", freeze(Instant.now().minusSeconds(60), end, "maintenance"));

        as(CI).post("/v1/update?image=" + repo + ":latest").then().statusCode(200);
        Thread.sleep(2000);
        assertThat(fx.digest(name, repo)).as("frozen: left alone").isEqualTo(v1);
        assertThat(history()).as("a deferred check records nothing").isZero();

        await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(end));
        as(CI).post("/v1/update?image=" + repo + ":latest").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "SUCCEEDED"
                        .equals(as(ADMIN)
                                .get("/api/v1/targets/" + fx.target + "/deployments")
                                .jsonPath()
                                .getString("[0].status")));
        assertThat(fx.digest(name, repo)).isEqualTo(v2);
        assertThat(history()).isEqualTo(1);
    }

    private String targetWith(String extra) {
        return """
                {"name": "%s", "strategy": "watch", "docker": {"host": "%s"},
                 "watch": {"interval": "1h", "labelEnable": true, "scope": "%s", "stopTimeout": "5s"},
                 "rollout": {"healthTimeout": "8s", "stableFor": "1s", "onFailure": "rollback"}%s}
                """.formatted(fx.target, "unix:///var/run/docker.sock", fx.scope, extra);
    }

    private static String day(DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }

    private static String hhmm(ZonedDateTime t) {
        return String.format("%02d:%02d", t.getHour(), t.getMinute());
    }
}
