package io.keelson.strategy.compose;

import io.keelson.catalog.TargetSpec;
import io.keelson.edge.EdgeRoute;
import io.keelson.strategy.ssh.SshHost;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads a handover target's compose files on its first host when the target is loaded (start,
 * reload, POST, PUT), so a service that still publishes a handed-over port or sets {@code
 * container_name} is refused then, not at its first deployment. A host that cannot be reached (or a
 * compose that cannot read its files) is no reason to refuse the target: each deployment checks the
 * same before it changes anything.
 */
final class ComposeFilesCheck {

    private static final Logger LOG = Logger.getLogger(ComposeFilesCheck.class);
    private static final Duration CONNECT = Duration.ofSeconds(5);

    private ComposeFilesCheck() {}

    /** What is wrong with the target's compose files for its handover, if the first host can tell now. */
    static Optional<String> problem(TargetSpec spec) {
        String config;
        String host = spec.ssh().hosts().get(0);
        try (SshHost ssh = SshHost.connect(host, spec.ssh(), CONNECT)) {
            SshHost.Result result =
                    ssh.run(new ComposeCommands(spec.compose(), spec.ssh().usesSudo()).config(), line -> {});
            if (!result.ok()) {
                LOG.infof(
                        "%s: the compose files on %s could not be read now (%s); each deployment checks them",
                        spec.name(), host, result.lastError());
                return Optional.empty();
            }
            config = result.stdout();
        } catch (RuntimeException e) {
            LOG.infof(
                    "%s: %s cannot be reached now to read the compose files (%s); each deployment checks them",
                    spec.name(), host, e.getMessage());
            return Optional.empty();
        }
        try {
            check(spec, ComposeFiles.parse(config));
            return Optional.empty();
        } catch (IllegalStateException | IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Refuses, before anything changes, a handed-over service that publishes one of the edge's ports
     * itself or sets {@code container_name}: two copies could not both exist.
     */
    static void check(TargetSpec target, ComposeFiles.Model model) {
        if (target.handover() == null || target.handover().units() == null) {
            return;
        }
        for (String service : target.handover().units().keySet()) {
            String files = String.join(", ", target.compose().effectiveFiles());
            if (model.named().contains(service)) {
                throw new IllegalStateException(files + ": service '" + service
                        + "' sets container_name, which handover cannot use (two copies run side by side); remove it");
            }
            for (EdgeRoute route : target.handover().routes(service)) {
                if (model.published().getOrDefault(service, java.util.Set.of()).contains(route.hostPort())) {
                    throw new IllegalStateException(files + ": service '" + service + "' publishes port "
                            + route.hostPort() + " itself in ports; the edge publishes it: remove it from ports");
                }
            }
        }
    }
}
