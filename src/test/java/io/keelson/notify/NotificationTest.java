package io.keelson.notify;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.keelson.support.Api;
import io.keelson.support.TestEnv;
import io.quarkus.test.junit.QuarkusTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Notifications reach a real HTTP receiver, survive its 5xx answers, and never hold a deployment up. */
@QuarkusTest
class NotificationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer receiver;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile long stallMillis;

    @BeforeEach
    void startReceiver() throws Exception {
        TestEnv.require();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        receiver.createContext("/", exchange -> {
            requests.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                Thread.sleep(stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = failuresLeft.getAndDecrement() > 0 ? 503 : 200;
            if (status == 200) {
                bodies.add(body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    /** A watch target over a scope with no containers: each deployment ends at once, SUCCEEDED. */
    private String target(String notify) {
        String name = Api.uniqueTarget();
        as(ADMIN)
                .body("""
                {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "%s"},
                 "notify": %s}
                """.formatted(name, "none-" + UUID.randomUUID(), notify))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        return name;
    }

    private String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook?token=s3cr3t-in-url";
    }

    @Test
    void theJsonPayloadArrivesAfterRetriesWithTargetStatusDigestsPipelineAndLink() throws Exception {
        failuresLeft.set(2);
        String target = target("[{\"url\": \"" + url() + "\", \"format\": \"json\", \"on\": [\"succeeded\"]}]");

        String id = as(CI).body(
                        "{\"reason\": \"pipeline 4711\", \"pipeline\": {\"project\": \"lappis/tais\", \"id\": \"4711\"}}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .path("id");

        awaitBodies(1);
        assertThat(requests.get()).as("two 503 answers, then success").isEqualTo(3);
        JsonNode body = JSON.readTree(bodies.get(0));
        assertThat(body.path("target").asText()).isEqualTo(target);
        assertThat(body.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.path("deployment").asText()).isEqualTo(id);
        assertThat(body.path("link").asText()).endsWith("/api/v1/deployments/" + id);
        assertThat(body.path("pipeline").path("project").asText()).isEqualTo("lappis/tais");
        assertThat(body.has("changes")).isTrue();
        assertThat(bodies.get(0)).doesNotContain("s3cr3t-in-url");
    }

    @Test
    void aSlackChannelGetsAnIncomingWebhookMessage() throws Exception {
        String target = target("[{\"url\": \"" + url() + "\", \"format\": \"slack\", \"on\": [\"succeeded\"]}]");

        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);

        awaitBodies(1);
        assertThat(JSON.readTree(bodies.get(0)).path("text").asText())
                .contains("*" + target + "*")
                .contains("SUCCEEDED");
    }

    @Test
    void endingsNotAskedForAreNotSent() throws Exception {
        String target = target("[{\"url\": \"" + url() + "\"}]");

        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);

        Thread.sleep(1500);
        assertThat(requests.get())
                .as("a success is not among the default endings")
                .isZero();
    }

    @Test
    void aStalledReceiverNeverDelaysTheDeploymentsAnswer() {
        stallMillis = 20_000;
        String target = target("[{\"url\": \"" + url() + "\", \"on\": [\"succeeded\"]}]");

        long start = System.nanoTime();
        as(CI).body("{}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200);

        assertThat((System.nanoTime() - start) / 1_000_000)
                .as("answered without waiting for the 20 s receiver")
                .isLessThan(10_000);
    }

    private void awaitBodies(int n) throws InterruptedException {
        for (int i = 0; i < 200 && bodies.size() < n; i++) {
            Thread.sleep(50);
        }
        assertThat(bodies).hasSizeGreaterThanOrEqualTo(n);
    }
}
