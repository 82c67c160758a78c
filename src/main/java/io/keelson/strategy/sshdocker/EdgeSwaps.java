package io.keelson.strategy.sshdocker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.HandoverSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.edge.ContainerHandover;
import io.keelson.edge.Edge;
import io.keelson.edge.EdgeRoute;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.Replacement;
import io.keelson.strategy.engine.Replacements;
import io.keelson.strategy.engine.StopTimeout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The containers of one host that the target's {@code handover} block serves through the edge: each
 * is handed over to its new copy instead of being stopped first. The edge is made ready (created,
 * checked) once, before the first of them.
 */
final class EdgeSwaps {

    private final DockerEngine engine;
    private final String host;
    private final TargetSpec target;
    private final String defaultImage;
    private final Consumer<String> pull;
    private final Clock clock;
    private final Progress progress;
    private Edge edge;

    EdgeSwaps(
            DockerEngine engine,
            String host,
            TargetSpec target,
            String defaultImage,
            Consumer<String> pull,
            Clock clock,
            Progress progress) {
        this.engine = engine;
        this.host = host;
        this.target = target;
        this.defaultImage = defaultImage;
        this.pull = pull;
        this.clock = clock;
        this.progress = progress;
    }

    /** Whether the target hands {@code unit} over through the edge. */
    boolean handsOver(String unit) {
        return target.handover() != null && target.handover().unit(unit).isPresent();
    }

    /** Whether the edge already serves the container: else its first deployment adopts it, digest changed or not. */
    boolean adopted(String unit, ObjectNode inspect) {
        return handover(unit).adopted(inspect);
    }

    /** What a hand back has to do: the edge, and the routes it still serves for units no longer handed over. */
    private record Back(Edge edge, Map<String, List<EdgeRoute>> units) {}

    /**
     * Units the edge still serves for this target although its {@code handover} no longer names
     * them: each route goes (the edge lets the port go) and the container is recreated publishing the
     * port itself again. One gap, said in the log. What to hand back is read at once, beside whatever
     * the deployment does next (the image's pull: the read is an exec in the edge, a few hundred ms
     * over SSH, which no deployment should wait for); the answer's {@code run} waits for the read and
     * hands back.
     */
    Runnable handBack() {
        CompletableFuture<Optional<Back>> read = CompletableFuture.supplyAsync(this::toHandBack, work -> {
            Thread thread = new Thread(work, "hand-back-read " + host);
            thread.setDaemon(true);
            thread.start();
        });
        return () -> {
            Optional<Back> back;
            try {
                back = read.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            back.ifPresent(b -> b.units().forEach((unit, routes) -> handBack(b.edge(), unit, routes)));
        };
    }

    private Optional<Back> toHandBack() {
        return Edge.find(engine, host).map(edge -> {
            Map<String, List<EdgeRoute>> back = new LinkedHashMap<>();
            edge.routes().stream()
                    .filter(owned -> owned.target().equals(target.name())
                            && !handsOver(owned.route().unit()))
                    .forEach(owned -> back.computeIfAbsent(owned.route().unit(), u -> new ArrayList<>())
                            .add(owned.route()));
            return new Back(edge, back);
        });
    }

    private void handBack(Edge edge, String unit, List<EdgeRoute> routes) {
        String ports = routes.stream().map(EdgeRoute::spec).toList().toString();
        Optional<ObjectNode> inspect = engine.inspectContainer(unit);
        progress.guard();
        if (inspect.isEmpty()) {
            routes.forEach(edge::remove);
            progress.log("[" + host + "] " + unit + ": no such container; the edge no longer serves " + ports);
            return;
        }
        progress.log(
                "[" + host + "] " + unit + ": hand back: " + ports + " move from the edge to the container (one gap)");
        ObjectNode publishing = inspect.get().deepCopy();
        ObjectNode bindings = ((ObjectNode) publishing.path("HostConfig")).putObject("PortBindings");
        JsonNode old = inspect.get().path("HostConfig").path("PortBindings");
        if (old instanceof ObjectNode existing) {
            bindings.setAll(existing);
        }
        for (EdgeRoute route : routes) {
            bindings.putArray(route.containerPort() + "/tcp")
                    .addObject()
                    .put("HostIp", route.bindAddress())
                    .put("HostPort", String.valueOf(route.hostPort()));
        }
        String image = inspect.get().path("Config").path("Image").asText();
        String digest = ImageRef.tryParse(image).map(ImageRef::digest).orElse(null);
        routes.forEach(edge::remove);
        Outcome outcome = new Replacements(
                        engine, host, target.effectiveRollout(), clock, Progress.logOnly(progress::log, progress))
                .run(List.of(new Replacement(
                        unit,
                        publishing,
                        engine.inspectImage(inspect.get().path("Image").asText())
                                .orElse(null),
                        ImageRef.parse(image),
                        image,
                        digest,
                        digest,
                        StopTimeout.of(inspect.get(), 10))));
        if (outcome.result() != Outcome.Result.SUCCEEDED) {
            // The old container is back, publishing nothing: the edge serves it again until the next try.
            String ip = ContainerHandover.ip(engine.inspectContainer(unit).orElseThrow());
            routes.forEach(route -> edge.install(route, target.name(), ip));
            throw new IllegalStateException(
                    unit + ": handing " + ports + " back failed: " + outcome.error() + "; the edge still serves them");
        }
    }

    /** Hands the unit over to its new copy; records the change; throws with the reason when the old copy still serves. */
    void run(Replacement r) {
        progress.log(r.name() + ": " + r.fromDigest() + " -> " + r.toDigest() + " through the edge");
        progress.record(r.change(host, ChangeStatus.STARTED));
        ContainerHandover.Result result;
        try {
            result = handover(r.name()).run(r.inspect(), r.oldImage(), r.createAs(), r.stopSeconds());
        } catch (RuntimeException e) {
            progress.record(r.change(host, ChangeStatus.FAILED));
            throw e;
        }
        if (result.failure().isPresent()) {
            progress.record(r.change(host, ChangeStatus.ROLLED_BACK));
            throw new HandoverFailed(
                    r.name() + " failed its health gate: " + result.failure().get() + "; the old copy kept serving");
        }
        progress.record(r.change(host, ChangeStatus.SUCCEEDED));
        progress.log(r.name() + ": healthy");
    }

    /** Puts a unit back on the copy it ran before (a rollback), through the edge like any handover. */
    void restore(Replacement r) {
        ContainerHandover.Result result = handover(r.name(), Progress.logOnly(progress::log, progress))
                .run(r.inspect(), r.oldImage(), r.createAs(), r.stopSeconds());
        if (result.failure().isPresent()) {
            throw new IllegalStateException(result.failure().get());
        }
    }

    /** A container made from the catalog for a handed-over unit does not publish the edge's ports itself. */
    void unpublish(String unit, ObjectNode body) {
        if (handsOver(unit) && body.path("HostConfig").path("PortBindings") instanceof ObjectNode bindings) {
            target.handover().routes(unit).forEach(route -> bindings.remove(route.containerPort() + "/tcp"));
        }
    }

    /** The edge serves a container just made from the catalog for a handed-over unit. */
    void serve(String unit, String containerId) {
        if (handsOver(unit)) {
            String ip =
                    ContainerHandover.ip(engine.inspectContainer(containerId).orElseThrow());
            Edge here = edge(target.handover());
            target.handover().routes(unit).forEach(route -> here.install(route, target.name(), ip));
            progress.log("[" + host + "] " + unit + ": the edge serves "
                    + target.handover().unit(unit).orElseThrow().ports());
        }
    }

    /** A handover whose new copy failed: the old one serves as before. */
    static final class HandoverFailed extends IllegalStateException {
        HandoverFailed(String message) {
            super(message);
        }
    }

    private ContainerHandover handover(String unit) {
        return handover(unit, progress);
    }

    private ContainerHandover handover(String unit, Progress progress) {
        HandoverSpec spec = target.handover();
        return new ContainerHandover(
                engine,
                edge(spec),
                target.name(),
                spec.unit(unit).orElseThrow().mode(),
                spec.routes(unit),
                target.effectiveRollout(),
                spec.effectiveDrain(),
                clock,
                progress);
    }

    private Edge edge(HandoverSpec spec) {
        if (edge == null) {
            String image = spec.edgeImage() == null ? defaultImage : spec.edgeImage();
            edge = Edge.ensure(engine, host, image, pull, line -> progress.log("[" + host + "] " + line));
        }
        return edge;
    }
}
