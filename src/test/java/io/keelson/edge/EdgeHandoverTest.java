package io.keelson.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's switch (overlap) and hold, on the real edge image (scripts/build-edge.sh, HAProxy from
 * Debian) with the configuration and runtime commands Keelson generates, under load from Debian's
 * {@code hey}: not one request may fail while the serving copy changes.
 */
class EdgeHandoverTest {

    private static final String EDGE_IMAGE = TestEnv.REGISTRY + "/keelson/edge:2.6";
    private static final String HTTPD = "trap 'exit 0' TERM; mkdir -p /www; echo %s > /www/index.html;"
            + " httpd -f -p 8000 -h /www & while true; do sleep 1; done";

    private final List<String> containers = new ArrayList<>();
    private String network;
    private String edge;
    private EdgeRoute route;
    private Path config;

    @BeforeEach
    void setUp() throws IOException {
        TestEnv.require();
        String id = UUID.randomUUID().toString().substring(0, 8);
        network = "kt-edge-" + id;
        Shell.run("docker", "network", "create", network).require();
        // The edge listens on every address of its container; the engine publishes that on the host's loopback.
        route = new EdgeRoute("web", "", freePort(), 8000);
        config = Files.createTempDirectory("edge-config");
        edge = "kt-edge-" + id + "-edge";
    }

    @AfterEach
    void tearDown() {
        containers.forEach(c -> Shell.run("docker", "rm", "-f", "-v", c));
        Shell.run("docker", "network", "rm", network);
    }

    @Test
    void anOverlapSwitchUnderLoadFailsNoRequest() throws Exception {
        String blue = copy("blue");
        String green = copy("green");
        startEdge(ip(blue), "blue");
        assertThat(get()).isEqualTo("blue");

        CompletableFuture<Load> load = CompletableFuture.supplyAsync(() -> load(6));
        Thread.sleep(1500);
        runtime(EdgeCommands.switchTo(route, "green", ip(green), "blue"));
        Thread.sleep(1500);
        assertThat(get()).isEqualTo("green");
        runtime(EdgeCommands.retire(route, "blue"));
        Shell.run("docker", "rm", "-f", blue).require();
        Load seen = load.get();

        assertThat(seen.ok()).as(seen.report()).isGreaterThan(500);
        assertThat(seen.failed()).as(seen.report()).isZero();
    }

    @Test
    void aHoldRestartUnderLoadRefusesNoConnection() throws Exception {
        String old = copy("old");
        startEdge(ip(old), "old");

        // A new connection per request: a hold promises that none is refused. (A connection open on the
        // old copy ends with it: a unit that cannot run twice cannot hand its connections over.)
        CompletableFuture<Load> load = CompletableFuture.supplyAsync(() -> load(6, "-disable-keepalive"));
        Thread.sleep(1500);
        runtime(EdgeCommands.hold(route));
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> get(15));
        Thread.sleep(700);
        assertThat(held).as("a connection made during the hold waits").isNotDone();
        // The requests already on their way to the old copy finish before it stops.
        for (int i = 0; i < 100 && EdgeStats.openConnections(runtime(EdgeCommands.stats()), route, "blue") != 0; i++) {
            Thread.sleep(20);
        }
        Shell.run("docker", "rm", "-f", old).require();
        String fresh = copy("new");
        // The new copy's start-up, as a gate would wait for it: until it answers on its own address.
        for (int i = 0;
                i < 100
                        && !Shell.run("curl", "-fsS", "--max-time", "1", "http://" + ip(fresh) + ":8000/")
                                .output()
                                .strip()
                                .equals("new");
                i++) {
            Thread.sleep(50);
        }
        runtime(EdgeCommands.release(route, "green", ip(fresh), "blue"));
        Load seen = load.get();

        assertThat(get()).isEqualTo("new");
        assertThat(held.get())
                .as("the held connection is served by the new copy")
                .isEqualTo("new");
        assertThat(seen.ok()).as(seen.report()).isGreaterThan(300);
        assertThat(seen.failed()).as(seen.report()).isZero();
    }

    /** A copy of the unit: busybox httpd answering {@code body} on 8000, on the edge's network, no published port. */
    private String copy(String body) {
        String name = network + "-" + body;
        Shell.run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        name,
                        "--network",
                        network,
                        TestEnv.REGISTRY + "/keelson-test/app:base",
                        "sh",
                        "-c",
                        HTTPD.formatted(body))
                .require();
        containers.add(name);
        return name;
    }

    /** Starts the edge in front of the copy at {@code currentIp}, and waits until that copy answers {@code body} through it. */
    private void startEdge(String currentIp, String body) throws Exception {
        Files.writeString(
                config.resolve("haproxy.cfg"),
                EdgeConfig.render(List.of(route), r -> currentIp + ":" + r.containerPort()));
        Shell.run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        edge,
                        "--network",
                        network,
                        "-p",
                        "127.0.0.1:" + route.hostPort() + ":" + route.hostPort(),
                        "-v",
                        config + ":/etc/haproxy:ro",
                        EDGE_IMAGE)
                .require();
        containers.add(edge);
        // Both the edge and the copy's httpd start on their own time: until then curl prints its error.
        for (int i = 0; i < 100 && !get().equals(body); i++) {
            Thread.sleep(100);
        }
    }

    private String runtime(String commands) {
        Shell.Result r = Shell.run(
                "docker",
                "exec",
                edge,
                "sh",
                "-c",
                "echo \"$1\" | socat stdio /run/haproxy/admin.sock",
                "sh",
                commands);
        assertThat(r.exit()).as(r.output()).isZero();
        if (!commands.startsWith("show ")) { // a change answers nothing, or says what it refused
            assertThat(r.output().strip())
                    .as("runtime API: " + commands)
                    .doesNotContainIgnoringCase("unknown")
                    .doesNotContainIgnoringCase("error");
        }
        return r.output();
    }

    private String ip(String container) {
        return Shell.run(
                        "docker",
                        "inspect",
                        "--format",
                        "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}",
                        container)
                .require()
                .strip();
    }

    private String get() {
        return get(2);
    }

    private String get(int seconds) {
        return Shell.run(
                        "curl",
                        "-fsS",
                        "--max-time",
                        String.valueOf(seconds),
                        "http://127.0.0.1:" + route.hostPort() + "/")
                .output()
                .strip();
    }

    /** What hey saw: requests answered 200, and every other answer or socket error. */
    record Load(int ok, int failed, String report) {}

    private Load load(int seconds, String... options) {
        List<String> argv = new ArrayList<>(List.of("hey", "-z", seconds + "s", "-c", "4", "-q", "50", "-t", "20"));
        argv.addAll(List.of(options));
        argv.add("http://127.0.0.1:" + route.hostPort() + "/");
        String out = Shell.run(argv.toArray(String[]::new)).output();
        int ok = 0;
        int failed = 0;
        Matcher codes = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses").matcher(out);
        while (codes.find()) {
            if (codes.group(1).equals("200")) {
                ok += Integer.parseInt(codes.group(2));
            } else {
                failed += Integer.parseInt(codes.group(2));
            }
        }
        int errors = out.indexOf("Error distribution:");
        if (errors >= 0) {
            Matcher counts = Pattern.compile("\\[(\\d+)]").matcher(out.substring(errors));
            while (counts.find()) {
                failed += Integer.parseInt(counts.group(1));
            }
        }
        return new Load(ok, failed, out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
