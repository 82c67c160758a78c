package io.keelson.edge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.strategy.RepairReport;
import io.keelson.strategy.engine.DockerEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ends handovers a crash cut off, from what the edge itself says: the copy it sends new connections
 * to is the one that stays. A copy still under its {@code -keelson-new-} name that the edge serves
 * takes the unit's name (the old container goes); one it does not serve is removed, and the old
 * container is started if it was stopped. Then every route of the target serves its unit's container
 * and holds no connection: this also re-points an edge whose units came back on other addresses
 * after the host restarted.
 */
public final class EdgeRepair {

    private static final Pattern COPY =
            Pattern.compile("(.+)" + Pattern.quote(ContainerHandover.NEW_MARK) + "([0-9a-f]{12})");
    private static final int STOP_SECONDS = 10;

    private final DockerEngine engine;
    private final String target;

    public EdgeRepair(DockerEngine engine, String target) {
        this.engine = engine;
        this.target = target;
    }

    /**
     * Repairs the handed-over {@code units} ({@code routes}: unit → its routes, empty for a unit not
     * handed over), a line each.
     */
    public RepairReport repair(java.util.Collection<String> units, Function<String, List<EdgeRoute>> routes) {
        Optional<Edge> edge = Edge.find(engine, engine.host());
        List<String> lines = new ArrayList<>();
        boolean complete = true;
        for (DockerEngine.Listed copy : engine.containersNamedLike(ContainerHandover.NEW_MARK)) {
            Matcher m = COPY.matcher(copy.name());
            if (!m.matches() || routes.apply(m.group(1)).isEmpty()) {
                continue;
            }
            try {
                lines.add(endHandover(m.group(1), copy.id(), routes.apply(m.group(1)), edge));
            } catch (RuntimeException e) {
                complete = false;
                lines.add(m.group(1) + ": a handover cut off could not be ended now: " + e.getMessage()
                        + " (tried again shortly)");
            }
        }
        for (String unit : units) {
            try {
                lines.addAll(settle(unit, routes.apply(unit)));
            } catch (RuntimeException e) {
                complete = false;
                lines.add(unit + ": the edge could not be checked now: " + e.getMessage() + " (tried again shortly)");
            }
        }
        return new RepairReport(List.copyOf(lines), complete);
    }

    /** Re-points each route the edge does not serve from the unit's container, or still holds. */
    public List<String> settle(String unit, List<EdgeRoute> routes) {
        Optional<Edge> edge = Edge.find(engine, engine.host());
        Optional<ObjectNode> container = engine.inspectContainer(unit);
        if (edge.isEmpty() || container.isEmpty() || routes.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        boolean held = routes.stream().anyMatch(edge.get()::held);
        if (!container.get().path("State").path("Running").asBoolean()) {
            if (!held) {
                return List.of(); // stopped by someone else: not Keelson's to start
            }
            // A hold cut off after the old copy stopped and before the new one was made.
            engine.start(unit);
            container = engine.inspectContainer(unit);
            lines.add(unit + ": was stopped under a hold that Keelson did not finish: started again");
        }
        String ip = ContainerHandover.ip(container.orElseThrow());
        for (EdgeRoute route : routes) {
            EdgeStats stats = edge.get().stats();
            boolean serves = stats.serving(route).map(s -> s.ip().equals(ip)).orElse(false);
            if (stats.has(route) && (!serves || edge.get().held(route))) {
                edge.get().release(route, target, ip);
                lines.add(unit + ": the edge serves port " + route.hostPort() + " from " + ip + " again");
            }
        }
        return lines;
    }

    private String endHandover(String unit, String copyId, List<EdgeRoute> routes, Optional<Edge> edge) {
        ObjectNode copy = engine.inspectContainer(copyId).orElseThrow();
        boolean running = copy.path("State").path("Running").asBoolean();
        String ip = running ? ContainerHandover.ip(copy) : "";
        boolean serves = running
                && edge.isPresent()
                && routes.stream()
                        .allMatch(route -> edge.get()
                                .stats()
                                .serving(route)
                                .map(s -> s.ip().equals(ip))
                                .orElse(false));
        Optional<ObjectNode> old = engine.inspectContainer(unit);
        if (serves) {
            if (old.isPresent()) {
                engine.stop(old.get().path("Id").asText(), STOP_SECONDS);
                engine.remove(old.get().path("Id").asText());
            }
            engine.rename(copyId, unit);
            routes.forEach(route -> edge.get().release(route, target, ip));
            return unit + ": the edge served the new copy " + copyId.substring(0, 12)
                    + " when Keelson stopped: it keeps the unit's name, the old one was removed";
        }
        engine.remove(copyId);
        if (old.isPresent() && !old.get().path("State").path("Running").asBoolean()) {
            engine.start(old.get().path("Id").asText());
        }
        settle(unit, routes);
        return unit + ": the new copy " + copyId.substring(0, 12)
                + " was never switched to: removed; the old container serves";
    }
}
