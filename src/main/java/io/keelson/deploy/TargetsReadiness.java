package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Predicate;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness lists each SSH host and Docker engine with its last probe, but stays UP whatever they
 * say: readiness is about Keelson itself (its database has a check of its own). One unreachable
 * deploy host must not take Keelson's API out of a load balancer; it shows in the target instead.
 */
final class TargetsReadiness {

    private TargetsReadiness() {
    }

    static HealthCheckResponse report(String name, TargetCatalog catalog, TargetHealth health, Predicate<CatalogTarget> which) {
        HealthCheckResponseBuilder answer = HealthCheckResponse.named(name).up();
        for (CatalogTarget target : catalog.list()) {
            if (target.paused() || !which.test(target)) {
                continue;
            }
            for (TargetHealth.Endpoint e : health.of(target.spec())) {
                String state = e.reachable() == null ? "not probed yet" : e.reachable() ? "reachable" : "unreachable: " + e.detail();
                answer.withData(target.name() + "/" + e.endpoint(), state);
            }
        }
        return answer.build();
    }

    /** The SSH hosts of the ssh-compose targets. */
    @Readiness
    @ApplicationScoped
    static class SshHosts implements HealthCheck {
        private final TargetCatalog catalog;
        private final TargetHealth health;

        SshHosts(TargetCatalog catalog, TargetHealth health) {
            this.catalog = catalog;
            this.health = health;
        }

        @Override
        public HealthCheckResponse call() {
            return report("ssh-hosts", catalog, health, t -> t.spec().isSshCompose());
        }
    }

    /** The Docker engines of the watch targets. */
    @Readiness
    @ApplicationScoped
    static class DockerEngines implements HealthCheck {
        private final TargetCatalog catalog;
        private final TargetHealth health;

        DockerEngines(TargetCatalog catalog, TargetHealth health) {
            this.catalog = catalog;
            this.health = health;
        }

        @Override
        public HealthCheckResponse call() {
            return report("docker-engines", catalog, health, t -> t.spec().isWatch());
        }
    }
}
