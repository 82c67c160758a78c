package io.keelson.strategy.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.HandoverSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.edge.ContainerHandover;
import io.keelson.edge.Edge;
import io.keelson.edge.EdgeCommands;
import io.keelson.edge.EdgeRoute;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.EdgeReading;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;
import io.keelson.strategy.engine.ContainerExec;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.Replacement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Watched containers that opt in with labels ({@code keelson.handover=overlap|hold},
 * {@code keelson.handover.ports=8080:8000[,…]}) are updated through the engine's edge instead of
 * stopped first: the same handover as an ssh-docker container, the routes read from the labels.
 */
final class WatchHandovers {

    static final String MODE = "keelson.handover";
    static final String PORTS = "keelson.handover.ports";

    private final DockerEngine engine;
    private final TargetSpec target;
    private final String edgeImage;
    private final Consumer<String> pull;
    private final Clock clock;
    private final Progress progress;
    private Edge edge;

    WatchHandovers(
            DockerEngine engine,
            TargetSpec target,
            String edgeImage,
            Consumer<String> pull,
            Clock clock,
            Progress progress) {
        this.engine = engine;
        this.target = target;
        this.edgeImage = edgeImage;
        this.pull = pull;
        this.clock = clock;
        this.progress = progress;
    }

    /**
     * The engine's edge as a background read sees it: its counters and the routes it serves. None
     * without an edge, and none (one container listing, no exec in the edge) while no running
     * container asks for a handover: the common case of a watch target.
     */
    static Map<String, EdgeReading> edgeReadings(DockerEngine engine) {
        if (engine.runningContainers().stream().noneMatch(c -> c.labels().containsKey(MODE))) {
            return Map.of();
        }
        if (Edge.find(engine, engine.host()).isEmpty()) {
            return Map.of();
        }
        ContainerExec.Result stats =
                engine.exec(Edge.CONTAINER, List.of(Edge.TOOL, "api", EdgeCommands.stats()), Duration.ofSeconds(10));
        ContainerExec.Result routes = engine.exec(Edge.CONTAINER, List.of(Edge.TOOL, "routes"), Duration.ofSeconds(10));
        return stats.ok() && routes.ok()
                ? Map.of(engine.host(), new EdgeReading(stats.stdout(), routes.stdout()))
                : Map.of();
    }

    /** Whether the container asks for a handover by its labels. */
    static boolean asked(ObjectNode inspect) {
        return inspect.path("Config").path("Labels").hasNonNull(MODE);
    }

    /**
     * The routes a watched container's labels ask for, read from it or from a copy of it a handover
     * left; none when it asks for none or its labels do not parse.
     */
    static List<EdgeRoute> routesOf(DockerEngine engine, String unit) {
        Optional<ObjectNode> container = engine.inspectContainer(unit)
                .or(() -> engine.containersNamedLike(unit + ContainerHandover.NEW_MARK).stream()
                        .findFirst()
                        .flatMap(c -> engine.inspectContainer(c.id())));
        String ports = container
                .map(c -> c.path("Config").path("Labels").path(PORTS).asText(""))
                .orElse("");
        try {
            return ports.isBlank()
                    ? List.of()
                    : Arrays.stream(ports.split(","))
                            .map(p -> EdgeRoute.parse(unit, p))
                            .toList();
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /**
     * Hands each container over in turn; stops at the first that fails, which keeps its old copy
     * serving. The edge's session ends with it: the engine's client outlives the check.
     */
    Outcome run(List<Replacement> replacements) {
        try {
            return handOver(replacements);
        } finally {
            if (edge != null) {
                edge.close();
            }
        }
    }

    private Outcome handOver(List<Replacement> replacements) {
        for (Replacement r : replacements) {
            UnitChange change = r.change(engine.host(), ChangeStatus.STARTED);
            progress.log(r.name() + ": " + r.fromDigest() + " -> " + r.toDigest() + " through the edge");
            progress.record(change);
            Optional<String> failure;
            try {
                failure = handover(r)
                        .run(r.inspect(), r.oldImage(), r.createAs(), r.stopSeconds())
                        .failure();
            } catch (RuntimeException e) {
                progress.record(change.with(ChangeStatus.FAILED));
                return Outcome.failed(r.name() + ": " + e.getMessage());
            }
            if (failure.isPresent()) {
                progress.record(change.with(ChangeStatus.ROLLED_BACK));
                return Outcome.rolledBack(
                        r.name() + " failed its health gate: " + failure.get() + "; the old copy kept serving");
            }
            progress.record(change.with(ChangeStatus.SUCCEEDED));
            progress.log(r.name() + ": healthy");
        }
        return Outcome.succeeded();
    }

    private ContainerHandover handover(Replacement r) {
        var labels = r.inspect().path("Config").path("Labels");
        String mode = labels.path(MODE).asText("").toLowerCase(Locale.ROOT);
        if (!mode.equals("overlap") && !mode.equals("hold")) {
            throw new IllegalArgumentException("label " + MODE + " must be overlap or hold, not '" + mode + "'");
        }
        String ports = labels.path(PORTS).asText("");
        if (ports.isBlank()) {
            throw new IllegalArgumentException(
                    "label " + PORTS + " must list [ip:]hostPort:containerPort, comma-separated");
        }
        List<EdgeRoute> routes = Arrays.stream(ports.split(","))
                .map(p -> EdgeRoute.parse(r.name(), p))
                .toList();
        if (edge == null) {
            edge = Edge.ensure(engine, engine.host(), edgeImage, pull, progress::log);
        }
        return new ContainerHandover(
                engine,
                edge,
                target.name(),
                mode.equals("hold") ? HandoverSpec.Mode.HOLD : HandoverSpec.Mode.OVERLAP,
                routes,
                target.effectiveRollout(),
                HandoverSpec.DEFAULT_DRAIN,
                clock,
                progress);
    }
}
