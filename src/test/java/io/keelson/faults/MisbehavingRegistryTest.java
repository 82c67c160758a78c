package io.keelson.faults;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.WatchFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registry that fails (500), rate-limits (429 with Retry-After) or hangs changes nothing: the
 * check is logged as failed and made again later, and a hung registry costs one bounded wait, not a
 * thread. The registry here is a small local server that misbehaves on purpose.
 */
@QuarkusTest
class MisbehavingRegistryTest {

    private static final String[] STAY_UP = TestImages.stayUp();

    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer registry;
    private WatchFixture fx;
    private String name;
    private String ref;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        fx = new WatchFixture().create();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        if (registry != null) {
            registry.stop(0);
        }
        fx.cleanUp();
        if (ref != null) {
            Shell.run("docker", "rmi", ref);
        }
    }

    @Test
    void aRegistryAnswering500ChangesNothingAndTheCheckSaysWhy() throws IOException {
        watchBehind(exchange -> answer(exchange, 500, null));
        String id = fx.id(name);

        JsonPath d = check();

        assertThat(d.getList("changes")).isEmpty();
        assertThat(d.getList("log", String.class))
                .anyMatch(l -> l.contains("registry check of " + ref + " failed") && l.contains("500"));
        assertThat(fx.id(name)).isEqualTo(id);
    }

    @Test
    void a429WithRetryAfterIsHonouredNothingIsAskedBeforeItAndNothingChanges() throws IOException {
        watchBehind(exchange -> answer(exchange, 429, "30"));
        String id = fx.id(name);

        check();
        JsonPath again = check();

        assertThat(requests.get()).as("requests the registry saw").isEqualTo(1);
        assertThat(again.getList("log", String.class)).anyMatch(l -> l.contains("asked to wait until"));
        assertThat(fx.id(name)).isEqualTo(id);
    }

    @Test
    void aHangingRegistryEndsTheCheckWithinItsTimeoutAndTheNextCheckStillRuns() throws IOException {
        watchBehind(exchange -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        String id = fx.id(name);

        JsonPath d = check();
        JsonPath next = check();

        assertThat(d.getList("log", String.class)).anyMatch(l -> l.contains("registry check of " + ref + " failed"));
        assertThat(next.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(fx.id(name)).isEqualTo(id);
    }

    private JsonPath check() {
        return as(CI).body("{}")
                .post("/api/v1/targets/" + fx.target + "/deployments?wait=true&timeout=120")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private interface Behaviour {
        void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
    }

    /** A labelled container whose image names the misbehaving registry (tagged locally, never pushed there). */
    private void watchBehind(Behaviour behaviour) throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        registry.createContext("/", exchange -> {
            requests.incrementAndGet();
            behaviour.handle(exchange);
        });
        registry.start();
        String local = TestImages.uniqueRepo("misbehaving");
        TestImages.push(TestImages.Kind.APP, local + ":latest");
        ref = "127.0.0.1:" + registry.getAddress().getPort() + "/it/misbehaving:latest";
        Shell.run("docker", "tag", local + ":latest", ref).require();
        name = fx.name("app");
        fx.run(name, List.of("--label", "keelson.enable=true"), ref, STAY_UP);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String retryAfter)
            throws IOException {
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
