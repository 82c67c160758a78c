package io.keelson.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.HandoverSpec;
import io.keelson.catalog.RolloutSpec;
import io.keelson.strategy.HealthGate;
import io.keelson.strategy.Progress;
import io.keelson.strategy.engine.ComposeLabels;
import io.keelson.strategy.engine.CreateBody;
import io.keelson.strategy.engine.DockerEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replaces one plain container by a copy with the same configuration and a new image, through the
 * edge, so no connection is refused or cut: {@code overlap} starts the copy beside the old one,
 * gates it, switches the edge and drains the old one; {@code hold} makes the edge hold new
 * connections while the old one stops and the copy starts. The first handover of a container that
 * publishes its ports itself adopts it: the port moves to the edge, with one gap, said in the log.
 *
 * <p>A copy waits under {@code <name>-keelson-new-<old id>} until it has the name; at every moment
 * one copy is the one the edge sends new connections to, which {@link EdgeRepair} reads back after
 * a crash.
 */
public final class ContainerHandover {

    /** Between a unit's name and the old container's short id in the name of a copy not yet switched to. */
    public static final String NEW_MARK = "-keelson-new-";

    /** The copy that now serves (its address), and the gate's failure if the old one still does. */
    public record Result(String id, String ip, Optional<String> failure) {}

    private final DockerEngine engine;
    private final Edge edge;
    private final String target;
    private final HandoverSpec.Mode mode;
    private final List<EdgeRoute> routes;
    private final RolloutSpec rollout;
    private final Duration drain;
    private final Clock clock;
    private final Progress progress;

    public ContainerHandover(
            DockerEngine engine,
            Edge edge,
            String target,
            HandoverSpec.Mode mode,
            List<EdgeRoute> routes,
            RolloutSpec rollout,
            Duration drain,
            Clock clock,
            Progress progress) {
        this.engine = engine;
        this.edge = edge;
        this.target = target;
        this.mode = mode;
        this.routes = routes;
        this.rollout = rollout;
        this.drain = drain;
        this.clock = clock;
        this.progress = progress;
    }

    /**
     * Hands the container {@code inspect} over to a copy running {@code image}; the old container is
     * gone when this answers without a failure, and untouched (serving) when it answers one.
     */
    public Result run(ObjectNode inspect, ObjectNode oldImage, String image, int stopSeconds) {
        String name = inspect.path("Name").asText().replaceFirst("^/", "");
        String oldId = inspect.path("Id").asText();
        if (inspect.path("HostConfig").path("NetworkMode").asText().equals("host")) {
            return new Result(
                    oldId, null, Optional.of(name + " uses the host's network: the edge cannot stand in front of it"));
        }
        CreateBody create = CreateBody.from(inspect, oldImage);
        create.body().put("Image", image);
        ComposeLabels.keepHashTrue(name, create.body(), engine.host(), progress::log);
        boolean adopt;
        try {
            adopt = EdgePorts.unpublish(create.body(), name, routes) || !EdgePorts.servedByEdge(inspect, routes, edge);
        } catch (IllegalStateException e) {
            return new Result(oldId, null, Optional.of(e.getMessage()));
        }
        if (adopt) {
            progress.log(name + ": adopt: " + EdgeRoute.hostPorts(routes)
                    + " move from the container to the edge (one gap)");
        }
        if (mode == HandoverSpec.Mode.OVERLAP) {
            return overlap(name, oldId, create, stopSeconds, adopt);
        }
        return adopt ? adoptStopped(name, oldId, create, stopSeconds) : hold(name, oldId, create, stopSeconds);
    }

    private Result overlap(String name, String oldId, CreateBody create, int stopSeconds, boolean adopt) {
        String copyName = name + NEW_MARK + oldId.substring(0, 12);
        // Read now: the switch right after the gate is then one call to the edge.
        List<String> used =
                adopt ? List.of() : routes.stream().map(edge::servingSlot).toList();
        progress.guard();
        Result started = startCopy(copyName, create);
        if (started.failure().isPresent()) {
            return new Result(oldId, null, started.failure());
        }
        String ip = started.ip();
        long gated = System.nanoTime();
        progress.guard();
        if (adopt) {
            engine.stop(oldId, stopSeconds);
            try {
                routes.forEach(route -> edge.install(route, target, ip));
            } catch (RuntimeException e) {
                return undo(started.id(), oldId, e, true);
            }
            progress.log(name + ": adopt: the edge serves " + EdgeRoute.hostPorts(routes) + " from the new copy, "
                    + millisSince(gated) + " ms after its gate");
        } else {
            int switched = 0;
            try {
                for (; switched < routes.size(); switched++) {
                    edge.switchTo(routes.get(switched), target, ip, used.get(switched));
                }
            } catch (RuntimeException e) {
                String oldIp = ipOf(oldId);
                for (int i = 0; i < switched; i++) {
                    attempt(routes.get(i), r -> edge.release(r, target, oldIp));
                }
                return undo(started.id(), oldId, e, false);
            }
            progress.log(name + ": switched to the new copy " + started.id().substring(0, 12) + " " + millisSince(gated)
                    + " ms after its gate; draining the old one (up to " + drain.toSeconds() + " s)");
            long open = 0;
            for (int i = 0; i < routes.size(); i++) {
                open += edge.drain(routes.get(i), used.get(i), drain);
            }
            progress.log(
                    name + ": old copy drained" + (open > 0 ? "; " + open + " connections still open were cut" : ""));
            progress.guard();
            engine.stop(oldId, stopSeconds);
        }
        finish(name, oldId, started.id());
        return started;
    }

    /**
     * The edge did not take the new copy (it refused, or died): the copy goes, the old one serves
     * (started again when an adoption had stopped it, so it publishes its port itself again).
     */
    private Result undo(String copyId, String oldId, RuntimeException cause, boolean restartOld) {
        attempt(copyId, engine::remove);
        if (restartOld) {
            attempt(oldId, engine::start);
        }
        return new Result(
                oldId,
                null,
                Optional.of("the edge did not take the new copy: " + cause.getMessage()
                        + "; the new copy was removed and the old one serves"));
    }

    private static <T> void attempt(T value, java.util.function.Consumer<T> step) {
        try {
            step.accept(value);
        } catch (RuntimeException e) {
            // Best effort: the repair finishes what this could not.
        }
    }

    private Result hold(String name, String oldId, CreateBody create, int stopSeconds) {
        progress.guard();
        routes.forEach(edge::hold);
        progress.log(name + ": the edge holds new connections; the old copy finishes what it serves");
        long open = 0;
        Result started;
        try {
            for (EdgeRoute route : routes) {
                open += edge.awaitIdle(route, edge.servingSlot(route), drain);
            }
            started = restart(name, oldId, create, stopSeconds);
            String ip = started.ip() != null ? started.ip() : ipOf(started.id());
            routes.forEach(route -> edge.release(route, target, ip));
        } catch (RuntimeException e) {
            // Never leave the route held: its new connections would wait until the edge gives up on each.
            edge.endHolds(routes);
            throw e;
        }
        if (started.failure().isPresent()) {
            progress.log(name + ": the old copy is back and the edge serves it again");
            return started;
        }
        progress.log(name + ": the edge serves the new copy and lets the held connections on"
                + (open > 0 ? "; " + open + " connections to the old copy were cut" : ""));
        finish(name, oldId, started.id());
        return started;
    }

    /** hold's first handover: the old copy stops (its port with it), the new one starts, the edge takes the port. */
    private Result adoptStopped(String name, String oldId, CreateBody create, int stopSeconds) {
        Result started = restart(name, oldId, create, stopSeconds);
        if (started.failure().isPresent()) {
            return started;
        }
        routes.forEach(route -> edge.install(route, target, started.ip()));
        progress.log(name + ": adopt: the edge serves " + EdgeRoute.hostPorts(routes) + " from the new copy");
        finish(name, oldId, started.id());
        return started;
    }

    /** Stops the old copy and starts the new one; a new one that fails is removed and the old one started again. */
    private Result restart(String name, String oldId, CreateBody create, int stopSeconds) {
        progress.guard();
        engine.stop(oldId, stopSeconds);
        Result started = startCopy(name + NEW_MARK + oldId.substring(0, 12), create);
        if (started.failure().isEmpty()) {
            return started;
        }
        engine.start(oldId);
        return new Result(oldId, null, started.failure());
    }

    /** The old container goes and the copy takes its name. */
    private void finish(String name, String oldId, String newId) {
        progress.guard();
        engine.remove(oldId);
        engine.rename(newId, name);
        progress.log(name + ": old container " + oldId.substring(0, 12) + " removed; the new one has its name");
    }

    /** Creates, starts and gates the copy; removes it when it fails. */
    private Result startCopy(String copyName, CreateBody create) {
        String id = null;
        String ip = null;
        Optional<String> failure;
        try {
            id = engine.create(copyName, create.body());
            progress.created(engine.host(), copyName, id);
            for (Map.Entry<String, JsonNode> network : create.laterNetworks().entrySet()) {
                engine.connect(network.getKey(), id, network.getValue());
            }
            engine.start(id);
            ip = ipOf(id);
            progress.log(copyName + ": new copy " + id.substring(0, 12)
                    + " started beside the old one, waiting for the health gate");
            String started = id;
            failure = new HealthGate(rollout.healthTimeout(), rollout.stableFor(), clock)
                    .await(() -> engine.state(started));
        } catch (RuntimeException e) {
            failure = Optional.of("could not start the new copy: " + e.getMessage());
        }
        if (failure.isPresent() && id != null) {
            engine.remove(id);
            progress.log(copyName + ": the new copy failed (" + failure.get() + ") and was removed; it never served");
        }
        return new Result(id, ip, failure);
    }

    /** Whether the edge serves this container on every route and it publishes none of their ports itself. */
    public boolean adopted(ObjectNode inspect) {
        return adopted(inspect, routes, edge);
    }

    /** Whether {@code edge} serves the container {@code inspect} on every route and it publishes none of their ports. */
    public static boolean adopted(ObjectNode inspect, List<EdgeRoute> routes, Edge edge) {
        return EdgePorts.adopted(inspect, routes, edge);
    }

    private String ipOf(String id) {
        return ip(engine.inspectContainer(id)
                .orElseThrow(() -> new IllegalStateException("container " + id + " is gone")));
    }

    /** The container's address on its first network: the edge, on the host's network, reaches any of them. */
    public static String ip(ObjectNode inspect) {
        return EdgePorts.ip(inspect);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
