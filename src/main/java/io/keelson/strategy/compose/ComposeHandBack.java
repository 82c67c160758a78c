package io.keelson.strategy.compose;

import io.keelson.catalog.TargetSpec;
import io.keelson.edge.Edge;
import io.keelson.edge.EdgeRoute;
import io.keelson.edge.RouteFile;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.SshHost;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The routes a host's edge still serves for a target, read once per deployment (one {@code docker
 * exec} over SSH, beside the other reads): a service among them that {@code handover} no longer
 * names gets its ports back.
 */
final class ComposeHandBack {

    private final TargetSpec target;
    private final CompletableFuture<SshHost.Result> listing;

    private ComposeHandBack(TargetSpec target, CompletableFuture<SshHost.Result> listing) {
        this.target = target;
        this.listing = listing;
    }

    static ComposeHandBack read(SshHost ssh, TargetSpec target, Executor background) {
        List<String> argv = new ArrayList<>(target.ssh().usesSudo() ? List.of("sudo", "-n") : List.of());
        argv.addAll(List.of("docker", "exec", Edge.CONTAINER, Edge.TOOL, "routes"));
        return new ComposeHandBack(
                target,
                CompletableFuture.supplyAsync(
                        () -> ssh.run(RemoteCommand.of(argv).asQuiet(), line -> {}), background));
    }

    /** The routes the edge serves for {@code service} of this target; none when the host has no edge. */
    List<EdgeRoute> routesOf(String service) {
        SshHost.Result listed;
        try {
            listed = listing.join();
        } catch (RuntimeException e) {
            return List.of(); // the host is checked again by the deployment's own steps
        }
        if (!listed.ok()) {
            return List.of();
        }
        return RouteFile.owners(listed.stdout()).stream()
                .filter(o ->
                        o.target().equals(target.name()) && o.route().unit().equals(service))
                .map(RouteFile.Owned::route)
                .toList();
    }
}
