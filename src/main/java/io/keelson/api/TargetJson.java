package io.keelson.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.keelson.catalog.CatalogTarget;
import io.keelson.deploy.DeploymentView;
import java.time.Instant;

/** A target in the list: what it is, whether it is paused, and how its last deployment went. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TargetJson(
        String name,
        String strategy,
        String description,
        boolean paused,
        String source,
        LastDeployment lastDeployment) {

    /** The newest deployment of a target, in brief; GET /deployments/{id} has the rest. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LastDeployment(
            String id, String trigger, String status, String requestedBy, Instant createdAt, Instant finishedAt) {
        static LastDeployment from(DeploymentView d) {
            return d == null
                    ? null
                    : new LastDeployment(
                            d.id(),
                            d.trigger().name(),
                            d.status().name(),
                            d.requestedBy(),
                            d.createdAt(),
                            d.finishedAt());
        }
    }

    static TargetJson from(CatalogTarget t, DeploymentView last) {
        return new TargetJson(
                t.name(),
                t.spec().strategy(),
                t.spec().description(),
                t.paused(),
                t.source().name(),
                LastDeployment.from(last));
    }
}
