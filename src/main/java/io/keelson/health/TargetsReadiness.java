package io.keelson.health;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import jakarta.inject.Singleton;
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
abstract class TargetsReadiness implements HealthCheck {

    private final String name;
    private final Predicate<CatalogTarget> which;
    private final TargetCatalog catalog;
    private final TargetHealth health;

    TargetsReadiness(String name, Predicate<CatalogTarget> which, TargetCatalog catalog, TargetHealth health) {
        this.name = name;
        this.which = which;
        this.catalog = catalog;
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder answer = HealthCheckResponse.named(name).up();
        for (CatalogTarget target : catalog.list()) {
            if (target.paused() || !which.test(target)) {
                continue;
            }
            for (TargetHealth.Endpoint e : health.of(target.spec())) {
                String state = e.reachable() == null
                        ? "not probed yet"
                        : e.reachable() ? "reachable" : "unreachable: " + e.detail();
                answer.withData(target.name() + "/" + e.endpoint(), state);
            }
        }
        return answer.build();
    }

    /** The SSH hosts of the targets deployed over SSH. */
    @Readiness
    @Singleton
    static class SshHosts extends TargetsReadiness {
        SshHosts(TargetCatalog catalog, TargetHealth health) {
            super("ssh-hosts", t -> t.spec().ssh() != null, catalog, health);
        }
    }

    /** The Docker engines of the targets reached without SSH (their endpoints are engines). */
    @Readiness
    @Singleton
    static class DockerEngines extends TargetsReadiness {
        DockerEngines(TargetCatalog catalog, TargetHealth health) {
            super("docker-engines", t -> t.spec().ssh() == null, catalog, health);
        }
    }
}
