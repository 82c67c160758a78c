package io.keelson.strategy.ssh;

import io.keelson.catalog.TargetSpec;
import io.keelson.edge.Edge;
import io.keelson.edge.EdgeCommands;
import io.keelson.strategy.EdgeReading;
import io.keelson.strategy.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A strategy whose target's units live on hosts reached over SSH: its endpoints are those hosts' SSH ports. */
public interface OverSsh extends Strategy {

    @Override
    default List<String> endpoints(TargetSpec target) {
        return SshPorts.endpoints(target.ssh());
    }

    @Override
    default Optional<String> unreachable(TargetSpec target, String endpoint) {
        return SshPorts.unreachable(endpoint);
    }

    /** Each host's edge counters, read with one {@code docker exec} over SSH; a host that does not answer is left out. */
    @Override
    default Map<String, EdgeReading> edgeReadings(TargetSpec target) {
        Map<String, EdgeReading> stats = new LinkedHashMap<>();
        if (target.handover() == null) {
            return stats;
        }
        List<String> argv = new ArrayList<>(target.ssh().usesSudo() ? List.of("sudo", "-n") : List.of());
        argv.addAll(List.of("docker", "exec", Edge.CONTAINER, Edge.TOOL, "api", EdgeCommands.stats()));
        for (String host : target.ssh().hosts()) {
            try (SshHost ssh = SshHost.connect(host, target.ssh(), Duration.ofSeconds(10))) {
                SshHost.Result result =
                        ssh.run(RemoteCommand.of(argv).asQuiet().withTimeout(Duration.ofSeconds(10)), line -> {});
                if (result.ok()) {
                    // The routes come from the catalog's handover block: no need to list them.
                    stats.put(host, new EdgeReading(result.stdout(), ""));
                }
            } catch (RuntimeException e) {
                // Unreachable now: TargetHealth says so; the counters wait for the next round.
            }
        }
        return stats;
    }
}
