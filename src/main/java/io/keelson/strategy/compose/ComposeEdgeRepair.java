package io.keelson.strategy.compose;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.DockerSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.edge.ContainerHandover;
import io.keelson.edge.Edge;
import io.keelson.edge.EdgeRepair;
import io.keelson.edge.EdgeRoute;
import io.keelson.edge.EdgeStats;
import io.keelson.strategy.RepairReport;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.ssh.EngineTunnel;
import io.keelson.strategy.ssh.SshHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Ends a compose handover a crash cut off, on one host. The compose command itself finished on the
 * host (it runs apart from the SSH session), so a handed-over service may have two containers: the
 * one the edge serves stays and the other goes; when the edge serves neither (a hold never
 * released), the newest running one stays and the edge is pointed at it.
 */
final class ComposeEdgeRepair {

    private static final int STOP_SECONDS = 10;

    private ComposeEdgeRepair() {}

    static RepairReport repair(TargetSpec target, String host) {
        if (target.handover() == null || target.handover().units() == null) {
            return RepairReport.NOTHING;
        }
        try (SshHost ssh = SshHost.connect(host, target.ssh(), Duration.ofSeconds(15));
                EngineTunnel tunnel = EngineTunnel.open(ssh, target.ssh().usesSudo());
                DockerEngine engine = DockerEngine.connect(new DockerSpec(tunnel.dockerHost(), null), 2)) {
            Optional<Edge> edge = Edge.find(engine, host);
            if (edge.isEmpty()) {
                return RepairReport.NOTHING;
            }
            List<String> lines = new ArrayList<>();
            // A compose command the crash left running finishes first: the repair never races it.
            EarlierCommands.awaitMarked(
                    ssh, target.compose().projectDir(), line -> lines.add("[" + host + "] " + line));
            for (String service : target.handover().units().keySet()) {
                lines.addAll(repairService(engine, edge.get(), target, service).stream()
                        .map(line -> "[" + host + "] " + line)
                        .toList());
            }
            return new RepairReport(List.copyOf(lines), true);
        }
    }

    private static List<String> repairService(DockerEngine engine, Edge edge, TargetSpec target, String service) {
        String project = new ComposeCommands(target.compose(), false).projectName();
        List<ObjectNode> containers = engine.containersNamedLike(project + "_" + service + "_").stream()
                .filter(c -> project.equals(c.labels().get("com.docker.compose.project"))
                        && service.equals(c.labels().get("com.docker.compose.service")))
                .map(c -> engine.inspectContainer(c.id()))
                .flatMap(Optional::stream)
                .filter(c -> c.path("State").path("Running").asBoolean())
                .sorted(Comparator.comparing((ObjectNode c) -> c.path("Created").asText())
                        .reversed())
                .toList();
        if (containers.isEmpty()) {
            return List.of();
        }
        List<EdgeRoute> routes = target.handover().routes(service);
        EdgeStats stats = edge.stats();
        ObjectNode keep = containers.stream()
                .filter(c -> routes.stream()
                        .allMatch(r -> stats.serving(r)
                                .map(s -> s.ip().equals(ContainerHandover.ip(c)))
                                .orElse(false)))
                .findFirst()
                .orElse(containers.get(0));
        List<String> lines = new ArrayList<>();
        for (ObjectNode other : containers) {
            if (other != keep) {
                String id = other.path("Id").asText();
                engine.stop(id, STOP_SECONDS);
                engine.remove(id);
                lines.add(service + ": a copy left by a handover cut off (" + id.substring(0, 12)
                        + ") was removed; the one the edge serves stays");
            }
        }
        String name = keep.path("Name").asText().replaceFirst("^/", "");
        lines.addAll(new EdgeRepair(engine, target.name()).settle(name, routes));
        return lines;
    }
}
