package io.keelson.faults;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.keelson.support.Api;
import io.keelson.support.TestEnv;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An unreachable deploy host shows in its target and in a metric; it never takes Keelson's readiness
 * down. A host many targets deploy to is probed once a round, not once per target.
 */
@QuarkusTest
class UnreachableHostTest {

    private final String target = Api.uniqueTarget();
    private final List<String> sharing = new ArrayList<>();

    @AfterEach
    void tearDown() {
        as(ADMIN).delete("/api/v1/targets/" + target);
        sharing.forEach(name -> as(ADMIN).delete("/api/v1/targets/" + name));
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

    @Test
    void targetsOnOneHostShareOneProbeARound() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!host.isClosed()) {
                    try (Socket s = host.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < 10; i++) {
                String name = Api.uniqueTarget();
                sharing.add(name);
                as(ADMIN)
                        .body("""
                        {"name": "%s", "strategy": "ssh-compose",
                         "ssh": {"hosts": ["127.0.0.1"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                         "compose": {"projectDir": "/srv/shared-%d", "services": ["bot"]}}
                        """.formatted(name, host.getLocalPort(), TestEnv.clientKey(), TestEnv.knownHosts(), i))
                        .post("/api/v1/targets")
                        .then()
                        .statusCode(201);
            }
            String last = sharing.get(sharing.size() - 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Boolean.TRUE.equals(
                            as(READER).get("/api/v1/targets/" + last).jsonPath().get("health[0].reachable")));
            int before = accepted.get();
            Thread.sleep(5_000); // two rounds or more at the tests' 2 s interval

            int rounds = accepted.get() - before;
            assertThat(rounds).as("connections to the shared host in 5 s").isBetween(1, 4);
            for (String name : sharing) {
                assertThat(as(READER).get("/api/v1/targets/" + name).jsonPath().getBoolean("health[0].reachable"))
                        .as(name)
                        .isTrue();
            }
        }
    }
}
