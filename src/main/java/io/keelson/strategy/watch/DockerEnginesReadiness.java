package io.keelson.strategy.watch;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: does the Docker engine of every unpaused watch target answer a ping? */
@Readiness
@ApplicationScoped
public class DockerEnginesReadiness implements HealthCheck {

    private final TargetCatalog catalog;
    private final DockerEngines engines;

    public DockerEnginesReadiness(TargetCatalog catalog, DockerEngines engines) {
        this.catalog = catalog;
        this.engines = engines;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder answer = HealthCheckResponse.named("docker-engines").up();
        for (CatalogTarget target : catalog.list()) {
            if (!target.spec().isWatch() || target.paused()) {
                continue;
            }
            DockerEngine engine = engines.of(target.spec());
            boolean up = engine.ping();
            answer.withData(target.name() + "/" + engine.host(), up ? "reachable" : "unreachable");
            if (!up) {
                answer.down();
            }
        }
        return answer.build();
    }
}
