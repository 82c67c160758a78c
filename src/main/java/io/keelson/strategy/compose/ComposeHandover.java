package io.keelson.strategy.compose;

import io.keelson.catalog.DockerSpec;
import io.keelson.catalog.HandoverSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.edge.ContainerHandover;
import io.keelson.edge.Edge;
import io.keelson.edge.EdgeRoute;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.HealthGate;
import io.keelson.strategy.Progress;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.ssh.EngineTunnel;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.SshHost;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The compose services of one host that the target's {@code handover} block serves through the
 * edge. compose itself makes the new copy ({@code up --scale N+1 --no-recreate} with the new pin), so
 * the copy carries compose's labels and configuration hash and the next {@code docker-compose up}
 * leaves it alone; Keelson gates it, switches the edge, drains and removes the old container through
 * the host's engine (reached over the same SSH connection). In {@code hold} mode compose recreates
 * the service while the edge holds new connections.
 */
final class ComposeHandover implements AutoCloseable {

    private static final int STOP_SECONDS = 10;
    private static final int ENGINE_CONNECTIONS = 4;

    private final SshHost ssh;
    private final TargetSpec target;
    private final ComposeCommands commands;
    private final String edgeImage;
    private final Progress progress;
    private final Clock clock;
    private final BiFunction<RemoteCommand, String, SshHost.Result> require;
    private final Consumer<String> log;
    private EngineTunnel tunnel;
    private DockerEngine engine;
    private Edge edge;
    private ComposeHandBack handBack;

    ComposeHandover(
            SshHost ssh,
            TargetSpec target,
            ComposeCommands commands,
            String edgeImage,
            Progress progress,
            Clock clock,
            BiFunction<RemoteCommand, String, SshHost.Result> require,
            Consumer<String> log) {
        this.ssh = ssh;
        this.target = target;
        this.commands = commands;
        this.edgeImage = edgeImage;
        this.progress = progress;
        this.clock = clock;
        this.require = require;
        this.log = log;
    }

    /** Whether this works over {@code connection} (a rollback connects again). */
    boolean on(SshHost connection) {
        return ssh == connection;
    }

    boolean handsOver(String service) {
        return target.handover() != null && target.handover().unit(service).isPresent();
    }

    /** Starts reading which routes the host's edge serves for this target, beside the deployment's other reads. */
    void readRoutes(Executor background) {
        handBack = ComposeHandBack.read(ssh, target, background);
    }

    /**
     * Whether the service's ports move this deployment, so that it runs even with its digest
     * unchanged: the edge takes them (adoption), or gives them back because {@code handover} no
     * longer names the service (the route goes now; compose's {@code up} publishes them as the files
     * say, one gap).
     */
    boolean portsMove(String service, ServiceContainers containers) {
        if (handsOver(service)) {
            return !adopted(service, containers);
        }
        List<EdgeRoute> back = handBack == null ? List.of() : handBack.routesOf(service);
        if (back.isEmpty()) {
            return false;
        }
        log.accept(
                service + ": hand back: " + back.stream().map(EdgeRoute::spec).toList()
                        + " move from the edge to the service (one gap); publish them in the compose files");
        progress.guard();
        back.forEach(edge()::remove);
        return true;
    }

    /** Whether the edge already serves the service's one container: else this deployment adopts it. */
    boolean adopted(String service, ServiceContainers containers) {
        List<String> ids = containers.ids(service);
        if (ids.size() != 1) {
            return false;
        }
        return engine().inspectContainer(ids.get(0))
                .map(inspect ->
                        ContainerHandover.adopted(inspect, target.handover().routes(service), edge()))
                .orElse(false);
    }

    /**
     * Pins the service to {@code pinned} and moves it there through the edge; on a failure the pin
     * it had is put back, with the old copy still serving.
     */
    ServiceContainers.Gated roll(String service, ImageRef pinned, OverridePins pins, ServiceContainers containers) {
        String before = pins.pinOf(service);
        String back = pins.render();
        pins.pin(service, pinned.toString());
        Optional<String> failure = roll(service, pins.render(), back, containers);
        if (failure.isPresent() && before == null) {
            pins.unpin(service);
        } else if (failure.isPresent()) {
            pins.pin(service, before);
        }
        return new ServiceContainers.Gated(failure, containers.running(service));
    }

    /**
     * Moves the service to the pin in {@code overridePinned} through the edge; answers the gate's
     * failure, after which the old version serves as before and {@code overrideBack} pins it again.
     */
    Optional<String> roll(String service, String overridePinned, String overrideBack, ServiceContainers containers) {
        List<String> old = containers.ids(service);
        boolean adopt = !adopted(service, containers);
        if (adopt) {
            log.accept(service + ": adopt: "
                    + EdgeRoute.hostPorts(target.handover().routes(service)) + " move to the edge (one gap)");
        }
        return target.handover().unit(service).orElseThrow().mode() == HandoverSpec.Mode.HOLD
                ? hold(service, overridePinned, overrideBack, containers, adopt)
                : overlap(service, overridePinned, overrideBack, containers, old, adopt);
    }

    private Optional<String> overlap(
            String service,
            String overridePinned,
            String overrideBack,
            ServiceContainers containers,
            List<String> old,
            boolean adopt) {
        List<EdgeRoute> routes = target.handover().routes(service);
        Edge edge = edge();
        // Read now: the switch right after the gate is then one call to the edge.
        List<String> used =
                adopt ? List.of() : routes.stream().map(edge::servingSlot).toList();
        progress.guard();
        require.apply(commands.pinAndAddCopy(overridePinned, service, old.size() + 1), "docker-compose up " + service);
        List<String> fresh = new ArrayList<>(containers.ids(service));
        fresh.removeAll(old);
        Optional<String> failure = fresh.size() == 1
                ? gate(fresh.get(0))
                : Optional.of("compose started " + fresh.size() + " new containers for " + service + ", not one");
        if (failure.isPresent()) {
            fresh.forEach(id -> engine().remove(id));
            require.apply(commands.writeOverride(overrideBack), "writing " + commands.overridePath());
            log.accept(service + ": the new copy failed (" + failure.get() + ") and was removed; it never served");
            return failure;
        }
        String ip = ipOf(fresh.get(0));
        long gated = System.nanoTime();
        progress.guard();
        if (adopt) {
            old.forEach(id -> engine().stop(id, STOP_SECONDS));
            routes.forEach(route -> edge.install(route, target.name(), ip));
            log.accept(service + ": adopt: the edge serves "
                    + EdgeRoute.hostPorts(target.handover().routes(service)) + " from the new copy");
        } else {
            for (int i = 0; i < routes.size(); i++) {
                edge.switchTo(routes.get(i), target.name(), ip, used.get(i));
            }
            log.accept(service + ": switched to the new copy " + fresh.get(0).substring(0, 12) + " "
                    + (System.nanoTime() - gated) / 1_000_000 + " ms after its gate; draining the old one (up to "
                    + target.handover().effectiveDrain().toSeconds() + " s)");
            for (int i = 0; i < routes.size(); i++) {
                edge.drain(routes.get(i), used.get(i), target.handover().effectiveDrain());
            }
            progress.guard();
            old.forEach(id -> engine().stop(id, STOP_SECONDS));
        }
        old.forEach(id -> engine().remove(id));
        log.accept(service + ": old container removed; compose runs the new one");
        return Optional.empty();
    }

    /**
     * hold: the edge holds new connections, compose recreates the service, the gate passes, the edge
     * lets them on. A failed copy is replaced by the old version the same way, still under the hold.
     */
    private Optional<String> hold(
            String service, String overridePinned, String overrideBack, ServiceContainers containers, boolean adopt) {
        List<EdgeRoute> routes = target.handover().routes(service);
        Edge edge = edge();
        if (!adopt) {
            routes.forEach(edge::hold);
            log.accept(service + ": the edge holds new connections; the old copy finishes what it serves");
        }
        try {
            if (!adopt) {
                routes.forEach(route -> edge.awaitIdle(
                        route, edge.servingSlot(route), target.handover().effectiveDrain()));
            }
            progress.guard();
            require.apply(commands.pinAndUp(overridePinned, service, true), "docker-compose up " + service);
            List<String> fresh = containers.ids(service);
            Optional<String> failure = fresh.size() == 1
                    ? gate(fresh.get(0))
                    : Optional.of("no single container for " + service + " after up");
            if (failure.isPresent()) {
                log.accept(service + ": the new copy failed (" + failure.get()
                        + "); compose starts the old version again");
                require.apply(commands.pinAndUp(overrideBack, service, true), "docker-compose up " + service);
                fresh = containers.ids(service);
                fresh.stream().findFirst().ifPresent(this::gate);
            }
            String ip = ipOf(fresh.get(0));
            for (EdgeRoute route : routes) {
                if (adopt) {
                    edge.install(route, target.name(), ip);
                } else {
                    edge.release(route, target.name(), ip);
                }
            }
            log.accept(service + ": the edge serves " + EdgeRoute.hostPorts(routes) + " from "
                    + fresh.get(0).substring(0, 12) + (adopt ? "" : " and lets the held connections on"));
            return failure;
        } catch (RuntimeException e) {
            if (!adopt) {
                edge.endHolds(routes); // never left held: new connections would wait until the edge gives up
            }
            throw e;
        }
    }

    private String ipOf(String id) {
        return ContainerHandover.ip(engine().inspectContainer(id).orElseThrow());
    }

    private Optional<String> gate(String id) {
        log.accept(id.substring(0, 12) + ": new copy started beside the old one, waiting for the health gate");
        var rollout = target.effectiveRollout();
        return new HealthGate(rollout.healthTimeout(), rollout.stableFor(), clock).await(() -> engine().state(id));
    }

    private Edge edge() {
        if (edge == null) {
            String image = target.handover() == null || target.handover().edgeImage() == null
                    ? edgeImage
                    : target.handover().edgeImage();
            edge = Edge.ensure(
                    engine(),
                    ssh.label(),
                    image,
                    ref -> require.apply(commands.pull(ImageRef.parse(ref)), "docker pull " + ref),
                    log);
        }
        return edge;
    }

    private DockerEngine engine() {
        if (engine == null) {
            tunnel = EngineTunnel.open(ssh, target.ssh().usesSudo());
            engine = DockerEngine.connect(new DockerSpec(tunnel.dockerHost(), null), ENGINE_CONNECTIONS);
        }
        return engine;
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
        if (tunnel != null) {
            tunnel.close();
        }
    }
}
