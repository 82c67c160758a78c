package io.keelson.strategy.sshdocker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.HandoverSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.edge.ContainerHandover;
import io.keelson.edge.Edge;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.Replacement;
import java.time.Clock;
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

    /** Hands the unit over to its new copy; records the change; throws with the reason when the old copy still serves. */
    void run(Replacement r) {
        progress.log(r.name() + ": " + r.fromDigest() + " -> " + r.toDigest() + " through the edge");
        progress.record(change(r, ChangeStatus.STARTED));
        ContainerHandover.Result result;
        try {
            result = handover(r.name()).run(r.inspect(), r.oldImage(), r.createAs(), r.stopSeconds());
        } catch (RuntimeException e) {
            progress.record(change(r, ChangeStatus.FAILED));
            throw e;
        }
        if (result.failure().isPresent()) {
            progress.record(change(r, ChangeStatus.ROLLED_BACK));
            throw new HandoverFailed(
                    r.name() + " failed its health gate: " + result.failure().get() + "; the old copy kept serving");
        }
        progress.record(change(r, ChangeStatus.SUCCEEDED));
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

    private UnitChange change(Replacement u, ChangeStatus status) {
        String from = u.fromDigest() == null ? null : u.image().toString();
        return new UnitChange(host, u.name(), u.image().toString(), from, u.fromDigest(), u.toDigest(), status);
    }
}
