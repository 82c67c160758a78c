package io.keelson.edge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.strategy.engine.ContainerExec;
import io.keelson.strategy.engine.DockerEngine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The edge on one Docker engine: the {@code keelson-edge} container, HAProxy from the image {@code
 * scripts/build-edge.sh} builds. It uses the host's network, so it binds the published ports itself
 * (a port is added by a seamless reload, no other route is touched) and reaches every container's
 * address; its routes live in a volume, so a recreated edge serves them again; its restart policy
 * brings it back with the host. Keelson creates it when a target first needs it and never restarts
 * a running one. Every change goes through the image's {@code edge} tool, values as arguments.
 */
public final class Edge implements AutoCloseable {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Edge.class);

    public static final String CONTAINER = "keelson-edge";
    public static final String VOLUME = "keelson-edge";
    /** The HAProxy line Keelson's configuration and runtime commands are written for. */
    public static final String HAPROXY_LINE = "2.6.";

    /** The image's command through which every change and read goes. */
    public static final String TOOL = "/usr/share/keelson-edge/edge";

    private static final String PROTOCOL = "9";
    private static final Duration RELOAD = Duration.ofSeconds(10);

    private final String host;
    private final EdgeTool tool;

    private Edge(DockerEngine engine, String host) {
        this.host = host;
        this.tool = new EdgeTool(engine, host);
    }

    /**
     * The engine's edge, checked: created from {@code image} (pulled by {@code pull}) when there is
     * none, started when stopped, refused when it is not an edge Keelson can drive.
     */
    public static Edge ensure(
            DockerEngine engine, String host, String image, Consumer<String> pull, Consumer<String> log) {
        Edge edge = new Edge(engine, host);
        var found = engine.inspectContainer(CONTAINER);
        if (found.isEmpty()) {
            pull.accept(image);
            engine.createVolume(VOLUME);
            try {
                engine.start(engine.create(CONTAINER, body(image)));
                log.accept("edge: created " + CONTAINER + " from " + image + " (host network, restarts with the host)");
            } catch (RuntimeException e) {
                if (engine.inspectContainer(CONTAINER).isEmpty()) {
                    throw e;
                }
                // Another deployment made it first: use that one.
            }
            found = engine.inspectContainer(CONTAINER);
        }
        ObjectNode edgeContainer =
                found.orElseThrow(() -> new IllegalStateException("no " + CONTAINER + " on " + host));
        String version = edgeContainer
                .path("Config")
                .path("Labels")
                .path("io.keelson.edge.haproxy")
                .asText("");
        if (!version.startsWith(HAPROXY_LINE)) {
            throw new IllegalStateException("the container " + CONTAINER + " on " + host
                    + " is not an edge Keelson can drive"
                    + " (HAProxy '" + version + "', Keelson needs " + HAPROXY_LINE + "x from scripts/build-edge.sh);"
                    + " remove it and deploy again");
        }
        if (!edgeContainer.path("State").path("Running").asBoolean()) {
            engine.start(CONTAINER);
            log.accept("edge: " + CONTAINER + " was stopped; started it");
        }
        edge.awaitTool();
        edge.tool.keepOpen();
        return edge;
    }

    /** The engine's edge if it has a running one, with no check and nothing created: what a repair reads. */
    public static Optional<Edge> find(DockerEngine engine, String host) {
        return engine.inspectContainer(CONTAINER)
                .filter(c -> c.path("State").path("Running").asBoolean())
                .map(c -> new Edge(engine, host));
    }

    private static ObjectNode body(String image) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("Image", image);
        body.putObject("Labels").put("io.keelson.edge", "true");
        ObjectNode hostConfig = body.putObject("HostConfig").put("NetworkMode", "host");
        hostConfig.putObject("RestartPolicy").put("Name", "unless-stopped");
        hostConfig.putArray("Binds").add(VOLUME + ":/etc/haproxy/keelson");
        return body;
    }

    /** The edge answers once HAProxy's sockets are there: right after a start, that takes a moment. */
    private void awaitTool() {
        long end = System.nanoTime() + RELOAD.toNanos();
        String said = "";
        while (System.nanoTime() < end) {
            ContainerExec.Result r = tool.run("protocol");
            if (r.ok()
                    && r.stdout().strip().equals(PROTOCOL)
                    && tool.run("api", "show info").stdout().contains("Version")) {
                return;
            }
            said = (r.stdout() + r.stderr()).strip();
            sleep(100);
        }
        throw new IllegalStateException(
                "the edge on " + host + " does not answer" + (said.isEmpty() ? "" : ": " + said));
    }

    /** The edge's counters and slots now. */
    public EdgeStats stats() {
        return EdgeStats.parse(call("api", EdgeCommands.stats()));
    }

    /**
     * Makes {@code route} serve the copy at {@code ip} in slot blue: a new route (the edge binds its
     * port) or one whose file changed, by a seamless reload that keeps every open connection.
     */
    public void install(EdgeRoute route, String target, String ip) {
        String answer = call(
                "put-route",
                route.proxyName(),
                RouteFile.route(route, target, "blue", ip + ":" + route.containerPort()));
        if (answer.strip().equals("changed") || !stats().has(route)) {
            call("reload");
            long end = System.nanoTime() + RELOAD.toNanos();
            while (!servesAt(route, ip)) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("the edge on " + host + " did not take route " + route.proxyName()
                            + " within " + RELOAD.toSeconds() + " s of its reload");
                }
                sleep(50);
            }
        }
        if (!servesAt(route, ip)) {
            call("api", EdgeCommands.serve(route, "blue", ip));
        }
    }

    private boolean servesAt(EdgeRoute route, String ip) {
        return stats().serving(route).map(s -> s.ip().equals(ip)).orElse(false);
    }

    /**
     * overlap's switch: new connections go to {@code ip} from now on, the copy in {@code used} (the
     * slot serving until now, read before the new copy's gate) keeps its open ones. One call: the
     * file and the runtime state together.
     */
    public void switchTo(EdgeRoute route, String target, String ip, String used) {
        String free = RouteFile.other(used);
        call(
                "set-route",
                route.proxyName(),
                RouteFile.route(route, target, free, ip + ":" + route.containerPort()),
                EdgeCommands.switchTo(route, free, ip, used));
    }

    /** Waits until the slot's connections ended or {@code timeout} passed, then empties it; answers those still open. */
    public long drain(EdgeRoute route, String slot, Duration timeout) {
        long open = awaitIdle(route, slot, timeout);
        call("api", EdgeCommands.retire(route, slot));
        return open;
    }

    /** Waits until the copy in {@code slot} has no open connection or {@code timeout} passed; answers those still open. */
    public long awaitIdle(EdgeRoute route, String slot, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        long open = open(route, slot);
        while (open > 0 && System.nanoTime() < end) {
            sleep(50); // a look through the deployment's session takes a few ms
            open = open(route, slot);
        }
        return open;
    }

    /** The slot serving the route now; blue when none does. */
    public String servingSlot(EdgeRoute route) {
        return stats().serving(route).map(EdgeStats.Slot::name).orElse("blue");
    }

    /**
     * The slot's open connections, with those a hold released to the copy, in every HAProxy worker: a
     * worker a reload replaces keeps its connections, which a drain must not end early under.
     */
    public long open(EdgeRoute route, String slot) {
        return EdgeStats.parseEach(call("all-stats")).stream()
                .mapToLong(worker -> worker.open(route, slot))
                .sum();
    }

    /** hold: new connections to the route wait (accepted, nothing sent on) until {@link #release}. */
    public void hold(EdgeRoute route) {
        call("hold", route.proxyName());
        if (!held(route)) {
            // The changes of hold.map take turns under the edge's lock; read back all the same, since a
            // hold that did not take would let new connections reach a copy that is about to stop.
            LOG.warnf("edge on %s: the hold of %s did not take; holding again", host, route.proxyName());
            call("hold", route.proxyName());
        }
    }

    /** The routes this edge serves, with the target each is for. */
    public List<RouteFile.Owned> routes() {
        return RouteFile.owners(call("routes"));
    }

    /** Whether the route's new connections are held now. */
    public boolean held(EdgeRoute route) {
        return call("holds").lines().anyMatch(line -> line.strip().equals(route.proxyName() + " 1"));
    }

    /** The end of a hold: the copy at {@code ip} serves, and the connections that waited go on to it. */
    public void release(EdgeRoute route, String target, String ip) {
        String slot = servingSlot(route);
        call(
                "set-route",
                route.proxyName(),
                RouteFile.route(route, target, slot, ip + ":" + route.containerPort()),
                EdgeCommands.serve(route, slot, ip));
        call("unhold", route.proxyName(), ip + ":" + route.containerPort());
        if (held(route)) {
            // Read back, as for the hold: a release that did not take would keep every held connection
            // waiting until the edge gives up on it (75 s).
            LOG.warnf("edge on %s: the release of %s did not take; releasing again", host, route.proxyName());
            call("unhold", route.proxyName(), ip + ":" + route.containerPort());
        }
    }

    /**
     * Ends holds without a new copy: what a handover that failed half-way does, so no route stays
     * held. The connections that waited go on to whatever the route serves (the old copy, if it runs).
     */
    public void endHolds(List<EdgeRoute> routes) {
        for (EdgeRoute route : routes) {
            try {
                call("unhold", route.proxyName());
            } catch (RuntimeException e) {
                // Best effort, on the way out of a failure: the repair after the deployment re-points the route.
                LOG.warnf("edge on %s: could not end the hold of %s: %s", host, route.proxyName(), e.getMessage());
            }
        }
    }

    /** Removes a route: the edge lets its port go (a reload), for the unit to publish it itself again. */
    public void remove(EdgeRoute route) {
        call("drop-route", route.proxyName());
        call("reload");
        long end = System.nanoTime() + RELOAD.toNanos();
        while (stats().has(route) && System.nanoTime() < end) {
            sleep(50);
        }
    }

    private String call(String... argv) {
        return tool.call(argv);
    }

    /** Ends the session the deployment's commands went through, if it opened one. */
    @Override
    public void close() {
        tool.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the edge", e);
        }
    }
}
