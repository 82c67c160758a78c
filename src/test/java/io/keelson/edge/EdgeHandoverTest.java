package io.keelson.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.keelson.registry.ImageRef;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.ExecStream;
import io.keelson.support.Load;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge itself ({@link Edge}, on the real edge image that scripts/build-edge.sh builds from
 * Debian's HAProxy), driven the way a handover drives it, under load from Debian's {@code hey}: not
 * one request may fail while the serving copy changes, and a connection open before a switch stays
 * with its copy.
 */
class EdgeHandoverTest {

    private static final String EDGE_IMAGE = TestEnv.REGISTRY + "/keelson/edge:2.6";
    private static final String HTTPD = "trap 'exit 0' TERM; mkdir -p /www; echo %s > /www/index.html;"
            + " httpd -p 8000 -h /www; nc -ll -p 9000 -e cat & while true; do sleep 1 & wait $!; done";

    private final List<String> containers = new ArrayList<>();
    private final List<EdgeRoute> routes = new ArrayList<>();
    private DockerEngine engine;
    private Edge edge;
    private String id;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        id = UUID.randomUUID().toString().substring(0, 8);
        engine = DockerEngine.connect(null);
        edge = Edge.ensure(
                engine,
                "local",
                EDGE_IMAGE,
                image -> engine.pull(ImageRef.parse(image), Optional.empty(), TestEnv.REGISTRY),
                line -> {});
    }

    @AfterEach
    void tearDown() {
        routes.forEach(edge::remove);
        containers.forEach(c -> Shell.run("docker", "rm", "-f", "-v", c));
        engine.close();
    }

    @Test
    void anOverlapSwitchUnderLoadFailsNoRequestAndAnOpenConnectionStaysWithItsCopy() throws Exception {
        EdgeRoute web = route("web", 8000);
        EdgeRoute raw = route("raw", 9000);
        String blue = copy("blue");
        String green = copy("green");
        edge.install(web, "t", ip(blue));
        edge.install(raw, "t", ip(blue));
        assertThat(get(web)).isEqualTo("blue");

        try (Socket open = new Socket("127.0.0.1", raw.hostPort())) {
            assertThat(echo(open, "before")).isEqualTo("before");
            CompletableFuture<Load.Seen> load = CompletableFuture.supplyAsync(() -> Load.hey(url(web), 6));
            Thread.sleep(1500);
            String drained = edge.servingSlot(web);
            String rawDrained = edge.servingSlot(raw);
            edge.switchTo(web, "t", ip(green), drained);
            edge.switchTo(raw, "t", ip(green), rawDrained);
            assertThat(get(web)).isEqualTo("green");
            assertThat(echo(open, "after"))
                    .as("a connection made before the switch")
                    .isEqualTo("after");
            assertThat(edge.open(raw, rawDrained))
                    .as("open on the drained copy, whichever worker carries it (another test may reload the edge)")
                    .isEqualTo(1);
            // A reload (any route change on the host makes one) leaves the connection with the old
            // worker: the new one counts none, and the drain must still wait for it.
            inEdge("/usr/share/keelson-edge/edge reload");
            assertThat(edge.stats().slots(raw).get(rawDrained).open())
                    .as("the new worker's own count")
                    .isZero();
            assertThat(edge.open(raw, rawDrained)).as("open in every worker").isEqualTo(1);
            assertThat(echo(open, "reloaded")).isEqualTo("reloaded");
            edge.drain(web, drained, Duration.ofSeconds(5));
            Load.Seen seen = load.get();
            assertThat(seen.ok()).as(seen.report()).isGreaterThan(100);
            assertThat(seen.failed()).as(seen.report()).isZero();
            assertThat(echo(open, "still"))
                    .as("still with its copy while the drain waits")
                    .isEqualTo("still");
        }
        assertThat(edge.drain(raw, "blue", Duration.ofSeconds(5)))
                .as("the drain ends when the connection closes")
                .isZero();
    }

    @Test
    void aHoldRestartUnderLoadRefusesNoConnection() throws Exception {
        EdgeRoute web = route("web", 8000);
        String old = copy("old");
        edge.install(web, "t", ip(old));

        // A new connection per request: a hold promises that none is refused. Fourteen seconds, so the load
        // goes on after the release even when the restart under it is slow (holds of 7 and 9.6 s in full runs).
        CompletableFuture<Load.Seen> load =
                CompletableFuture.supplyAsync(() -> Load.hey(url(web), 14, "-disable-keepalive"));
        Thread.sleep(1500);
        edge.hold(web);
        assertThat(edge.held(web)).isTrue();
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> get(web, 15));
        Thread.sleep(700);
        assertThat(held).as("a connection made during the hold waits").isNotDone();
        // Another route added meanwhile waits for the hold to end before it reloads the edge: a reload would
        // leave the held connection with a worker that never learns of the new copy.
        EdgeRoute other = route("other", 8000);
        String oldIp = ip(old);
        CompletableFuture<Void> added = CompletableFuture.runAsync(() -> edge.install(other, "t", oldIp));
        Thread.sleep(700);
        assertThat(added).as("the reload waits for the hold").isNotDone();
        edge.awaitIdle(web, edge.servingSlot(web), Duration.ofSeconds(5));
        Shell.run("docker", "rm", "-f", old).require();
        String fresh = copy("new");
        for (int i = 0;
                i < 100
                        && !Shell.run("curl", "-fsS", "--max-time", "1", "http://" + ip(fresh) + ":8000/")
                                .output()
                                .strip()
                                .equals("new");
                i++) {
            Thread.sleep(50);
        }
        edge.release(web, "t", ip(fresh));
        added.get(30, java.util.concurrent.TimeUnit.SECONDS);
        Load.Seen seen = load.get();

        assertThat(edge.held(web)).isFalse();
        assertThat(get(web)).isEqualTo("new");
        assertThat(held.get())
                .as("the held connection is served by the new copy")
                .isEqualTo("new");
        assertThat(seen.ok()).as(seen.report()).isGreaterThan(100);
        assertThat(seen.failed()).as(seen.report()).isZero();
    }

    @Test
    void aConnectionHeldByAWorkerThatAReloadReplacedGoesToTheReleasedCopy() throws Exception {
        EdgeRoute web = route("web", 8000);
        String old = copy("old");
        edge.install(web, "t", ip(old));
        edge.hold(web);
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> get(web, 20));
        Thread.sleep(700);
        // A reload straight through HAProxy's master (the edge tool would wait for the hold to end): the
        // worker holding the connection is replaced, and the release's runtime call reaches only the new one.
        inEdge("printf 'reload\\n' | socat -t 5 stdio unix-connect:/run/haproxy/master.sock");
        Thread.sleep(1500);
        String fresh = copy("new"); // made before the old one goes, so it has another address
        Shell.run("docker", "rm", "-f", old).require();

        edge.release(web, "t", ip(fresh));

        assertThat(held.get(30, java.util.concurrent.TimeUnit.SECONDS))
                .as("the held connection reaches the copy the release named")
                .isEqualTo("new");
        assertThat(get(web)).isEqualTo("new");
    }

    /**
     * The edge's lock (changes to routes and holds take turns) is taken over from a holder that is
     * gone, and never from one that is alive: two changes of the hold file at once could lose a release.
     */
    @Test
    void theEdgesLockIsTakenOverFromAHolderThatIsGoneAndWaitedForWhileItsHolderLives() throws Exception {
        EdgeRoute web = route("web", 8000);
        String one = copy("one");
        edge.install(web, "t", ip(one));
        String lock = "/etc/haproxy/keelson/.lock";
        // pid 1 is HAProxy, but not with this start time: the holder is gone
        inEdge("until mkdir " + lock + "; do sleep 0.05; done; echo '1 0' >" + lock + "/holder");
        edge.hold(web);
        assertThat(edge.held(web)).isTrue();
        // A reload waits for the hold a bounded while (here 1 s instead of 30), then goes ahead.
        Process reload = new ProcessBuilder(
                        "docker",
                        "exec",
                        "-e",
                        "EDGE_RELOAD_HOLD_WAITS=10",
                        "keelson-edge",
                        "/usr/share/keelson-edge/edge",
                        "reload")
                .start();
        assertThat(reload.waitFor(20, java.util.concurrent.TimeUnit.SECONDS))
                .as("a reload under a hold that does not end")
                .isTrue();
        assertThat(reload.exitValue()).isZero();

        String done = "/tmp/holder-done-" + id;
        Process holder = new ProcessBuilder(
                        "docker",
                        "exec",
                        "keelson-edge",
                        "sh",
                        "-c",
                        "until mkdir " + lock + "; do sleep 0.05; done; echo \"$$ $(cut -d' ' -f22 /proc/$$/stat)\" >"
                                + lock + "/holder; sleep 3; touch " + done + "; rm -rf " + lock)
                .start();
        await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> Shell.run("docker", "exec", "keelson-edge", "cat", lock + "/holder")
                        .output()
                        .matches("(?s)\\d+ \\d+\\s*"));
        edge.release(web, "t", ip(one));
        assertThat(Shell.run("docker", "exec", "keelson-edge", "ls", done).exit())
                .as("the release waited for the live holder")
                .isZero();
        assertThat(holder.waitFor()).isZero();
        assertThat(edge.held(web)).isFalse();
        assertThat(get(web)).isEqualTo("one");
    }

    @Test
    void aRemovedRouteLetsItsPortGo() throws Exception {
        EdgeRoute web = route("web", 8000);
        String one = copy("one");
        edge.install(web, "t", ip(one));
        assertThat(get(web)).isEqualTo("one");

        edge.remove(web);
        routes.remove(web);

        assertThat(edge.stats().has(web)).isFalse();
        try (ServerSocket again = new ServerSocket(web.hostPort())) {
            assertThat(again.getLocalPort())
                    .as("the port is free for the unit again")
                    .isEqualTo(web.hostPort());
        }
    }

    /** Runs a shell script in the edge container, as an operator (or another process) would. */
    @Test
    void aSessionRunsEachCommandAsAnExecWouldAndRefusesOnceEnded() throws IOException {
        EdgeRoute web = route("web", 8000);
        // Blank lines and the final newline: what base64 and the shell's read must carry byte for byte.
        String text = RouteFile.route(web, "t", "blue", "127.0.0.1:8000") + "\n\n";
        Duration call = Duration.ofSeconds(20);
        assertThat(engine.exec(Edge.CONTAINER, List.of(Edge.TOOL, "put-route", web.proxyName(), text), call)
                        .stdout()
                        .strip())
                .isEqualTo("changed");
        EdgeSession session = EdgeSession.open(engine);
        try {
            assertThat(session.call(List.of("put-route", web.proxyName(), text), call)
                            .orElseThrow()
                            .stdout()
                            .strip())
                    .as("the same text, sent through the session")
                    .isEqualTo("same");
            var refused =
                    session.call(List.of("no-such-command", "", "a b\nc"), call).orElseThrow();
            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.stderr()).contains("usage: edge");
            assertThat(session.call(List.of("protocol"), call).orElseThrow().stdout())
                    .as("the session goes on after a command failed")
                    .isEqualTo("9\n");
        } finally {
            session.close();
        }
        assertThatThrownBy(() -> session.call(List.of("protocol"), call))
                .as("nothing is sent once the session ended: the caller runs it by exec")
                .isInstanceOf(ExecStream.Ended.class);
    }

    private static void inEdge(String script) {
        Shell.run("docker", "exec", "keelson-edge", "sh", "-c", script).require();
    }

    private EdgeRoute route(String unit, int containerPort) throws IOException {
        EdgeRoute route = new EdgeRoute(unit + "-" + id, "127.0.0.1", freePort(), containerPort);
        routes.add(route);
        return route;
    }

    /** A copy of the unit: busybox httpd answering {@code body} on 8000 and an echo server on 9000; no published port. */
    private String copy(String body) {
        String name = "kt-edge-" + id + "-" + body;
        Shell.run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        name,
                        TestEnv.REGISTRY + "/keelson-test/app:base",
                        "sh",
                        "-c",
                        HTTPD.formatted(body))
                .require();
        containers.add(name);
        for (int i = 0;
                i < 100
                        && !Shell.run("curl", "-fsS", "--max-time", "1", "http://" + ip(name) + ":8000/")
                                .output()
                                .strip()
                                .equals(body);
                i++) {
            sleep(50);
        }
        return name;
    }

    private static String echo(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        socket.setSoTimeout(5000);
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private String ip(String container) {
        return ContainerHandover.ip(engine.inspectContainer(container).orElseThrow());
    }

    private static String url(EdgeRoute route) {
        return "http://127.0.0.1:" + route.hostPort() + "/";
    }

    private static String get(EdgeRoute route) {
        return get(route, 2);
    }

    private static String get(EdgeRoute route, int seconds) {
        return Shell.run("curl", "-fsS", "--max-time", String.valueOf(seconds), url(route))
                .output()
                .strip();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        return TestEnv.freePort();
    }
}
